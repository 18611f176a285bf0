package org.slidebatch.tiling;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.ColumnNamingStrategy;

import org.slidebatch.batch.Params;
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
import org.slidebatch.slide.PixelCalibration;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.QcRow;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.StageResultStore;
import org.slidebatch.store.TileSummaryRow;
import org.slidebatch.workspace.AtomicFiles;
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
 * Steps {@code tile} (OpenSlideFM NB04 two-scale tokens per slide, partitioned) and {@code tile.export} (summary
 * Parquet rebuilt from the database — fixing NB04's partial summary on reruns — and token-count figures).
 * Per slide and scale: {@code tiles/<scale>/<slide_id>.parquet}. Parameters: {@code seed}, {@code qc_policy}
 * (medium | strict | none), {@code resample}, {@code assume_mpp}, {@code workers}.
 */
@Configuration(proxyBeanMethods = false)
public class TileStepConfiguration {

    public static final String STEP = "tile";
    public static final String EXPORT_STEP = "tile.export";
    public static final String STAGE_FOLDER = "tiles";

    @Bean
    Step tileStep(PerSlideSteps steps, StageResultStore results, Workspace workspace) {
        return steps.build(STEP, STAGE_FOLDER, p -> new TileWork(workspace, results, TileParameters.from(p), Params.reader(p)));
    }

    @Bean
    Step tileExportStep(JobRepository repo, PlatformTransactionManager tx, StageResultStore results,
                        PassportStore passports, Workspace workspace, org.slidebatch.store.OutputFileStore files) {
        return new StepBuilder(EXPORT_STEP, repo)
            .tasklet((contribution, chunk) -> {
                List<TileSummaryRow> rows = results.findTileSummaries();
                var se = contribution.getStepExecution();
                for (Path f : writeSummary(workspace, rows)) {
                    if (java.nio.file.Files.isRegularFile(f)) { // a figure with no data is not drawn
                        files.register(f, null, null, EXPORT_STEP, se.getJobExecutionId(), se.getId());
                    }
                }
                contribution.incrementWriteCount(rows.size());
                System.out.printf("[%s] %d slide×scale rows -> %s%n", EXPORT_STEP, rows.size(),
                    workspace.stage(STAGE_FOLDER).resolve("tiling_summary.parquet"));
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    /** Validates the tile parameters (see {@link TileParameters}). */
    public static void validate(JobParameters p) {
        TileParameters.from(p);
    }

    /** Folder name of a scale: 0.5 → "0.5", 2.0 → "2.0". */
    public static String scaleFolder(double scale) {
        return Double.toString(scale);
    }

    /** One row of tiling_summary.parquet. */
    public record SummaryRow(String slideId, double scaleUmPerPx, int level, double approxMpp, int candidates, int nTiles,
                             long seed, String path) {
    }

    /** Writes the summary table and figures; returns the files written (the export step registers them). */
    static List<Path> writeSummary(Workspace ws, List<TileSummaryRow> rows) throws IOException {
        List<Path> written = new ArrayList<>();
        written.add(ws.stage(STAGE_FOLDER).resolve("tiling_summary.parquet"));
        List<SummaryRow> table = rows.stream().map(r -> new SummaryRow(r.slideId(), r.scaleUmPerPx(), r.level(),
            r.approxMpp(), r.candidates(), r.tiles(), r.seed(), r.path())).toList();
        AtomicFiles.write(ws.stage(STAGE_FOLDER).resolve("tiling_summary.parquet"), out -> {
            try (CarpetWriter<SummaryRow> w = new CarpetWriter.Builder<>(out, SummaryRow.class)
                .withColumnNamingStrategy(ColumnNamingStrategy.SNAKE_CASE).build()) {
                w.write(table);
            }
        });
        for (double scale : rows.stream().mapToDouble(TileSummaryRow::scaleUmPerPx).distinct().sorted().toArray()) {
            List<Double> counts = rows.stream().filter(r -> r.scaleUmPerPx() == scale).map(r -> (double) r.tiles()).toList();
            String name = String.format(Locale.ROOT, "tiling_tokens_dist_scale%s.png", scaleFolder(scale).replace('.', 'p'));
            Charts.histogram(ws.figures().resolve(name), String.format(Locale.ROOT, "Tokens per slide at %s µm/px", scale),
                "tokens", counts, 40);
            written.add(ws.figures().resolve(name));
        }
        return written;
    }

    /** One scale of a slide's tokens, computed; written by the step's writer. */
    record Scale(double target, TokenTiler.Result result, Path file) {
    }

    /** OpenSlideFM tokens of one slide; {@code parameters} parsed once per partition step execution. */
    record TileWork(Workspace workspace, StageResultStore results, TileParameters parameters, ReaderChoice readerChoice) implements SlideWork<List<Scale>> {

        @Override
        public SlideResult<List<Scale>> compute(SlideRecord slide) throws IOException {
            Optional<String> notTiled = parameters.qcPolicy().refusal(results.findQc(slide.slideId())
                .filter(q -> java.util.Objects.equals(q.fingerprint(), slide.fingerprint())));
            if (notTiled.isPresent()) {
                return SlideResult.only(SlideOutcome.skipped(notTiled.get()));
            }
            PixelCalibration cal = slide.mppX() == null ? PixelCalibration.missing()
                : new PixelCalibration(slide.mppX(), slide.mppY(), slide.mppSource());
            OptionalDouble mpp = TokenTiler.resolveMpp(cal, parameters.assumeMpp());
            if (mpp.isEmpty()) {
                return SlideResult.only(SlideOutcome.skipped(TokenTiler.MPP_MISSING
                    + ": no µm/px in the file or the override CSV; give assume_mpp=… to tile it anyway"));
            }
            TokenTiler tiler = new TokenTiler(parameters.options());
            List<String> counts = new ArrayList<>();
            List<Scale> scales = new ArrayList<>();
            int total = 0;
            try (SlideReader reader = SlideReaders.open(Path.of(slide.path()), readerChoice)) {
                RgbImage thumb = tiler.maskThumbnail(reader);
                byte[] mask = TokenTiler.maskFromThumbnail(thumb);
                for (double target : tiler.options().targetsUmPerPx()) {
                    TokenTiler.Result r = tiler.run(slide.slideId(), reader, mpp.getAsDouble(), thumb.width(), thumb.height(),
                        mask, target, parameters.seed(), slide.fingerprint());
                    Path file = workspace.stage(STAGE_FOLDER).resolve(scaleFolder(target)).resolve(slide.slideId() + ".parquet");
                    scales.add(new Scale(target, r, file));
                    counts.add(r.tiles().size() + " @ " + target);
                    total += r.tiles().size();
                }
            }
            return SlideResult.write(scales, total == 0
                ? SlideOutcome.skipped("no tissue tiles (coverage ≥ " + tiler.options().minCoverage() + ") at any scale")
                : new SlideOutcome(org.slidebatch.store.SlideStepStatus.DONE, "tokens " + String.join(", ", counts)));
        }

        @Override
        public void write(SlideRecord slide, List<Scale> scales, SlideOutputs out) throws IOException {
            for (Scale s : scales) {
                out.file(s.file(), p -> CoordinateFiles.writeTokensParquet(p, s.result().tiles(), slide.cancerCode()));
            }
            StageResultStore.Run run = new StageResultStore.Run(out.jobExecutionId(), out.stepExecutionId());
            for (Scale s : scales) {
                TokenTiler.Result r = s.result();
                results.saveTileSummary(new TileSummaryRow(slide.slideId(), s.target(), slide.fingerprint(), r.plan().level(),
                    r.plan().approxMpp(), r.candidates(), r.tiles().size(), r.seed(), s.file().toString(), Instant.now()), run);
            }
        }
    }
}
