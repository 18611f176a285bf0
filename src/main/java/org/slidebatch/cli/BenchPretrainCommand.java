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
import org.slidebatch.model.MklFastPath;
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
        "MFR, AdamW, EMA), after one untimed warm-up step per thread count; --repeats rounds, each: ours then the same",
        "step in PyTorch (Debian's python3-torch, scripts/python/bench_pretrain.py --serve, alive for the whole run) at",
        "each of --threads; medians over rounds, the best thread count of each, the ratio, load averages, peak RSS of both.",
        "Both processes are alive together: 400 tokens × 3 needs about 3 + 2.5 GB, 1,200 tokens × 3 about 11 + 12 GB; for",
        "more, --peer-fresh starts the peer for each of its runs and ends it after, so only one side's arrays are in memory.",
        "Environment it reports: SLIDEBATCH_MKL_AMD_FASTPATH (README), GLIBC_TUNABLES (inherited by the peer).",
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

    @Option(names = "--steps", defaultValue = "3", description = "Timed steps per thread setting and round (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--repeats", defaultValue = "3", description = "--phase 1: rounds; in each, ours then PyTorch at each --threads "
        + "(interleaved on a shared machine); medians over rounds (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--weights-out", paramLabel = "FILE.safetensors", description = "--phase 1: write ours' student, teacher and "
        + "decoder after the last step (fixed seeds: two runs with the same options give the same bytes).")
    Path weightsOut;

    @Option(names = "--threads", defaultValue = "1,2", split = ",", description = "Intra-op thread counts to try (default 1,2).")
    List<Integer> threads;

    @Option(names = "--no-peer", description = "Skip the PyTorch peer.")
    boolean noPeer;

    @Option(names = "--peer-fresh", description = "--phase 1: start the PyTorch peer for each of its runs (with its own "
        + "untimed warm-up step) and end it after, instead of one peer alive for the whole run, and give our freed heap back "
        + "to the kernel before it starts (glibc malloc_trim): only one framework's arrays are in memory at a time (1,600 "
        + "tokens × 3 on a 24 GB machine).")
    boolean peerFresh;

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
        if (tokens < 4 || batch < 1 || steps < 1 || repeats < 1 || threads.isEmpty() || threads.stream().anyMatch(t -> t < 1)) {
            throw new CliException("--tokens ≥ 4, --batch, --steps, --repeats and --threads must be positive", 2);
        }
        AggregatorConfig c = AggregatorConfig.openSlideFm();
        Phase1Batch b = batch(c.dModel());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("what", "pretrain");
        out.put("load_average_start", HostFacts.loadAverage());
        Map<Integer, List<Double>> oursSteps = new LinkedHashMap<>();   // steps/s per round, by thread count
        Map<Integer, List<Double>> peerSteps = new LinkedHashMap<>();
        List<Map<String, Object>> rounds = new ArrayList<>();
        Path script = peerScript != null ? peerScript : locate();
        PeerProcess peer = noPeer || peerFresh ? null : PeerProcess.start(script, tokens, batch);
        boolean peerWanted = !noPeer;
        String torchVersion = null;
        long peerRss = -1;
        try (NDManager root = DjlRuntime.engine().newBaseManager()) {
            NamedParams student = NamedParams.init(root, c.studentShapes(), 1);
            NamedParams teacher = student.copy(root);
            NamedParams decoder = NamedParams.init(root, c.decoderShapes(), 2);
            ByolMfrTrainer.Settings s = new ByolMfrTrainer.Settings(1e-4f, 0.996f, 0.5f, 0.1f, 0.02f, false);
            try (ByolMfrTrainer trainer = new ByolMfrTrainer(root, c, student, teacher, decoder, s)) {
                int step = 0;
                java.util.Set<Integer> warmed = new java.util.HashSet<>();
                for (int round = 1; round <= repeats; round++) {
                    for (int t : threads) {
                        DjlRuntime.setIntraOpThreads(t);
                        if (warmed.add(t)) {
                            ByolMfrTrainer.seedTorch(step++);
                            trainer.step(b, 1.5e-4f);
                        }
                        long start = System.nanoTime();
                        for (int i = 0; i < steps; i++) {
                            ByolMfrTrainer.seedTorch(step++);
                            trainer.step(b, 1.5e-4f);
                        }
                        double sec = (System.nanoTime() - start) / 1e9;
                        Map<String, Object> r = new LinkedHashMap<>();
                        r.put("round", round);
                        r.put("threads", t);
                        r.put("ours_seconds", sec);
                        r.put("ours_steps_per_s", steps / sec);
                        oursSteps.computeIfAbsent(t, k -> new ArrayList<>()).add(steps / sec);
                        String peerPart = "";
                        if (peerFresh && peerWanted) {
                            // ours is idle while the peer runs: hand glibc's freed heap (GBs at 1,600 tokens) back first
                            mallocTrim();
                            peer = PeerProcess.start(script, tokens, batch);
                            peerWanted = peer != null;
                        }
                        if (peer != null) {
                            JsonObject pr = peer.run(t, steps);
                            if (pr == null) {
                                peer = null;
                                peerWanted = false;
                            } else {
                                double ps = pr.get("steps_per_s").getAsDouble();
                                r.put("pytorch_seconds", pr.get("seconds").getAsDouble());
                                r.put("pytorch_steps_per_s", ps);
                                peerSteps.computeIfAbsent(t, k -> new ArrayList<>()).add(ps);
                                peerPart = String.format(Locale.ROOT, ", PyTorch %.4f steps/s", ps);
                            }
                        }
                        if (peerFresh && peer != null) {
                            JsonObject end = peer.finish();
                            peer = null;
                            if (end != null) {
                                torchVersion = end.get("torch").getAsString();
                                peerRss = Math.max(peerRss, end.get("peak_rss_bytes").getAsLong());
                            }
                        }
                        r.put("load_average", HostFacts.loadAverage());
                        rounds.add(r);
                        System.err.printf(Locale.ROOT, "bench pretrain: round %d, %d threads: ours %.4f steps/s%s (load %s)%n",
                            round, t, steps / sec, peerPart, r.get("load_average"));
                    }
                }
                if (weightsOut != null) {
                    Map<String, org.slidebatch.model.SafeTensors.Tensor> all = new LinkedHashMap<>(student.toTensors("student."));
                    all.putAll(teacher.toTensors("teacher."));
                    all.putAll(decoder.toTensors("decoder."));
                    org.slidebatch.model.SafeTensors.write(weightsOut, all, "F32", Map.of("what", "bench pretrain weights after the last step"));
                }
            }
        } finally {
            if (peer != null) {
                JsonObject end = peer.finish();
                if (end != null) {
                    torchVersion = end.get("torch").getAsString();
                    peerRss = end.get("peak_rss_bytes").getAsLong();
                }
            }
        }
        int bestOurs = bestThreads(oursSteps);
        double oursMedian = median(oursSteps.get(bestOurs));
        out.put("steps_per_s", oursMedian);
        out.put("tokens_per_s", oursMedian * batch * tokens);
        out.put("threads", bestOurs);
        out.put("median_steps_per_s_by_threads", medians(oursSteps));
        out.put("rounds", rounds);
        out.put("peak_rss_bytes", HostFacts.peakRssBytes());
        out.put("engine", DjlRuntime.describe());
        out.put("mkl_amd_fastpath", MklFastPath.loaded());
        out.put("glibc_tunables", System.getenv().getOrDefault("GLIBC_TUNABLES", ""));
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("tokens", tokens);
        inputs.put("batch", batch);
        inputs.put("steps", steps);
        inputs.put("repeats", repeats);
        inputs.put("threads", threads);
        inputs.put("peer_fresh", peerFresh);
        inputs.put("model", "OpenSlideFM MILTransformer d768×6 + MFR decoder 384×2, fp32, dropout 0.1");
        out.put("inputs", inputs);
        String peerLine = "";
        if (!peerSteps.isEmpty() && peerSteps.values().stream().allMatch(l -> l.size() == repeats)) {
            int bestPeer = bestThreads(peerSteps);
            double pSteps = median(peerSteps.get(bestPeer));
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("steps_per_s", pSteps);
            p.put("tokens_per_s", pSteps * batch * tokens);
            p.put("threads", bestPeer);
            p.put("median_steps_per_s_by_threads", medians(peerSteps));
            p.put("peak_rss_bytes", peerRss);
            p.put("torch", torchVersion);
            out.put("pytorch", p);
            out.put("speed_vs_pytorch", oursMedian / pSteps);
            peerLine = String.format(Locale.ROOT, "; PyTorch %s %.4f steps/s (%d threads, peak RSS %.1f GB) → %.2f×", torchVersion,
                pSteps, bestPeer, peerRss / 1e9, oursMedian / pSteps);
        }
        out.put("load_average_end", HostFacts.loadAverage());
        BenchReadsCommand.passport(out);
        BenchReadsCommand.emit(out, json, String.format(Locale.ROOT,
            "pretrain: %d slides × %d tokens, %d rounds × %d steps, medians: %.4f steps/s, %.0f tokens/s (%s threads, peak RSS %.1f GB, "
                + "MKL AMD fast path %s)%s; load %s → %s",
            batch, tokens, repeats, steps, oursMedian, oursMedian * batch * tokens, bestOurs, HostFacts.peakRssBytes() / 1e9,
            MklFastPath.loaded() ? "on" : "off", peerLine, out.get("load_average_start"), out.get("load_average_end")));
        return 0;
    }

    /** glibc's {@code malloc_trim(0)}: returns free heap memory to the kernel; false where there is no such call. */
    static boolean mallocTrim() {
        try {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var fn = linker.defaultLookup().find("malloc_trim");
            if (fn.isEmpty()) {
                return false;
            }
            var handle = linker.downcallHandle(fn.get(), java.lang.foreign.FunctionDescriptor.of(
                java.lang.foreign.ValueLayout.JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG));
            return (int) handle.invokeExact(0L) == 1;
        } catch (Throwable e) {
            return false;
        }
    }

    private static int bestThreads(Map<Integer, List<Double>> byThreads) {
        return byThreads.entrySet().stream().max((x, y) -> Double.compare(median(x.getValue()), median(y.getValue())))
            .orElseThrow().getKey();
    }

    private static Map<String, Double> medians(Map<Integer, List<Double>> byThreads) {
        Map<String, Double> m = new LinkedHashMap<>();
        byThreads.forEach((t, l) -> m.put("" + t, median(l)));
        return m;
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /**
     * The PyTorch peer as one long-lived process ({@code bench_pretrain.py --serve}): it builds its model once and
     * runs each request's steps while ours waits, so the two frameworks' timed steps alternate on a shared machine.
     */
    private static final class PeerProcess {
        private final Process process;
        private final java.io.BufferedReader in;
        private final java.io.Writer outW;

        private PeerProcess(Process process) {
            this.process = process;
            this.in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.outW = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        static PeerProcess start(Path script, int tokens, int batch) throws IOException {
            if (script == null || !Files.isRegularFile(script) || !Files.isExecutable(Path.of("/usr/bin/python3"))) {
                System.err.println("bench pretrain: PyTorch peer skipped (no /usr/bin/python3 or no scripts/python/bench_pretrain.py; --peer-script FILE)");
                return null;
            }
            List<String> cmd = List.of("/usr/bin/python3", script.toString(), "--serve", "" + tokens, "" + batch);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
            pb.environment().remove("LD_PRELOAD");   // the MKL fast path is ours; Debian's torch uses OpenBLAS
            return new PeerProcess(pb.start());
        }

        /** One request: {@code steps} timed steps at {@code threads}; null (peer given up) when it died. */
        JsonObject run(int threads, int steps) throws IOException {
            try {
                outW.write(threads + " " + steps + "\n");
                outW.flush();
                String line = in.readLine();
                if (line != null) {
                    return JsonParser.parseString(line).getAsJsonObject();
                }
            } catch (IOException e) {
                // fall through: the peer died (out of memory, say)
            }
            System.err.println("bench pretrain: PyTorch peer stopped answering (exit " + (process.isAlive() ? "?" : process.exitValue())
                + "); the run goes on without it");
            process.destroy();
            return null;
        }

        /** Ends the peer; its closing line (peak RSS, torch version), or null. */
        JsonObject finish() {
            try {
                outW.close();
                String line = in.readLine();
                process.waitFor(60, TimeUnit.SECONDS);
                return line == null ? null : JsonParser.parseString(line).getAsJsonObject();
            } catch (IOException | RuntimeException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                process.destroy();
            }
        }
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
