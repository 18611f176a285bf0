package org.slidebatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import ai.djl.ndarray.NDManager;

import org.slidebatch.batch.HostFacts;
import org.slidebatch.grade.GradeBatch;
import org.slidebatch.grade.GradeTrainer;
import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.mil.GraderConfig;
import org.slidebatch.model.mil.MilGrader;
import org.slidebatch.model.mil.NamedParams;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "grade", mixinStandardHelpOptions = true,
    description = {"Training speed of the NB11 grading model (11.1 M parameters) against PyTorch's same loop in the",
        "same run (scripts/python/bench_grade.py; skipped without python3-torch): batches of full slides",
        "(--t05 + --t20 tokens), forward, NB11 loss, backward, clip, AdamW, EMA; float32 on the CPU. Reports slides/s",
        "and the peak resident memory of each side."})
final class BenchGradeCommand implements Callable<Integer> {

    @Option(names = "--batch", defaultValue = "24", description = "BATCH_SLIDES (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--t05", defaultValue = "1200", description = "tokens at 0.5 µm/px (default ${DEFAULT-VALUE}).")
    int t05;

    @Option(names = "--t20", defaultValue = "400", description = "tokens at 2.0 µm/px (default ${DEFAULT-VALUE}).")
    int t20;

    @Option(names = "--warmup", defaultValue = "1")
    int warmup;

    @Option(names = "--steps", defaultValue = "3")
    int steps;

    @Option(names = "--threads", defaultValue = "1,2", split = ",",
        description = "intra-op thread counts tried on both sides, one after the other; the best of each is compared "
            + "(default ${DEFAULT-VALUE}).")
    java.util.List<Integer> threads;

    @Override
    public Integer call() throws Exception {
        if (batch < 1 || t05 < 1 || t20 < 1 || steps < 1 || warmup < 0 || threads.stream().anyMatch(t -> t < 1)) {
            throw new CliException("need --batch, --t05, --t20, --steps, --threads >= 1 and --warmup >= 0", 2);
        }
        GraderConfig c = GraderConfig.nb11();
        int d = c.inputDim();
        SplittableRandom r = new SplittableRandom(0);
        float[] x05 = new float[batch * t05 * d];
        float[] x20 = new float[batch * t20 * d];
        for (int i = 0; i < x05.length; i++) {
            x05[i] = (float) (r.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < x20.length; i++) {
            x20[i] = (float) (r.nextDouble() * 2 - 1);
        }
        int[] l05 = new int[batch];
        int[] l20 = new int[batch];
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) {
            l05[i] = t05;
            l20[i] = t20;
            y[i] = i % c.classes();
        }
        GradeBatch b = new GradeBatch(batch, d, t05, x05, l05, t20, x20, l20, y);
        float[] cw = {1, 1, 1, 1, 1, 1};
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("batch", batch);
        out.put("tokens_0p5", t05);
        out.put("tokens_2p0", t20);
        out.put("steps", steps);
        out.put("load_average_before", HostFacts.loadAverage());
        java.util.List<Object> runs = new java.util.ArrayList<>();
        double bestOurs = 0;
        double bestTheirs = 0;
        Path py = Path.of("/usr/bin/python3");
        Path script = Path.of("scripts/python/bench_grade.py");
        boolean torch = Files.isExecutable(py) && Files.isRegularFile(script);
        for (int th : threads) {
            // ours, then PyTorch's, at th intra-op threads
            DjlRuntime.setIntraOpThreads(th);
            boolean peakReset = resetPeakRss();
            double seconds;
            double cpu;
            try (NDManager root = DjlRuntime.engine().newBaseManager();
                 NamedParams p = MilGrader.init(root, c, 0);
                 GradeTrainer t = new GradeTrainer(root, c, p, GradeTrainer.Settings.nb11())) {
                for (int i = 0; i < warmup; i++) {
                    t.step(b, cw, 3e-4f);
                }
                long t0 = System.nanoTime();
                long c0 = HostFacts.processCpuNanos();
                for (int i = 0; i < steps; i++) {
                    t.step(b, cw, 3e-4f);
                }
                seconds = (System.nanoTime() - t0) / 1e9;
                cpu = (HostFacts.processCpuNanos() - c0) / 1e9;
            }
            Map<String, Object> run = new LinkedHashMap<>();
            run.put("threads", th);
            run.put("slidebatch_seconds", seconds);
            run.put("slidebatch_cpu_seconds", cpu);
            run.put("slidebatch_slides_per_s", batch * steps / seconds);
            // this setting's own peak when the kernel let us reset it, else the process's so far (earlier settings too)
            run.put(peakReset ? "slidebatch_peak_rss_bytes" : "slidebatch_process_peak_rss_bytes", HostFacts.peakRssBytes());
            bestOurs = Math.max(bestOurs, batch * steps / seconds);
            if (torch) {
                Process p = new ProcessBuilder(py.toString(), script.toString(), "" + batch, "" + t05, "" + t20, "" + warmup,
                    "" + steps, "" + th).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                String line = new String(p.getInputStream().readAllBytes()).trim();
                if (p.waitFor(3600, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    Map<?, ?> theirsJson = Json.MAPPER.readValue(line.lines().reduce((a, x) -> x).orElse("{}"), LinkedHashMap.class);
                    run.put("pytorch", theirsJson);
                    bestTheirs = Math.max(bestTheirs, ((Number) theirsJson.get("slides_per_s")).doubleValue());
                } else {
                    run.put("pytorch", "failed: " + line);
                }
            }
            runs.add(run);
            System.err.println("[bench grade] " + Json.write(run).replaceAll("\\s+", " ")); // each setting as it ends
        }
        out.put("runs", runs);
        out.put("slidebatch_best_slides_per_s", bestOurs);
        out.put("engine", DjlRuntime.describe());
        // libtorch's huge-page allocator switch (scripts/slidebatch sets it; PyTorch 1.13, the peer, has no such switch)
        out.put("thp_mem_alloc", System.getenv().getOrDefault("THP_MEM_ALLOC_ENABLE", "unset"));
        if (!torch) {
            out.put("pytorch", "skipped: needs " + py + " with torch and " + script + " (run from the repository root)");
        } else if (bestTheirs > 0) {
            out.put("pytorch_best_slides_per_s", bestTheirs);
            out.put("ratio_best_vs_best", bestOurs / bestTheirs);
        }
        out.put("load_average_after", HostFacts.loadAverage());
        out.put("caveat", "shared machine: times are noisy; both loops ran in this command, one after the other");
        System.out.println(Json.write(out));
        return 0;
    }

    /**
     * Resets this process's peak resident set size (VmHWM) to its current size, so that each thread setting reports
     * its own peak (Linux: writing 5 to /proc/self/clear_refs). False where that is not possible.
     */
    private static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }
}
