package org.slidebatch.qc;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.ColumnNamingStrategy;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.batch.PerSlideSteps;
import org.slidebatch.batch.SlideOutputs;
import org.slidebatch.batch.SlideResult;
import org.slidebatch.batch.SlideWork;
import org.slidebatch.batch.SlideOutcome;
import org.slidebatch.figures.Charts;
import org.slidebatch.slide.SlideReaders;
import org.slidebatch.slide.ReaderChoice;
import org.slidebatch.batch.Params;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.QcRow;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.StageResultStore;
import org.slidebatch.workspace.AtomicFiles;
import org.slidebatch.workspace.Csv;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Steps {@code qc} (per slide, partitioned: metrics on a ≤1024 px thumbnail, decision, overlay) and {@code qc.export}
 * (qc_metrics.parquet/.csv, exclusions.csv, figures). An excluded slide's status is {@code excluded} with every
 * reason; later stages skip it and {@code slidebatch slides} shows why.
 */
@Configuration(proxyBeanMethods = false)
public class QcStepConfiguration {

    public static final String STEP = "qc";
    public static final String EXPORT_STEP = "qc.export";
    public static final String STAGE_FOLDER = "qc";
    public static final int THUMB_MAX_SIDE = 1024;
    /** Default of {@code pen_rules}: the ink colours. {@code pen_rules=openslidefm} is OpenSlideFM's own rule. */
    public static final String DEFAULT_PEN_RULES = "green,blue,black";
    static final List<String> THRESHOLD_KEYS = List.of("min_tissue_pct", "max_white_pct", "min_blur_var", "max_pen_pct");

    @Bean
    Step qcStep(PerSlideSteps steps, StageResultStore results, Workspace workspace) {
        return steps.build(STEP, STAGE_FOLDER, p -> new QcWork(workspace, results, QcParameters.from(p), Params.reader(p)));
    }

    @Bean
    Step qcExportStep(JobRepository repo, PlatformTransactionManager tx, SlideStore slides, StageResultStore results,
                      PassportStore passports, Workspace workspace, org.slidebatch.store.OutputFileStore files) {
        return new StepBuilder(EXPORT_STEP, repo)
            .tasklet((contribution, chunk) -> {
                List<String> ids = slides.findStepStatuses().stream()
                    .filter(s -> s.stepName().equals(STEP) && s.jobExecutionId() != null)
                    .filter(s -> s.status().equals(SlideStepStatus.DONE) || s.status().equals(SlideStepStatus.EXCLUDED))
                    .map(SlideStepStatus::slideId).toList();
                List<QcRow> rows = results.findQc(ids);
                Map<String, SlideRecord> bySlide = slides.findAll().stream()
                    .collect(Collectors.toMap(SlideRecord::slideId, Function.identity()));
                var se = contribution.getStepExecution();
                for (Path f : writeOutputs(workspace, rows, bySlide)) {
                    if (java.nio.file.Files.isRegularFile(f)) { // a figure with no data is not drawn
                        files.register(f, null, null, EXPORT_STEP, se.getJobExecutionId(), se.getId());
                    }
                }
                contribution.incrementWriteCount(rows.size());
                long excluded = rows.stream().filter(QcRow::excluded).count();
                System.out.printf("[%s] %d slides, %d excluded -> %s%n", EXPORT_STEP, rows.size(), excluded,
                    workspace.stage(STAGE_FOLDER).resolve("qc_metrics.parquet"));
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    public static QcThresholds thresholds(JobParameters p) {
        return QcParameters.from(p).thresholds();
    }

    /** Parameter {@code pen_rules} (see {@link QcParameters}). */
    public static List<PenRule> penRules(JobParameters p) {
        return QcParameters.from(p).penRules();
    }

    /** One row of qc_metrics.parquet (OpenSlideFM's columns). */
    public record QcTableRow(String slideId, String cancerCode, String path, double tissuePct, double whitePct,
                             double penPct, double blurVar, double brightnessMean, double saturationMean, boolean excluded,
                             String reasons, String overlay) {
    }

    /** Writes the cohort tables and figures; returns the files written (the export step registers them). */
    static List<Path> writeOutputs(Workspace ws, List<QcRow> rows, Map<String, SlideRecord> slides) throws IOException {
        List<QcTableRow> table = new ArrayList<>();
        for (QcRow r : rows) {
            SlideRecord s = slides.get(r.slideId());
            table.add(new QcTableRow(r.slideId(), s == null ? "UNKNOWN" : s.cancerCode(), s == null ? null : s.path(),
                r.tissuePct(), r.whitePct(), r.penPct(), r.blurVar(), r.brightnessMean(), r.saturationMean(), r.excluded(),
                r.reasons(), r.overlayPath()));
        }
        Path dir = ws.stage(STAGE_FOLDER);
        AtomicFiles.write(dir.resolve("qc_metrics.parquet"), out -> {
            try (CarpetWriter<QcTableRow> w = new CarpetWriter.Builder<>(out, QcTableRow.class)
                .withColumnNamingStrategy(ColumnNamingStrategy.SNAKE_CASE).build()) {
                w.write(table);
            }
        });
        String header = "slide_id,cancer_code,path,tissue_pct,white_pct,pen_pct,blur_var,brightness_mean,saturation_mean,excluded,reasons,overlay\n";
        AtomicFiles.write(dir.resolve("qc_metrics.csv"), out -> writeCsv(out, header, table, false));
        AtomicFiles.write(dir.resolve("exclusions.csv"), out -> writeCsv(out, header, table, true));
        Map<String, double[]> byCode = new TreeMap<>();
        for (QcTableRow r : table) {
            double[] c = byCode.computeIfAbsent(r.cancerCode(), k -> new double[2]);
            c[0] += r.excluded() ? 1 : 0;
            c[1] += 1;
        }
        Map<String, Double> rate = new TreeMap<>();
        byCode.forEach((k, v) -> rate.put(k, 100.0 * v[0] / v[1]));
        Path fig = ws.figures();
        Charts.histogram(fig.resolve("qc_tissue_pct.png"), "Tissue fraction (exclude < min_tissue_pct)", "tissue fraction",
            table.stream().map(QcTableRow::tissuePct).toList(), 40);
        Charts.histogram(fig.resolve("qc_blur_distribution.png"), "Blur: Laplacian variance over tissue (exclude < min_blur_var)",
            "Laplacian variance", table.stream().map(QcTableRow::blurVar).toList(), 40);
        Charts.histogram(fig.resolve("qc_white_distribution.png"), "White fraction (exclude > max_white_pct)", "white fraction",
            table.stream().map(QcTableRow::whitePct).toList(), 40);
        Charts.bars(fig.resolve("qc_exclusion_by_cancer.png"), "QC exclusions by cancer code", "cancer code", "% excluded", rate);
        return List.of(dir.resolve("qc_metrics.parquet"), dir.resolve("qc_metrics.csv"), dir.resolve("exclusions.csv"),
            fig.resolve("qc_tissue_pct.png"), fig.resolve("qc_blur_distribution.png"), fig.resolve("qc_white_distribution.png"),
            fig.resolve("qc_exclusion_by_cancer.png"));
    }

    private static void writeCsv(java.io.OutputStream out, String header, List<QcTableRow> rows, boolean excludedOnly) throws IOException {
        Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        w.write(header);
        for (QcTableRow r : rows) {
            if (excludedOnly && !r.excluded()) {
                continue;
            }
            w.write(Csv.line(r.slideId(), r.cancerCode(), r.path(), r.tissuePct(), r.whitePct(), r.penPct(), r.blurVar(),
                r.brightnessMean(), r.saturationMean(), r.excluded() ? "1" : "0", r.reasons(), r.overlay()));
        }
        w.flush();
    }

    /** A slide's QC: the row and the overlay image, computed; written by the step's writer. */
    record QcResult(QcRow row, Path overlay, RgbImage overlayImage) {
    }

    /** QC of one slide; {@code parameters} parsed once per partition step execution. */
    record QcWork(Workspace workspace, StageResultStore results, QcParameters parameters, ReaderChoice readerChoice) implements SlideWork<QcResult> {

        @Override
        public SlideResult<QcResult> compute(SlideRecord slide) throws IOException {
            QcThresholds t = parameters.thresholds();
            RgbImage thumb;
            try (SlideReader reader = SlideReaders.open(Path.of(slide.path()), readerChoice)) {
                thumb = reader.thumbnail(THUMB_MAX_SIDE);
            }
            QcMasks masks = QualityMetrics.masks(thumb, parameters.penRules());
            QcMetrics m = QualityMetrics.compute(masks);
            List<String> reasons = QcDecision.reasons(m, t);
            Path overlay = workspace.stage(STAGE_FOLDER).resolve("overlays").resolve(slide.slideId() + "_overlay.png");
            String joined = String.join(";", reasons);
            QcRow row = new QcRow(slide.slideId(), slide.fingerprint(), thumb.width(), thumb.height(), m.tissuePct(),
                m.whitePct(), m.penPct(), m.blurVar(), m.brightnessMean(), m.saturationMean(), !reasons.isEmpty(), joined,
                t + ";pen_rules=" + parameters.penRulesText(), overlay.toString(), null, Instant.now());
            return SlideResult.write(new QcResult(row, overlay, QcOverlay.render(thumb, masks)),
                reasons.isEmpty() ? SlideOutcome.done() : new SlideOutcome(SlideStepStatus.EXCLUDED, joined));
        }

        @Override
        public void write(SlideRecord slide, QcResult r, SlideOutputs out) throws IOException {
            out.file(r.overlay(), p -> QcOverlay.writePng(p, r.overlayImage()));
            results.saveQc(r.row(), new StageResultStore.Run(out.jobExecutionId(), out.stepExecutionId()));
        }
    }
}
