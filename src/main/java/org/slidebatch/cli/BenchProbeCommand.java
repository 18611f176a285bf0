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

import org.slidebatch.evaluate.Fold;
import org.slidebatch.evaluate.LinearProbe;
import org.slidebatch.evaluate.Splitters;
import org.slidebatch.model.Npy;
import org.slidebatch.workspace.AtomicFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "probe", mixinStandardHelpOptions = true,
    description = {"Linear probe speed against scikit-learn on the same data, folds and cores (NB07's protocol):",
        "seeded Gaussian class clusters (rows × dim float32, classes), stratified k-fold × seeds; per fold",
        "StandardScaler + L2 multinomial logistic regression (lbfgs, C, tol 1e-4, max_iter). The data and folds are",
        "written to --out; scripts/bench_probe.py times sklearn on them (skipped without python3-sklearn)."})
final class BenchProbeCommand implements Callable<Integer> {

    @Option(names = "--rows", defaultValue = "20000")
    int rows;

    @Option(names = "--dim", defaultValue = "768")
    int dim;

    @Option(names = "--classes", defaultValue = "31")
    int classes;

    @Option(names = "--folds", defaultValue = "5")
    int folds;

    @Option(names = "--seeds", defaultValue = "42,123,456", split = ",")
    List<Long> seeds;

    @Option(names = "--C", defaultValue = "1.0")
    double c;

    @Option(names = "--max-iter", defaultValue = "100", description = "sklearn's default (default ${DEFAULT-VALUE}).")
    int maxIter;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--json", paramLabel = "OUT.json")
    Path json;

    @Override
    public Integer call() throws Exception {
        if (rows < classes * folds || dim < 1 || classes < 2) {
            throw new CliException("need rows >= classes x folds, dim >= 1, classes >= 2", 2);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        float[] flat = new float[Math.multiplyExact(rows, dim)];
        double[][] centres = new double[classes][dim];
        for (double[] m : centres) {
            for (int j = 0; j < dim; j++) {
                m[j] = 0.15 * gaussian(rnd);
            }
        }
        int[] y = new int[rows];
        double[][] x = new double[rows][dim];
        for (int i = 0; i < rows; i++) {
            y[i] = rnd.nextInt(classes);
            for (int j = 0; j < dim; j++) {
                float v = (float) (centres[y[i]][j] + gaussian(rnd));
                flat[i * dim + j] = v;
                x[i][j] = v;
            }
        }
        Files.createDirectories(out);
        Npy.writeFloat32(out.resolve("x.npy"), flat, rows, dim);
        List<List<Fold>> perSeed = new ArrayList<>();
        StringBuilder csv = new StringBuilder("y");
        for (long s : seeds) {
            csv.append(",fold_").append(s);
            perSeed.add(Splitters.stratifiedKFold(y, folds, s));
        }
        csv.append('\n');
        int[][] foldOf = new int[seeds.size()][rows];
        for (int s = 0; s < seeds.size(); s++) {
            for (Fold f : perSeed.get(s)) {
                for (int i : f.test()) {
                    foldOf[s][i] = f.index();
                }
            }
        }
        for (int i = 0; i < rows; i++) {
            csv.append(y[i]);
            for (int s = 0; s < seeds.size(); s++) {
                csv.append(',').append(foldOf[s][i]);
            }
            csv.append('\n');
        }
        AtomicFiles.writeString(out.resolve("labels.csv"), csv.toString());

        long t0 = System.nanoTime();
        long cpu0 = org.slidebatch.batch.HostFacts.processCpuNanos();
        List<Double> aurocs = new ArrayList<>();
        for (List<Fold> fs : perSeed) {
            LinearProbe.Result r = LinearProbe.run(x, y, fs, new LinearProbe.Settings(LinearProbe.Solver.LBFGS, c, maxIter, 1e-4, 0));
            aurocs.add(r.oofAuroc().orNull());
        }
        double ours = (System.nanoTime() - t0) / 1e9;
        double oursCpu = (org.slidebatch.batch.HostFacts.processCpuNanos() - cpu0) / 1e9;
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rows", rows);
        result.put("dim", dim);
        result.put("classes", classes);
        result.put("folds", folds);
        result.put("seeds", seeds);
        result.put("fits", folds * seeds.size());
        result.put("cores", Runtime.getRuntime().availableProcessors());
        result.put("slidebatch_seconds", ours);
        result.put("slidebatch_cpu_seconds", oursCpu);
        result.put("slidebatch_oof_auroc", aurocs);
        Map<String, Object> sk = sklearn(out);
        result.put("sklearn", sk);
        if (sk.get("seconds") instanceof Number s) {
            result.put("ratio_to_sklearn", ours / s.doubleValue());
        }
        if (sk.get("cpu_seconds") instanceof Number s) {
            result.put("cpu_ratio_to_sklearn", oursCpu / s.doubleValue());
        }
        String text = Json.write(result);
        if (json != null) {
            AtomicFiles.writeString(json, text + "\n");
        }
        System.out.println(text);
        System.out.printf(Locale.ROOT, "bench probe: %d x %d, %d classes, %d fits: slidebatch %.1f s, sklearn %s s%n", rows, dim,
            classes, folds * seeds.size(), ours, sk.getOrDefault("seconds", "n/a"));
        return 0;
    }

    private Map<String, Object> sklearn(Path dir) throws IOException, InterruptedException {
        Map<String, Object> m = new LinkedHashMap<>();
        Path script = Path.of("scripts/bench_probe.py");
        if (!Files.isExecutable(Path.of("/usr/bin/python3")) || !Files.exists(script)) {
            m.put("skipped", "needs /usr/bin/python3 with sklearn and scripts/bench_probe.py (run from the repository root)");
            return m;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.toString(), Double.toString(c),
            Integer.toString(maxIter)).redirectErrorStream(true).start();
        String outText = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(2, TimeUnit.HOURS);
        if (p.exitValue() != 0) {
            m.put("skipped", "bench_probe.py failed: " + outText.strip());
            return m;
        }
        String last = outText.strip().lines().reduce((a, b) -> b).orElse("{}");
        return Json.MAPPER.readValue(last, LinkedHashMap.class);
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
