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
import org.slidebatch.batch.PerSlidePartitionedStep;
import org.slidebatch.batch.SlideOutcome;
import org.slidebatch.batch.SlideTask;
import org.slidebatch.figures.Charts;
import org.slidebatch.slide.SlideReaders;
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
    Step tileStep(JobRepository repo, PlatformTransactionManager tx, SlideStore slides, StageResultStore results,
                  PassportStore passports, Workspace workspace) {
        return PerSlidePartitionedStep.build(STEP, STAGE_FOLDER, new TileTask(workspace, slides, results), repo, tx, slides,
            passports, workspace, System.out);
    }

    @Bean
    Step tileExportStep(JobRepository repo, PlatformTransactionManager tx, StageResultStore results,
                        PassportStore passports, Workspace workspace) {
        return new StepBuilder(EXPORT_STEP, repo)
            .tasklet((contribution, chunk) -> {
                List<TileSummaryRow> rows = results.findTileSummaries();
                writeSummary(workspace, rows);
                contribution.incrementWriteCount(rows.size());
                System.out.printf("[%s] %d slide×scale rows -> %s%n", EXPORT_STEP, rows.size(),
                    workspace.stage(STAGE_FOLDER).resolve("tiling_summary.parquet"));
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    /** Validates the tile parameters (used by the job's validator before anything runs). */
    public static void validate(JobParameters p) {
        policy(p);
        Params.bool(p, "resample", false);
        Double assume = Params.doubleValue(p, "assume_mpp");
        if (assume != null && !(assume > 0)) {
            throw new IllegalArgumentException("assume_mpp must be a positive µm/px, got " + assume);
        }
        Params.seed(p);
    }

    static String policy(JobParameters p) {
        String policy = Params.string(p, "qc_policy", "medium");
        if (!List.of("medium", "strict", "none").contains(policy)) {
            throw new IllegalArgumentException("qc_policy must be medium, strict or none, got '" + policy + "'");
        }
        return policy;
    }

    /** Folder name of a scale: 0.5 → "0.5", 2.0 → "2.0". */
    public static String scaleFolder(double scale) {
        return Double.toString(scale);
    }

    /** One row of tiling_summary.parquet. */
    public record SummaryRow(String slideId, double scaleUmPerPx, int level, double approxMpp, int candidates, int nTiles,
                             long seed, String path) {
    }

    static void writeSummary(Workspace ws, List<TileSummaryRow> rows) throws IOException {
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
        }
    }

    static final class TileTask implements SlideTask {

        private final Workspace workspace;
        private final SlideStore slides;
        private final StageResultStore results;

        TileTask(Workspace workspace, SlideStore slides, StageResultStore results) {
            this.workspace = workspace;
            this.slides = slides;
            this.results = results;
        }

        @Override
        public SlideOutcome process(SlideRecord slide, JobParameters p) throws IOException {
            Optional<String> notTiled = qcPolicyRefusal(slide.slideId(), p);
            if (notTiled.isPresent()) {
                return SlideOutcome.skipped(notTiled.get());
            }
            PixelCalibration cal = slide.mppX() == null ? PixelCalibration.missing()
                : new PixelCalibration(slide.mppX(), slide.mppY(), slide.mppSource());
            OptionalDouble mpp = TokenTiler.resolveMpp(cal, Params.doubleValue(p, "assume_mpp"));
            if (mpp.isEmpty()) {
                return SlideOutcome.skipped(TokenTiler.MPP_MISSING
                    + ": no µm/px in the file or the override CSV; give assume_mpp=… to tile it anyway");
            }
            TokenTiler tiler = new TokenTiler(TokenTiler.Options.defaults().withResample(Params.bool(p, "resample", false)));
            long seed = Params.seed(p);
            List<String> counts = new ArrayList<>();
            int total = 0;
            try (SlideReader reader = SlideReaders.open(Path.of(slide.path()), org.slidebatch.batch.Params.reader(p))) {
                RgbImage thumb = tiler.maskThumbnail(reader);
                byte[] mask = TokenTiler.maskFromThumbnail(thumb);
                for (double target : tiler.options().targetsUmPerPx()) {
                    TokenTiler.Result r = tiler.run(slide.slideId(), reader, mpp.getAsDouble(), thumb.width(), thumb.height(),
                        mask, target, seed, slide.fingerprint());
                    Path file = workspace.stage(STAGE_FOLDER).resolve(scaleFolder(target)).resolve(slide.slideId() + ".parquet");
                    CoordinateFiles.writeTokensParquet(file, r.tiles(), slide.cancerCode());
                    results.saveTileSummary(new TileSummaryRow(slide.slideId(), target, slide.fingerprint(), r.plan().level(),
                        r.plan().approxMpp(), r.candidates(), r.tiles().size(), r.seed(), file.toString(), Instant.now()));
                    counts.add(r.tiles().size() + " @ " + target);
                    total += r.tiles().size();
                }
            }
            return total == 0 ? SlideOutcome.skipped("no tissue tiles (coverage ≥ " + tiler.options().minCoverage() + ") at any scale")
                : new SlideOutcome(org.slidebatch.store.SlideStepStatus.DONE, "tokens " + String.join(", ", counts));
        }

        /** OpenSlideFM's slide selection: medium (tissue ≥ 0.05 ∧ white ≤ 0.95), strict (QC exclusions), none. */
        Optional<String> qcPolicyRefusal(String slideId, JobParameters p) {
            String policy = policy(p);
            if (policy.equals("none")) {
                return Optional.empty();
            }
            Optional<QcRow> qc = results.findQc(slideId);
            if (qc.isEmpty()) {
                return Optional.empty(); // slides missing from QC are kept (OpenSlideFM's left join)
            }
            QcRow q = qc.get();
            if (policy.equals("strict")) {
                return q.excluded() ? Optional.of("qc_policy=strict: excluded by QC: " + q.reasons()) : Optional.empty();
            }
            if (q.tissuePct() < 0.05 || q.whitePct() > 0.95) {
                return Optional.of(String.format(Locale.ROOT, "qc_policy=medium: tissue %.3f < 0.05 or white %.3f > 0.95",
                    q.tissuePct(), q.whitePct()));
            }
            return Optional.empty();
        }
    }
}
