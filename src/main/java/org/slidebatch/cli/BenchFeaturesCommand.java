package org.slidebatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import org.slidebatch.features.SlideFeatures;
import org.slidebatch.model.FeatureExtractor;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.WeightsSource;
import org.slidebatch.slide.ReadStats;
import org.slidebatch.slide.ReaderChoice;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.slide.SlideReaders;
import org.slidebatch.manifest.SlideScanner;
import org.slidebatch.tiling.TileCoord;
import org.slidebatch.tiling.TokenTiler;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "features", mixinStandardHelpOptions = true,
    description = {"The feature step's work on every slide of a folder (SPEC §10): token tiles at 0.5 and 2.0 µm/px →",
        "read with reader threads → ConvNeXt-Tiny → features; rate tiles_per_s, and model_utilisation = that rate over",
        "the model alone (bench embed's images/s) measured in the same run."})
final class BenchFeaturesCommand implements Callable<Integer> {

    @Option(names = "--slides", required = true, paramLabel = "DIR")
    Path slides;

    @Option(names = "--weights", paramLabel = "FILE")
    Path weights;

    @Option(names = "--random-weights", description = "Seeded random weights (speed does not depend on the values).")
    boolean randomWeights;

    @Option(names = "--batch", defaultValue = "32")
    int batch;

    @Option(names = "--readers", defaultValue = "2", description = "Tile reader threads (default ${DEFAULT-VALUE}).")
    int readers;

    @Option(names = "--assume-mpp", description = "µm/px for slides without calibration (default: skip them).")
    Double assumeMpp;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--reader", defaultValue = "auto", description = "openslide, fast or auto (default ${DEFAULT-VALUE}).")
    String reader;

    @Option(names = "--json", paramLabel = "OUT.json")
    Path json;

    /** Parses a {@code --reader} value, refusing unknown ones with exit code 2. */
    static ReaderChoice readerChoice(String value) {
        try {
            return ReaderChoice.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CliException("--" + e.getMessage(), 2);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (weights == null && !randomWeights) {
            throw new CliException("give --weights FILE or --random-weights", 2);
        }
        List<Path> files;
        try (Stream<Path> s = Files.walk(slides)) {
            files = s.filter(Files::isRegularFile).filter(SlideScanner::isSlideFile).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new CliException("no slide files under " + slides, 2);
        }
        ReaderChoice choice = readerChoice(reader);
        ReadStats.Snapshot statsBefore = ReadStats.global().snapshot();
        TokenTiler tiler = new TokenTiler();
        try (FeatureExtractor model = FeatureExtractor.open(weights == null ? WeightsSource.random(seed)
            : WeightsSource.file(weights), FeatureHead.TORCHVISION_GAP)) {
            ExecutorService pool = Executors.newFixedThreadPool(readers);
            // Model alone on random inputs, after a warm-up batch: the ceiling of the step.
            int per = 3 * SlideFeatures.MODEL_INPUT * SlideFeatures.MODEL_INPUT;
            float[] noise = new float[batch * per];
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) rnd.nextGaussian();
            }
            model.embedFlat(noise, batch, SlideFeatures.MODEL_INPUT, SlideFeatures.MODEL_INPUT);
            long t0 = System.nanoTime();
            for (int i = 0; i < 4; i++) {
                model.embedFlat(noise, batch, SlideFeatures.MODEL_INPUT, SlideFeatures.MODEL_INPUT);
            }
            double modelRate = 4.0 * batch / ((System.nanoTime() - t0) / 1e9);

            long tiles = 0;
            List<String> used = new ArrayList<>();
            long start = System.nanoTime();
            for (Path f : files) {
                try (SlideReader reader = SlideReaders.open(f, choice)) {
                    OptionalDouble mpp = TokenTiler.resolveMpp(reader.calibration(), assumeMpp);
                    if (mpp.isEmpty()) {
                        continue;
                    }
                    RgbImage thumb = tiler.maskThumbnail(reader);
                    byte[] mask = TokenTiler.maskFromThumbnail(thumb);
                    for (double target : tiler.options().targetsUmPerPx()) {
                        List<TileCoord> coords = tiler.run(f.getFileName().toString(), reader, mpp.getAsDouble(), thumb.width(),
                            thumb.height(), mask, target, seed, f.toString()).tiles();
                        if (!coords.isEmpty()) {
                            SlideFeatures.extract(reader, coords, batch, pool,
                                (b, n) -> model.embedFlat(b, n, SlideFeatures.MODEL_INPUT, SlideFeatures.MODEL_INPUT),
                                FeatureExtractor.FEATURE_DIM);
                            tiles += coords.size();
                        }
                    }
                    used.add(f.toString());
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdownNow();
            double rate = tiles / seconds;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("what", "features");
            out.put("seconds", seconds);
            out.put("tiles", tiles);
            out.put("tiles_per_s", rate);
            out.put("model_images_per_s", modelRate);
            out.put("model_utilisation", rate / modelRate);
            out.put("threads", model.threads());
            out.put("readers", readers);
            out.put("weights", model.weightsDescription());
            out.put("reader", choice.parameterValue());
            BenchReadsCommand.readStats(out, statsBefore);
            BenchReadsCommand.passport(out);
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("slides", used);
            inputs.put("batch", batch);
            inputs.put("seed", seed);
            inputs.put("assume_mpp", assumeMpp);
            out.put("inputs", inputs);
            BenchReadsCommand.emit(out, json, String.format(Locale.ROOT,
                "features: %d slides, %d tiles in %.1f s = %.2f tiles/s; model alone %.2f images/s; utilisation %.2f",
                used.size(), tiles, seconds, rate, modelRate, rate / modelRate));
            return 0;
        }
    }
}
