package org.slidebatch.manifest;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.ColumnNamingStrategy;

import org.slidebatch.figures.Charts;
import org.slidebatch.store.ScanIssue;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.workspace.AtomicFiles;
import org.slidebatch.workspace.Csv;

/**
 * Writes the manifest outputs from the recorded rows: manifest.parquet, manifest.csv, failed-slides.csv and
 * the summary figures. Rows come sorted by slide id, so the files depend only on the slides, never on
 * thread timing or on where a run was interrupted.
 */
public final class ManifestOutputs {

    static final String[] CSV_COLUMNS = {"slide_id", "path", "cancer_code", "fingerprint", "fingerprint_sha256",
        "size_bytes", "vendor", "width", "height", "level_count", "level_dimensions", "level_downsamples", "mpp_x",
        "mpp_y", "mpp_source", "mpp_missing", "objective_power", "associated_images", "status", "error"};

    private ManifestOutputs() {
    }

    public static ManifestRow row(SlideRecord r) {
        return new ManifestRow(r.slideId(), r.path(), r.cancerCode(), r.fingerprint(), r.fingerprintSha256(),
            r.fileSize(), r.vendor(), r.width(), r.height(), r.levelCount(), r.levelDimensions(),
            r.levelDownsamples(), r.mppX(), r.mppY(), r.mppSource(), r.mppX() == null, r.objectivePower(),
            r.associatedImages(), r.status(), r.error());
    }

    /**
     * @param issues what the scan found but could not use (duplicate ids, unlistable folders, links): listed in
     *               failed-slides.csv with their kind as status, never in the manifest, whose slide ids stay unique
     */
    public static void write(Path manifestDir, Path figuresDir, List<SlideRecord> records, List<ScanIssue> issues)
        throws IOException {
        List<ManifestRow> rows = records.stream().map(ManifestOutputs::row).toList();
        AtomicFiles.write(manifestDir.resolve("manifest.parquet"), out -> {
            try (CarpetWriter<ManifestRow> w = new CarpetWriter.Builder<>(out, ManifestRow.class)
                .withColumnNamingStrategy(ColumnNamingStrategy.SNAKE_CASE).build()) {
                w.write(rows);
            }
        });
        AtomicFiles.write(manifestDir.resolve("manifest.csv"), out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write(String.join(",", CSV_COLUMNS) + "\n");
            for (ManifestRow r : rows) {
                w.write(Csv.line(r.slideId(), r.path(), r.cancerCode(), r.fingerprint(), r.fingerprintSha256(),
                    r.sizeBytes(), r.vendor(), r.width(), r.height(), r.levelCount(), r.levelDimensions(),
                    r.levelDownsamples(), r.mppX(), r.mppY(), r.mppSource(), r.mppMissing(), r.objectivePower(),
                    r.associatedImages(), r.status(), r.error()));
            }
            w.flush();
        });
        AtomicFiles.write(manifestDir.resolve("failed-slides.csv"), out -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            w.write("slide_id,path,status,error\n");
            for (ManifestRow r : rows) {
                if (!SlideRecord.OK.equals(r.status())) {
                    w.write(Csv.line(r.slideId(), r.path(), r.status(), r.error()));
                }
            }
            for (ScanIssue i : issues) {
                w.write(Csv.line(i.slideId(), i.path(), i.kind(), i.reason()));
            }
            w.flush();
        });
        figures(figuresDir, rows);
    }

    static void figures(Path dir, List<ManifestRow> rows) throws IOException {
        List<Double> sizesMiB = new ArrayList<>();
        List<Double> logSide = new ArrayList<>();
        Map<String, Integer> byCode = new TreeMap<>();
        Map<String, Integer> mpp = new LinkedHashMap<>();
        mpp.put("µm/px known", 0);
        mpp.put("µm/px missing", 0);
        for (ManifestRow r : rows) {
            if (r.sizeBytes() != null) {
                sizesMiB.add(r.sizeBytes() / (1024.0 * 1024.0));
            }
            if (r.width() != null) {
                logSide.add(Math.log10(Math.max(1, r.width())));
                logSide.add(Math.log10(Math.max(1, r.height())));
            }
            byCode.merge(r.cancerCode(), 1, Integer::sum);
            if (SlideRecord.OK.equals(r.status())) {
                mpp.merge(r.mppMissing() ? "µm/px missing" : "µm/px known", 1, Integer::sum);
            }
        }
        Charts.histogram(dir.resolve("manifest_size_distribution.png"), "Slide file sizes", "size (MiB)", sizesMiB, 40);
        Charts.histogram(dir.resolve("manifest_wh_log_distribution.png"), "Slide width and height", "log10(px)", logSide, 40);
        Charts.bars(dir.resolve("manifest_counts_by_cancer.png"), "Slides per cancer code (folder)", "cancer code", "slides", byCode);
        Charts.bars(dir.resolve("manifest_mpp_availability.png"), "µm/px availability (openable slides)", "", "slides", mpp);
    }
}
