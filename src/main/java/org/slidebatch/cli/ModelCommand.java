package org.slidebatch.cli;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.FeatureExtractor;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.Npy;
import org.slidebatch.model.WeightsException;
import org.slidebatch.model.WeightsSource;
import org.slidebatch.workspace.AtomicFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code slidebatch model …}: the ConvNeXt-Tiny feature model on its own (SPEC §6, §9). */
@Command(name = "model", mixinStandardHelpOptions = true,
    description = "The ConvNeXt-Tiny feature model (SPEC §6) outside a job: check a weights file, compare with PyTorch.",
    subcommands = {ModelCommand.Embed.class, ModelCommand.Aggregate.class, ModelCommand.CheckAggregator.class,
        ModelCommand.CheckGrader.class, ModelCommand.Grad.class})
final class ModelCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing subcommand: embed, aggregate or grad");
    }

    /** The weights the options name: a file, or random weights only with the explicit flag. */
    static WeightsSource weights(Path file, boolean random, Long seed, boolean randomByDefault) {
        if (file != null && random) {
            throw new CliException("--weights and --random-weights exclude each other", 2);
        }
        if (file != null) {
            if (seed != null) {
                throw new CliException("--seed applies to --random-weights only", 2);
            }
            return WeightsSource.file(file);
        }
        if (random || randomByDefault) {
            return WeightsSource.random(seed == null ? 0 : seed);
        }
        throw new CliException("give --weights FILE (safetensors with timm or torchvision key names, or TorchScript), "
            + "or --random-weights for an untrained model", 2);
    }

    static FeatureHead head(String name) {
        try {
            return FeatureHead.parse(name);
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage(), 2);
        }
    }

    static FeatureExtractor open(WeightsSource source, FeatureHead head, int threads) {
        try {
            return FeatureExtractor.open(source, head, threads);
        } catch (WeightsException e) {
            throw new CliException(e.getMessage(), 1);
        }
    }

    @Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"N×3×H×W float32 images (.npy, already ImageNet-normalised; 224×224 for the reference feature)",
            "→ N×768 features (.npy), through the same model code as the features step.",
            "The feature is torchvision's convnext_tiny(...).features → global average pool (--head torchvision, default)",
            "or timm's pooled + head LayerNorm (--head timm)."})
    static final class Embed implements Callable<Integer> {

        @Option(names = "--weights", paramLabel = "FILE",
            description = "safetensors (timm or torchvision key names; F32/F16/BF16) or TorchScript (.pt) weights.")
        Path weightsFile;

        @Option(names = "--random-weights", description = "Seeded random initialisation: not a trained model (flagged in the output).")
        boolean randomWeights;

        @Option(names = "--seed", description = "Seed of --random-weights (default 0).")
        Long seed;

        @Option(names = "--input", required = true, paramLabel = "IMAGES.npy")
        Path input;

        @Option(names = "--output", required = true, paramLabel = "FEATURES.npy")
        Path output;

        @Option(names = "--batch", defaultValue = "32", description = "Images per forward pass (default ${DEFAULT-VALUE}).")
        int batch;

        @Option(names = "--head", defaultValue = "torchvision", description = "torchvision (GAP, default) or timm (GAP + LayerNorm).")
        String head;

        @Option(names = "--threads", defaultValue = "0", description = "PyTorch intra-op threads (default: all cores).")
        int threads;

        @Option(names = "--float16", description = "Write the features as float16 (<f2) instead of float32.")
        boolean float16;

        @Option(names = "--json", paramLabel = "REPORT.json", description = "Also write a JSON report (weights, engine, passport).")
        Path json;

        @Override
        public Integer call() throws IOException {
            if (batch < 1) {
                throw new CliException("--batch must be at least 1", 2);
            }
            WeightsSource source = weights(weightsFile, randomWeights, seed, false);
            FeatureHead h = head(head);
            Npy.Reader reader;
            try {
                reader = Npy.open(input);
            } catch (NoSuchFileException e) {
                throw new CliException("input not found: " + input.toAbsolutePath());
            } catch (IOException e) {
                throw new CliException("cannot read " + input + ": " + e.getMessage());
            }
            try (reader) {
                long[] shape = reader.header().shape();
                if (shape.length != 4 || shape[1] != 3 || shape[0] < 1) {
                    throw new CliException(input + " has shape " + reader.header().shapeString()
                        + "; expected N×3×H×W (N×3×224×224 float32, ImageNet-normalised)");
                }
                int n = Math.toIntExact(shape[0]);
                int height = Math.toIntExact(shape[2]);
                int width = Math.toIntExact(shape[3]);
                if (height < 32 || width < 32) {
                    throw new CliException(input + ": images of " + height + "×" + width + " px are too small (at least 32×32)");
                }
                if (height != FeatureExtractor.INPUT_SIZE || width != FeatureExtractor.INPUT_SIZE) {
                    System.err.printf("slidebatch: note: %d×%d px images; the reference feature is computed at 224×224%n", height, width);
                }
                try (FeatureExtractor fx = open(source, h, threads)) {
                    if (fx.randomWeights()) {
                        System.err.println("slidebatch: WARNING: " + fx.weightsDescription());
                    }
                    float[] features = new float[Math.multiplyExact(n, FeatureExtractor.FEATURE_DIM)];
                    long start = System.nanoTime();
                    for (int first = 0; first < n; first += batch) {
                        int count = Math.min(batch, n - first);
                        float[] x = reader.rows(first, count);
                        float[] f = fx.embedFlat(x, count, height, width);
                        System.arraycopy(f, 0, features, first * FeatureExtractor.FEATURE_DIM, f.length);
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    if (float16) {
                        Npy.writeFloat16(output, features, n, FeatureExtractor.FEATURE_DIM);
                    } else {
                        Npy.writeFloat32(output, features, n, FeatureExtractor.FEATURE_DIM);
                    }
                    String line = String.format(Locale.ROOT,
                        "embed: %d images %d×%d → %s (%d×768 %s), head %s, weights %s, %s, %d threads: %.2f s, %.1f images/s",
                        n, height, width, output, n, float16 ? "float16" : "float32", h.cliName(), fx.weightsDescription(),
                        DjlRuntime.describe(), fx.threads(), seconds, n / seconds);
                    if (json != null) {
                        Map<String, Object> out = new LinkedHashMap<>();
                        out.put("what", "model-embed");
                        out.put("seconds", seconds);
                        out.put("images_per_s", n / seconds);
                        out.put("threads", fx.threads());
                        out.put("random_weights", fx.randomWeights());
                        out.put("weights", fx.weights().toMap());
                        out.put("head", h.cliName());
                        out.put("engine", DjlRuntime.describe());
                        out.put("device", fx.device().toString());
                        BenchReadsCommand.passport(out);
                        Map<String, Object> inputs = new LinkedHashMap<>();
                        inputs.put("input", input.toAbsolutePath().toString());
                        inputs.put("images", n);
                        inputs.put("height", height);
                        inputs.put("width", width);
                        inputs.put("batch", batch);
                        inputs.put("output", output.toAbsolutePath().toString());
                        inputs.put("output_dtype", float16 ? "float16" : "float32");
                        out.put("inputs", inputs);
                        AtomicFiles.writeString(json, Json.write(out) + "\n");
                    }
                    System.out.println(line);
                    return 0;
                } catch (IllegalArgumentException e) {
                    throw new CliException(e.getMessage());
                }
            }
        }
    }

    @Command(name = "grad", mixinStandardHelpOptions = true,
        description = {"One backward pass of the trainable ConvNeXt-Tiny backbone (train mode) on a linear probe:",
            "loss = sum(features ⊙ probe), features = GAP of the stages; writes every parameter's gradient (timm key",
            "names) as safetensors. Stochastic depth 0.1 replays --draws (17×N uniform numbers, blocks 1..17), else off.",
            "Used by scripts/parity-backbone-train against torchvision."})
    static final class Grad implements Callable<Integer> {

        @Option(names = "--weights", required = true, paramLabel = "FILE", description = "safetensors (timm or torchvision names).")
        Path weightsFile;

        @Option(names = "--input", required = true, paramLabel = "IMAGES.npy", description = "N×3×H×W float32.")
        Path input;

        @Option(names = "--probe", required = true, paramLabel = "PROBE.npy", description = "N×768 float32.")
        Path probe;

        @Option(names = "--draws", paramLabel = "DRAWS.npy", description = "17×N float32 uniform draws: stochastic depth on.")
        Path draws;

        @Option(names = "--output", required = true, paramLabel = "GRADS.safetensors")
        Path output;

        @Override
        public Integer call() throws IOException {
            try {
                var weights = org.slidebatch.model.WeightsLoader.loadSafeTensors(weightsFile, FeatureHead.TORCHVISION_GAP).tensors();
                long[] shape = Npy.readHeader(input).shape();
                if (shape.length != 4 || shape[1] != 3) {
                    throw new CliException(input + " must be N×3×H×W float32, not " + Npy.readHeader(input).shapeString());
                }
                int n = Math.toIntExact(shape[0]);
                float[] p = Npy.read(probe);
                float[] d = draws == null ? null : Npy.read(draws);
                var result = org.slidebatch.model.BackboneProbe.run(weights, Npy.read(input), n, Math.toIntExact(shape[2]),
                    Math.toIntExact(shape[3]), p, d);
                org.slidebatch.model.SafeTensors.write(output, result.gradients(), "F32",
                    Map.of("loss", Double.toString(result.loss()), "stochastic_depth", d == null ? "off" : "replayed"));
                System.out.printf(Locale.ROOT, "grad: %d images %d×%d, loss %.6f, stochastic depth %s → %s%n", n, shape[2],
                    shape[3], result.loss(), d == null ? "off" : "on (replayed draws)", output);
                return 0;
            } catch (WeightsException | IllegalArgumentException e) {
                throw new CliException(e.getMessage());
            } catch (NoSuchFileException e) {
                throw new CliException("file not found: " + e.getMessage());
            }
        }
    }

    @Command(name = "aggregate", mixinStandardHelpOptions = true,
        description = {"One slide's tokens (T×768 float32 .npy, 0.5 µm tokens first) and positions (T×3: cx_mm, cy_mm,",
            "scale_um) → its embedding (768 float32 .npy): the aggregator's g_proj in eval mode, no padding.",
            "Weights: an OpenSlideFM student state dict (safetensors, PyTorch names), e.g. the pretrain step's",
            "student_final.safetensors."})
    static final class Aggregate implements Callable<Integer> {

        @Option(names = "--weights", required = true, paramLabel = "STUDENT.safetensors")
        Path weights;

        @Option(names = "--features", required = true, paramLabel = "FEATS.npy")
        Path features;

        @Option(names = "--positions", required = true, paramLabel = "POS.npy")
        Path positions;

        @Option(names = "--output", required = true, paramLabel = "EMB.npy")
        Path output;

        @Option(names = "--heads", defaultValue = "8", description = "Attention heads (not stored in the weights; default ${DEFAULT-VALUE}).")
        int heads;

        @Override
        public Integer call() throws IOException {
            if (heads < 1) {
                throw new CliException("--heads must be at least 1", 2);
            }
            long[] fs = shape(features);
            long[] ps = shape(positions);
            if (fs.length != 2 || fs[0] < 1) {
                throw new CliException(features + " has shape " + java.util.Arrays.toString(fs) + "; expected T×768 (T ≥ 1)");
            }
            if (ps.length != 2 || ps[1] != 3 || ps[0] != fs[0]) {
                throw new CliException(positions + " has shape " + java.util.Arrays.toString(ps) + "; expected " + fs[0]
                    + "×3 (cx_mm, cy_mm, scale_um per token)");
            }
            try (org.slidebatch.model.mil.SlideEmbedder emb = org.slidebatch.model.mil.SlideEmbedder.open(weights, heads)) {
                if (fs[1] != emb.config().dModel()) {
                    throw new CliException(features + " has " + fs[1] + " columns; the aggregator takes " + emb.config().dModel());
                }
                int t = Math.toIntExact(fs[0]);
                long start = System.nanoTime();
                float[] e = emb.embed(Npy.read(features), Npy.read(positions), t);
                double seconds = (System.nanoTime() - start) / 1e9;
                Npy.writeFloat32(output, e, e.length);
                double norm = 0;
                for (float v : e) {
                    norm += (double) v * v;
                }
                System.out.println(String.format(Locale.ROOT, "aggregate: %d tokens → %s (%d float32, norm %.4f), weights %s "
                    + "(sha256 %s…, %d layers, %d heads), %s: %.2f s", t, output, e.length, Math.sqrt(norm), weights,
                    emb.sha256().substring(0, 12), emb.config().layers(), heads, DjlRuntime.describe(), seconds));
                return 0;
            } catch (WeightsException e) {
                throw new CliException(e.getMessage(), 1);
            }
        }

        private static long[] shape(Path p) {
            try {
                return Npy.readHeader(p).shape();
            } catch (NoSuchFileException e) {
                throw new CliException("input not found: " + p.toAbsolutePath());
            } catch (IOException e) {
                throw new CliException("cannot read " + p + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "check-aggregator", mixinStandardHelpOptions = true,
        description = {"Compares our aggregator with a PyTorch reference written by scripts/python/parity_aggregator.py",
            "(scripts/parity-aggregator runs both): eval outputs on a padded batch and the weights after two",
            "phase-1 steps. Prints the largest absolute differences as JSON; exit 1 when one exceeds --tol."})
    static final class CheckAggregator extends ParityCheck {

        @Override
        public Integer call() throws IOException {
            org.slidebatch.pretrain.AggregatorParity.Result r = org.slidebatch.pretrain.AggregatorParity.run(reference);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("g_proj", r.gProj());
            out.put("g_pred", r.gPred());
            out.put("tokens", r.tokens());
            out.put("losses", r.loss());
            out.put("student_after_2_steps", r.student());
            out.put("teacher_after_2_steps", r.teacher());
            out.put("decoder_after_2_steps", r.decoder());
            return print(out, r.worst(), true);
        }
    }

    @Command(name = "check-grader", mixinStandardHelpOptions = true,
        description = {"Compares our PANDA grading model (MILModel) with a PyTorch reference written by",
            "scripts/python/parity_grade.py (scripts/parity-grade runs both): eval logits on a padded two-scale batch",
            "and the weights and EMA after two NB11 steps. Prints the largest absolute differences as JSON; exit 1",
            "when one exceeds --tol (the dead elements, whose true gradient is 0, against 2 x the summed lr)."})
    static final class CheckGrader extends ParityCheck {

        @Override
        public Integer call() throws IOException {
            org.slidebatch.grade.GradeParity.Result r = org.slidebatch.grade.GradeParity.run(reference);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("logits", r.logits());
            out.put("losses", r.loss());
            out.put("grad_norm", r.gradNorm());
            out.put("weights_after_2_steps", r.weights());
            out.put("ema_after_2_steps", r.ema());
            out.put("dead_weights_after_2_steps", r.deadWeights());
            return print(out, r.worst(), r.deadWeights() <= 2 * r.lrSum());
        }
    }

    /** A parity check against a reference folder a Python script wrote: the differences as JSON, exit 1 above --tol. */
    abstract static class ParityCheck implements Callable<Integer> {

        @Option(names = "--reference", required = true, paramLabel = "DIR")
        Path reference;

        @Option(names = "--tol", defaultValue = "1e-4")
        double tol;

        /** Prints the largest differences with the worst, the tolerance and the engine; 0 when all hold. */
        final int print(Map<String, Object> differences, double worst, boolean otherBoundsHold) {
            Map<String, Object> out = new LinkedHashMap<>(differences);
            out.put("worst", worst);
            out.put("tol", tol);
            out.put("engine", DjlRuntime.describe());
            System.out.println(Json.write(out));
            return worst <= tol && otherBoundsHold ? 0 : 1;
        }
    }
}
