package org.slidebatch.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import ai.djl.ndarray.NDManager;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.NamedParams;
import org.slidebatch.pretrain.ByolMfrTrainer;
import org.slidebatch.pretrain.Phase1Batch;
import org.slidebatch.pretrain.Phase1Batches;
import org.slidebatch.pretrain.SlideTokens;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "pretrain", mixinStandardHelpOptions = true,
    description = {"--phase 1 (default): OpenSlideFM phase-1 training step (SPEC §10): steps/s and tokens/s of the full aggregator (d 768,",
        "6 layers) + MFR decoder, fp32, --batch slides of --tokens random tokens each (views, teacher, student, BYOL +",
        "MFR, AdamW, EMA), after one untimed warm-up step; ours at each of --threads, then the same step in PyTorch",
        "(Debian's python3-torch, scripts/python/bench_pretrain.py) at each of --threads, best of each, and the ratio.",
        "Memory: 1,600 tokens × 3 needs about 12 GB per framework.",
        "--phase 2: one phase-2 update, --tiles raw tiles (96) of --size px (224) forward and backward through the",
        "ConvNeXt-Tiny backbone, its EMA teacher, the aggregator (--layers) and decoder, two AdamW groups, both EMAs, as",
        "tiles/s; then the same update in PyTorch + torchvision (scripts/python/bench_phase2.py), at the last --threads value.",
        "The machine may be shared: numbers are noisy."})
final class BenchPretrainCommand implements Callable<Integer> {

    @Option(names = "--phase", defaultValue = "1", description = "1 (aggregator step) or 2 (backbone + aggregator step).")
    int phase;

    @Option(names = "--tiles", defaultValue = "96", description = "--phase 2: tiles per update (default ${DEFAULT-VALUE}).")
    int tiles;

    @Option(names = "--size", defaultValue = "224", description = "--phase 2: tile side in px (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--layers", defaultValue = "6", description = "--phase 2: aggregator layers (default ${DEFAULT-VALUE}, OpenSlideFM's).")
    int layers;

    @Option(names = "--tokens", defaultValue = "1600", description = "Tokens per slide (default ${DEFAULT-VALUE}).")
    int tokens;

    @Option(names = "--batch", defaultValue = "3", description = "Slides per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "3", description = "Timed steps per thread setting (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--threads", defaultValue = "1,2", split = ",", description = "Intra-op thread counts to try (default 1,2).")
    List<Integer> threads;

    @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
    boolean noPeer;

    @Option(names = "--peer-script", paramLabel = "FILE", description = "Default: scripts/python/bench_pretrain.py of this checkout.")
    Path peerScript;

    @Option(names = "--json", paramLabel = "OUT.json")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (phase == 2) {
            if (tiles < 1 || steps < 1 || size < 32 || layers < 1 || threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
                throw new CliException("--tiles, --steps, --layers and --threads must be positive and --size at least 32", 2);
            }
            return new BenchPhase2(tiles, size, steps, layers, threads.get(threads.size() - 1), noPeer, json).call();
        }
        if (phase != 1) {
            throw new CliException("bench pretrain --phase must be 1 or 2, got " + phase, 2);
        }
        if (tokens < 4 || batch < 1 || steps < 1 || threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
            throw new CliException("--tokens ≥ 4, --batch, --steps and --threads must be positive", 2);
        }
        AggregatorConfig c = AggregatorConfig.openSlideFm();
        List<Map<String, Object>> ours = new ArrayList<>();
        Phase1Batch b = batch(c.dModel());
        try (NDManager root = DjlRuntime.engine().newBaseManager()) {
            NamedParams student = NamedParams.init(root, c.studentShapes(), 1);
            NamedParams teacher = student.copy(root);
            NamedParams decoder = NamedParams.init(root, c.decoderShapes(), 2);
            ByolMfrTrainer.Settings s = new ByolMfrTrainer.Settings(1e-4f, 0.996f, 0.5f, 0.1f, 0.02f, false);
            try (ByolMfrTrainer trainer = new ByolMfrTrainer(root, c, student, teacher, decoder, s)) {
                int step = 0;
                for (int t : threads) {
                    DjlRuntime.setIntraOpThreads(t);
                    ByolMfrTrainer.seedTorch(step++);
                    trainer.step(b, 1.5e-4f);
                    long start = System.nanoTime();
                    for (int i = 0; i < steps; i++) {
                        ByolMfrTrainer.seedTorch(step++);
                        trainer.step(b, 1.5e-4f);
                    }
                    double sec = (System.nanoTime() - start) / 1e9;
                    Map<String, Object> r = new LinkedHashMap<>();
                    r.put("threads", t);
                    r.put("seconds", sec);
                    r.put("steps_per_s", steps / sec);
                    r.put("tokens_per_s", (double) steps * batch * tokens / sec);
                    ours.add(r);
                    System.err.printf(Locale.ROOT, "bench pretrain: ours, %d threads: %.3f steps/s%n", t, steps / sec);
                }
            }
        }
        Map<String, Object> best = ours.stream().max((x, y) -> Double.compare((double) x.get("steps_per_s"), (double) y.get("steps_per_s"))).orElseThrow();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("what", "pretrain");
        out.put("steps_per_s", best.get("steps_per_s"));
        out.put("tokens_per_s", best.get("tokens_per_s"));
        out.put("threads", best.get("threads"));
        out.put("runs", ours);
        out.put("peak_rss_bytes", HostFacts.peakRssBytes());
        out.put("engine", DjlRuntime.describe());
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("tokens", tokens);
        inputs.put("batch", batch);
        inputs.put("steps", steps);
        inputs.put("model", "OpenSlideFM MILTransformer d768×6 + MFR decoder 384×2, fp32, dropout 0.1");
        out.put("inputs", inputs);
        String peerLine = "";
        if (!noPeer) {
            JsonObject peer = peer();
            if (peer != null) {
                double pSteps = peer.getAsJsonObject("best").get("steps_per_s").getAsDouble();
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("steps_per_s", pSteps);
                p.put("tokens_per_s", peer.getAsJsonObject("best").get("tokens_per_s").getAsDouble());
                p.put("threads", peer.getAsJsonObject("best").get("threads").getAsInt());
                p.put("peak_rss_bytes", peer.get("peak_rss_bytes").getAsLong());
                p.put("torch", peer.get("torch").getAsString());
                p.put("raw", peer.toString());
                out.put("pytorch", p);
                out.put("speed_vs_pytorch", (double) best.get("steps_per_s") / pSteps);
                peerLine = String.format(Locale.ROOT, "; PyTorch %s %.3f steps/s (%d threads) → %.2f×", peer.get("torch").getAsString(),
                    pSteps, p.get("threads"), (double) best.get("steps_per_s") / pSteps);
            }
        }
        BenchReadsCommand.passport(out);
        BenchReadsCommand.emit(out, json, String.format(Locale.ROOT,
            "pretrain: %d slides × %d tokens, %d steps: %.3f steps/s, %.0f tokens/s (%s threads, peak RSS %.1f GB)%s",
            batch, tokens, steps, (double) best.get("steps_per_s"), (double) best.get("tokens_per_s"), best.get("threads"),
            HostFacts.peakRssBytes() / 1e9, peerLine));
        return 0;
    }

    private Phase1Batch batch(int d) {
        SplittableRandom r = new SplittableRandom(0);
        List<SlideTokens> slides = new ArrayList<>();
        for (int s = 0; s < batch; s++) {
            float[] f = new float[tokens * d];
            float[] p = new float[tokens * 3];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < tokens; i++) {
                p[i * 3] = (float) (r.nextDouble() * 20);
                p[i * 3 + 1] = (float) (r.nextDouble() * 20);
                p[i * 3 + 2] = 0.5f;
            }
            slides.add(new SlideTokens("bench-" + s, tokens, 0, d, f, p));
        }
        return Phase1Batches.build(slides, 0.25, r);
    }

    private JsonObject peer() throws IOException, InterruptedException {
        Path script = peerScript != null ? peerScript : locate();
        if (script == null || !Files.isRegularFile(script) || !Files.isExecutable(Path.of("/usr/bin/python3"))) {
            System.err.println("bench pretrain: PyTorch peer skipped (no /usr/bin/python3 or no scripts/python/bench_pretrain.py; --peer-script FILE)");
            return null;
        }
        List<String> cmd = List.of("/usr/bin/python3", script.toString(), "" + tokens, "" + batch, "" + steps,
            String.join(",", threads.stream().map(String::valueOf).toList()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(3600, TimeUnit.SECONDS) || p.exitValue() != 0) {
            System.err.println("bench pretrain: PyTorch peer failed (exit " + p.exitValue() + ")");
            return null;
        }
        String last = out.substring(out.lastIndexOf('\n') + 1);
        return JsonParser.parseString(last).getAsJsonObject();
    }

    private static Path locate() {
        List<Path> roots = new ArrayList<>();
        String jar = System.getProperty("java.class.path", "");
        if (jar.endsWith(".jar")) {
            Path parent = Path.of(jar).toAbsolutePath().getParent();
            if (parent != null && parent.getParent() != null) {
                roots.add(parent.getParent());
            }
        }
        roots.add(Path.of(System.getProperty("user.dir")));
        for (Path r : roots) {
            Path s = r.resolve("scripts/python/bench_pretrain.py");
            if (Files.isRegularFile(s)) {
                return s;
            }
        }
        return null;
    }
}
