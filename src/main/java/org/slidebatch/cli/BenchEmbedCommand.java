package org.slidebatch.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.FeatureExtractor;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.WeightsSource;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "embed", mixinStandardHelpOptions = true,
    description = {"ConvNeXt-Tiny feature extraction (SPEC §6, §10): images/s at --batch after one untimed warm-up batch.",
        "Inputs are seeded random N×3×size×size float32 arrays (the cost does not depend on the values); each batch",
        "is copied in and its features copied out, as in the features step. Without --weights the model is seeded",
        "random (recorded as such): the speed is the same."})
final class BenchEmbedCommand implements Callable<Integer> {

    @Option(names = "--weights", paramLabel = "FILE")
    java.nio.file.Path weightsFile;

    @Option(names = "--random-weights", description = "Seeded random weights (the default when --weights is absent).")
    boolean randomWeights;

    @Option(names = "--batch", defaultValue = "32")
    int batch;

    @Option(names = "--images", defaultValue = "256", description = "Timed images (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", defaultValue = "224", description = "Image side in px (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads (default: all cores).")
    int threads;

    @Option(names = "--head", defaultValue = "torchvision")
    String head;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the images (and of random weights).")
    long seed;

    @Option(names = "--json", paramLabel = "OUT.json")
    java.nio.file.Path json;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || images < 1 || size < 32) {
            throw new CliException("--batch and --images must be positive and --size at least 32", 2);
        }
        WeightsSource source = ModelCommand.weights(weightsFile, randomWeights, weightsFile == null ? seed : null, true);
        FeatureHead h = ModelCommand.head(head);
        float[] data = new float[Math.multiplyExact(batch, 3 * size * size)];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) (rnd.nextDouble() * 4.0 - 2.0);
        }
        try (FeatureExtractor fx = ModelCommand.open(source, h, threads)) {
            long w0 = System.nanoTime();
            fx.embedFlat(data, batch, size, size);
            double warmup = (System.nanoTime() - w0) / 1e9;
            List<Double> batchSeconds = new ArrayList<>();
            double checksum = 0;
            long start = System.nanoTime();
            for (int done = 0; done < images; done += batch) {
                int count = Math.min(batch, images - done);
                float[] x = count == batch ? data : java.util.Arrays.copyOf(data, count * 3 * size * size);
                long t0 = System.nanoTime();
                float[] f = fx.embedFlat(x, count, size, size);
                batchSeconds.add((System.nanoTime() - t0) / 1e9);
                checksum += f[0];
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("what", "embed");
            out.put("seconds", seconds);
            out.put("images_per_s", images / seconds);
            out.put("threads", fx.threads());
            out.put("interop_threads", DjlRuntime.interOpThreads());
            out.put("warmup_seconds", warmup);
            out.put("batch_seconds", batchSeconds);
            out.put("engine", DjlRuntime.describe());
            out.put("device", fx.device().toString());
            out.put("random_weights", fx.randomWeights());
            out.put("weights", fx.weights().toMap());
            BenchReadsCommand.passport(out);
            Map<String, Object> inputs = new LinkedHashMap<>();
            inputs.put("model", "convnext_tiny");
            inputs.put("head", h.cliName());
            inputs.put("batch", batch);
            inputs.put("images", images);
            inputs.put("size", size);
            inputs.put("seed", seed);
            inputs.put("weights", fx.weightsDescription());
            out.put("inputs", inputs);
            out.put("checksum", checksum);
            BenchReadsCommand.emit(out, json, String.format(Locale.ROOT,
                "embed: ConvNeXt-Tiny %s, %d images %d² in batches of %d, %d threads (%s): %.2f images/s (%.2f s; warm-up %.2f s)",
                h.cliName(), images, size, batch, fx.threads(), DjlRuntime.describe(), images / seconds, seconds, warmup));
            return 0;
        }
    }
}
