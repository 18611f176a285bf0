package org.slidebatch.features;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.jerolba.carpet.CarpetReader;
import com.jerolba.carpet.FieldMatchingStrategy;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.batch.PassportListener;
import org.slidebatch.batch.PerSlideSteps;
import org.slidebatch.batch.SlideOutputs;
import org.slidebatch.batch.SlideResult;
import org.slidebatch.batch.SlideWork;
import org.slidebatch.batch.SlideOutcome;
import org.slidebatch.model.FeatureExtractor;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.Npy;
import org.slidebatch.model.WeightsSource;
import org.slidebatch.slide.SlideReaders;
import org.slidebatch.slide.ReaderChoice;
import org.slidebatch.batch.Params;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.store.FeatureFileRow;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideRecord;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.StageResultStore;
import org.slidebatch.tiling.TileCoord;
import org.slidebatch.tiling.TileStepConfiguration;
import org.slidebatch.tiling.TokenTiler;
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
 * Steps {@code features.selftest} (throughput gate) and {@code features} (OpenSlideFM NB05: ConvNeXt-Tiny features of
 * every token tile, per slide and scale). Outputs {@code features/<scale>/<slide_id>.npy} (N×768) and
 * {@code <slide_id>_coords.npy} (N×4: level-0 x, y, level, tile size; see {@link #writeCoords}), written atomically; a
 * {@code feature_file} row per slide and scale. One model per JVM, shared by the partitions; run with workers=1
 * (the default here) so the model gets every core.
 */
@Configuration(proxyBeanMethods = false)
public class FeatureStepConfiguration {

    public static final String STEP = "features";
    public static final String SELFTEST_STEP = "features.selftest";
    public static final String STAGE_FOLDER = "features";

    @Bean
    ModelHolder featureModelHolder() {
        return new ModelHolder();
    }

    @Bean
    Step featuresSelftestStep(JobRepository repo, PlatformTransactionManager tx, ModelHolder models,
                              PassportStore passports, Workspace workspace) {
        return new StepBuilder(SELFTEST_STEP, repo)
            .tasklet((contribution, chunk) -> {
                var se = contribution.getStepExecution();
                FeatureParameters fp = FeatureParameters.from(se.getJobParameters(), gpu());
                FeatureExtractor model = models.get(fp);
                se.getExecutionContext().putString(PassportListener.NOTES, "weights: " + model.weightsDescription());
                if (fp.selftest().equals("off")) {
                    System.out.println("[" + SELFTEST_STEP + "] skipped (selftest=off)");
                    return RepeatStatus.FINISHED;
                }
                double rate = measure(model, fp);
                String verdict = String.format(Locale.ROOT, "throughput self-test: %.2f tiles/s at batch %d on %s (floor %.1f, %s)",
                    rate, fp.batch(), gpu() ? "GPU" : "CPU", fp.minTilesPerSecond(), fp.selftest());
                se.getExecutionContext().putString(PassportListener.NOTES, verdict + "; weights: " + model.weightsDescription());
                se.getExecutionContext().putDouble("selftest.tiles_per_s", rate);
                System.out.println("[" + SELFTEST_STEP + "] " + verdict);
                if (rate < fp.minTilesPerSecond()) {
                    String msg = String.format(Locale.ROOT, "%.2f tiles/s is below min_tiles_per_s=%.1f", rate, fp.minTilesPerSecond());
                    if (fp.selftest().equals("fail")) {
                        throw new IllegalStateException("throughput self-test failed: " + msg
                            + " (lower min_tiles_per_s, or selftest=warn to go on)");
                    }
                    System.out.println("[" + SELFTEST_STEP + "] WARNING: " + msg + " — going on (selftest=warn)");
                }
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    @Bean
    Step featuresStep(PerSlideSteps steps, SlideStore slides, StageResultStore results, Workspace workspace, ModelHolder models) {
        return steps.build(STEP, STAGE_FOLDER, p -> new FeatureWork(workspace, slides, results, models, FeatureParameters.from(p, gpu()), Params.reader(p)));
    }

    /**
     * The self-test's GPU floor applies when the model runs on a GPU (the engine's default device), not when the
     * host merely has one: a GPU machine with the CPU natives runs the model on its CPU.
     */
    static boolean gpu() {
        return org.slidebatch.model.DjlRuntime.modelRunsOnGpu();
    }

    /** Images per second of the model alone on seeded random inputs, after one warm-up batch. */
    static double measure(FeatureExtractor model, FeatureParameters fp) {
        int per = 3 * SlideFeatures.MODEL_INPUT * SlideFeatures.MODEL_INPUT;
        float[] batch = new float[fp.batch() * per];
        SplittableRandom rnd = new SplittableRandom(fp.seed());
        for (int i = 0; i < batch.length; i++) {
            batch[i] = (float) rnd.nextGaussian();
        }
        model.embedFlat(batch, fp.batch(), SlideFeatures.MODEL_INPUT, SlideFeatures.MODEL_INPUT); // warm-up
        long start = System.nanoTime();
        int images = 0;
        do {
            model.embedFlat(batch, fp.batch(), SlideFeatures.MODEL_INPUT, SlideFeatures.MODEL_INPUT);
            images += fp.batch();
        } while ((System.nanoTime() - start) / 1e9 < fp.selftestSeconds());
        return images / ((System.nanoTime() - start) / 1e9);
    }

    /** The model of the running job, opened once per JVM and weights source; calls are serialised. */
    public static final class ModelHolder implements AutoCloseable {

        private FeatureExtractor model;
        private String key;

        public synchronized FeatureExtractor get(FeatureParameters fp) {
            String k = (fp.weights() == null ? "random:" + fp.seed() : fp.weights().toAbsolutePath().toString()) + "|" + fp.head();
            if (model == null || !k.equals(key)) {
                close();
                WeightsSource source = fp.weights() == null ? WeightsSource.random(fp.seed()) : WeightsSource.file(fp.weights());
                model = FeatureExtractor.open(source, FeatureHead.parse(fp.head()));
                key = k;
                HostFacts.recordLibrary("djl-pytorch", org.slidebatch.model.DjlRuntime.describe());
            }
            return model;
        }

        public synchronized float[] embed(FeatureParameters fp, float[] nchw, int n) {
            return get(fp).embedFlat(nchw, n, SlideFeatures.MODEL_INPUT, SlideFeatures.MODEL_INPUT);
        }

        @Override
        public synchronized void close() {
            if (model != null) {
                model.close();
                model = null;
            }
        }
    }

    /** One scale of a slide's features, computed; written by the step's writer. */
    record Scale(double scale, List<TileCoord> tiles, float[] features, Path featuresFile, Path coordsFile, double seconds,
                 String weights) {
    }

    /** Features of one slide's token tiles; {@code fp} parsed once per partition step execution. */
    record FeatureWork(Workspace workspace, SlideStore slides, StageResultStore results, ModelHolder models, FeatureParameters fp,
                       ReaderChoice readerChoice)
        implements SlideWork<List<Scale>> {

        @Override
        public SlideResult<List<Scale>> compute(SlideRecord slide) throws Exception {
            FeatureExtractor model = models.get(fp);
            List<String> done = new ArrayList<>();
            List<Scale> scales = new ArrayList<>();
            int total = 0;
            ExecutorService readers = Executors.newFixedThreadPool(fp.readers());
            try (SlideReader reader = SlideReaders.open(Path.of(slide.path()), readerChoice)) {
                for (double scale : TokenTiler.Options.defaults().targetsUmPerPx()) {
                    Path coords = workspace.stage(TileStepConfiguration.STAGE_FOLDER)
                        .resolve(TileStepConfiguration.scaleFolder(scale)).resolve(slide.slideId() + ".parquet");
                    if (!Files.isRegularFile(coords)) {
                        continue;
                    }
                    List<TileCoord> tiles = read(coords.toFile());
                    if (tiles.isEmpty()) {
                        done.add("0 tiles @ " + scale);
                        continue;
                    }
                    long start = System.nanoTime();
                    float[] features = SlideFeatures.extract(reader, tiles, fp.batch(), readers,
                        (batch, n) -> models.embed(fp, batch, n), FeatureExtractor.FEATURE_DIM);
                    Path dir = workspace.stage(STAGE_FOLDER).resolve(TileStepConfiguration.scaleFolder(scale));
                    double seconds = (System.nanoTime() - start) / 1e9;
                    scales.add(new Scale(scale, tiles, features, dir.resolve(slide.slideId() + ".npy"),
                        dir.resolve(slide.slideId() + "_coords.npy"), seconds, model.weightsDescription()));
                    done.add(String.format(Locale.ROOT, "%d tiles @ %s (%.1f tiles/s)", tiles.size(), scale, tiles.size() / seconds));
                    total += tiles.size();
                }
            } finally {
                readers.shutdownNow();
            }
            if (done.isEmpty()) {
                return SlideResult.only(SlideOutcome.skipped(slides.findStepStatus(slide.slideId(), TileStepConfiguration.STEP)
                    .filter(s -> !SlideStepStatus.DONE.equals(s.status()))
                    .map(s -> "tile " + s.status() + ": " + s.reason())
                    .orElse("no token tiles: run the tile step first")));
            }
            return SlideResult.write(scales, total == 0 ? SlideOutcome.skipped("no tissue tiles at any scale")
                : new SlideOutcome(SlideStepStatus.DONE, String.join(", ", done)));
        }

        @Override
        public void write(SlideRecord slide, List<Scale> scales, SlideOutputs out) throws java.io.IOException {
            for (Scale s : scales) {
                out.file(s.featuresFile(), p -> {
                    if (fp.dtype().equals("float16")) {
                        Npy.writeFloat16(p, s.features(), s.tiles().size(), FeatureExtractor.FEATURE_DIM);
                    } else {
                        Npy.writeFloat32(p, s.features(), s.tiles().size(), FeatureExtractor.FEATURE_DIM);
                    }
                });
                out.file(s.coordsFile(), p -> writeCoords(p, s.tiles()));
            }
            StageResultStore.Run run = new StageResultStore.Run(out.jobExecutionId(), out.stepExecutionId());
            for (Scale s : scales) {
                results.saveFeatureFile(new FeatureFileRow(slide.slideId(), s.scale(), slide.fingerprint(), s.tiles().size(),
                    FeatureExtractor.FEATURE_DIM, fp.dtype(), s.featuresFile().toString(), s.coordsFile().toString(),
                    s.weights(), s.seconds(), Instant.now()), run);
            }
        }
    }

    static List<TileCoord> read(File parquet) throws java.io.IOException {
        return new CarpetReader<>(parquet, TileCoord.class).withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
    }

    /**
     * Level-0 x, y, level and tile size of each feature row as an N×4 float32 array beside the features (exact below 2^24 px,
     * beyond any slide side), so numpy users need nothing but the two .npy files.
     */
    static void writeCoords(Path file, List<TileCoord> tiles) throws java.io.IOException {
        float[] xy = new float[tiles.size() * 4];
        for (int i = 0; i < tiles.size(); i++) {
            TileCoord t = tiles.get(i);
            xy[i * 4] = t.x0();
            xy[i * 4 + 1] = t.y0();
            xy[i * 4 + 2] = t.level();
            xy[i * 4 + 3] = t.tileSize();
        }
        Npy.writeFloat32(file, xy, tiles.size(), 4);
    }
}
