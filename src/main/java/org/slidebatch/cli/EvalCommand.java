package org.slidebatch.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import org.slidebatch.evaluate.CsvTable;
import org.slidebatch.evaluate.Fold;
import org.slidebatch.evaluate.LinearProbe;
import org.slidebatch.evaluate.Metrics;
import org.slidebatch.evaluate.Score;
import org.slidebatch.evaluate.Splitters;
import org.slidebatch.workspace.AtomicFiles;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Evaluation primitives on CSV tables (the contract scripts rely on; see README 'Evaluation')."},
    subcommands = {EvalCommand.MetricsCommand.class, EvalCommand.ProbeCommand.class, EvalCommand.SynthEmbeddingsCommand.class})
final class EvalCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: metrics or probe");
    }

    static void emit(Map<String, Object> result, Path json) throws IOException {
        String text = Json.write(result);
        if (json != null) {
            AtomicFiles.writeString(json, text + "\n");
        }
        System.out.println(text);
    }

    /** Puts a score as a number, or null plus its reason under "undefined". */
    static void put(Map<String, Object> out, String name, Score s) {
        out.put(name, s.orNull());
        if (!s.defined()) {
            @SuppressWarnings("unchecked")
            Map<String, String> reasons = (Map<String, String>) out.computeIfAbsent("undefined", k -> new LinkedHashMap<String, String>());
            reasons.put(name, s.undefinedReason());
        }
    }

    @Command(name = "synth-embeddings", mixinStandardHelpOptions = true,
        description = {"Write synthetic slide embeddings <slide_id>.npy for a labels CSV (documented generator:",
            "class, grade, center and patient directions plus noise; --signal 0 carries no label information)."})
    static final class SynthEmbeddingsCommand implements Callable<Integer> {

        @Option(names = "--labels", required = true, paramLabel = "FILE")
        Path labels;

        @Option(names = "--out", required = true, paramLabel = "DIR")
        Path out;

        @Option(names = "--dim", defaultValue = "768")
        int dim;

        @Option(names = "--signal", defaultValue = "0.15")
        double signal;

        @Option(names = "--seed", defaultValue = "0")
        long seed;

        @Override
        public Integer call() throws IOException {
            try {
                int n = org.slidebatch.evaluate.SyntheticEmbeddings.write(labels, out, dim, signal, seed);
                System.out.println("wrote " + n + " embeddings to " + out.toAbsolutePath());
                return 0;
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), 2);
            }
        }
    }

    @Command(name = "metrics", mixinStandardHelpOptions = true,
        description = {"Metrics of one prediction table (scikit-learn's definitions).",
            "binary: y_true, score -> auroc, average_precision",
            "multiclass: y_true, p0..pK-1 -> auroc_ovr_macro, accuracy, balanced_accuracy, f1_macro (prediction = argmax)",
            "ordinal: y_true, y_pred -> qwk, linear_kappa, kappa, labels, confusion (rows true)"})
    static final class MetricsCommand implements Callable<Integer> {

        @Option(names = "--csv", required = true, paramLabel = "FILE")
        Path csv;

        @Option(names = "--task", required = true, paramLabel = "binary|multiclass|ordinal")
        String task;

        @Option(names = "--json", paramLabel = "OUT")
        Path json;

        @Override
        public Integer call() throws IOException {
            try {
                CsvTable t = CsvTable.read(csv);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("task", task);
                out.put("n", t.size());
                int[] y = t.ints("y_true");
                switch (task) {
                    case "binary" -> {
                        double[] s = t.doubles("score");
                        for (int i = 0; i < y.length; i++) {
                            if (y[i] != 0 && y[i] != 1) {
                                throw new IllegalArgumentException(csv + " line " + t.line(i) + ": binary y_true must be 0 or 1, got " + y[i]);
                            }
                        }
                        put(out, "auroc", Metrics.auroc(y, s));
                        put(out, "average_precision", Metrics.averagePrecision(y, s));
                    }
                    case "multiclass" -> {
                        double[][] p = probabilityColumns(t);
                        int[] pred = Metrics.argmax(p);
                        put(out, "auroc_ovr_macro", Metrics.aurocOvrMacro(y, p));
                        put(out, "accuracy", Metrics.accuracy(y, pred));
                        put(out, "balanced_accuracy", Metrics.balancedAccuracy(y, pred));
                        put(out, "f1_macro", Metrics.f1Macro(y, pred));
                    }
                    case "ordinal" -> {
                        int[] pred = t.ints("y_pred");
                        put(out, "qwk", Metrics.cohenKappa(y, pred, Metrics.KappaWeights.QUADRATIC));
                        put(out, "linear_kappa", Metrics.cohenKappa(y, pred, Metrics.KappaWeights.LINEAR));
                        put(out, "kappa", Metrics.cohenKappa(y, pred, Metrics.KappaWeights.NONE));
                        int[] labels = Metrics.unionLabels(y, pred);
                        out.put("labels", labels);
                        out.put("confusion", Metrics.confusion(y, pred, labels));
                    }
                    default -> throw new CliException("--task must be binary, multiclass or ordinal, got '" + task + "'", 2);
                }
                emit(out, json);
                return 0;
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), 2);
            }
        }

        private double[][] probabilityColumns(CsvTable t) {
            List<String> cols = new ArrayList<>();
            for (int k = 0; t.has("p" + k); k++) {
                cols.add("p" + k);
            }
            if (cols.size() < 2) {
                throw new IllegalArgumentException(csv + ": multiclass needs columns p0, p1, ... (found " + cols.size() + ")");
            }
            double[][] p = new double[t.size()][cols.size()];
            for (int r = 0; r < t.size(); r++) {
                for (int k = 0; k < cols.size(); k++) {
                    p[r][k] = t.doubleAt(r, cols.get(k));
                }
            }
            return p;
        }
    }

    @Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Linear probe on fixed folds: features = columns f<digits>; per fold (ids ascending) standardise",
            "on the training rows, fit L2 logistic regression, predict the test rows.",
            "Prints fold_auroc (list), oof_auroc, oof_prob (row order; binary: P(class 1), else one list per row)."})
    static final class ProbeCommand implements Callable<Integer> {

        private static final Pattern FEATURE = Pattern.compile("f\\d+");

        @Option(names = "--csv", required = true, paramLabel = "FILE")
        Path csv;

        @Option(names = "--label", defaultValue = "y_true")
        String label;

        @Option(names = "--fold-column", defaultValue = "fold")
        String foldColumn;

        @Option(names = "--solver", defaultValue = "lbfgs", description = "lbfgs (intercept not penalised) or liblinear (intercept penalised).")
        String solver;

        @Option(names = "--C", defaultValue = "1.0")
        double c;

        @Option(names = "--max-iter", defaultValue = "10000", description = "Solver iterations (default ${DEFAULT-VALUE}).")
        int maxIter;

        @Option(names = "--tol", defaultValue = "1e-10", description = "Stopping tolerance (sklearn's tol; default ${DEFAULT-VALUE}: converged).")
        double tol;

        @Option(names = "--json", paramLabel = "OUT")
        Path json;

        @Override
        public Integer call() throws IOException {
            try {
                LinearProbe.Solver s = switch (solver) {
                    case "lbfgs" -> LinearProbe.Solver.LBFGS;
                    case "liblinear" -> LinearProbe.Solver.LIBLINEAR;
                    default -> throw new IllegalArgumentException("--solver must be lbfgs or liblinear, got '" + solver + "'");
                };
                if (!(c > 0)) {
                    throw new IllegalArgumentException("--C must be positive, got " + c);
                }
                CsvTable t = CsvTable.read(csv);
                List<String> features = t.header().stream().filter(h -> FEATURE.matcher(h).matches())
                    .sorted((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))))
                    .toList();
                if (features.isEmpty()) {
                    throw new IllegalArgumentException(csv + ": no feature columns f0, f1, ...");
                }
                double[][] x = new double[t.size()][features.size()];
                for (int r = 0; r < t.size(); r++) {
                    for (int j = 0; j < features.size(); j++) {
                        x[r][j] = t.doubleAt(r, features.get(j));
                    }
                }
                int[] y = t.ints(label);
                List<Fold> folds = Splitters.fromAssignment(t.ints(foldColumn), 0, null);
                long start = System.nanoTime();
                LinearProbe.Result res = LinearProbe.run(x, y, folds, new LinearProbe.Settings(s, c, maxIter, tol, 0));
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("solver", solver);
                out.put("C", c);
                out.put("n", t.size());
                out.put("features", features.size());
                out.put("classes", res.classes());
                out.put("folds", folds.stream().map(Fold::name).toList());
                out.put("fold_auroc", res.foldAuroc().stream().map(Score::orNull).toList());
                List<String> reasons = res.foldAuroc().stream().map(Score::undefinedReason).toList();
                if (reasons.stream().anyMatch(r -> r != null)) {
                    out.put("fold_auroc_undefined", reasons);
                }
                put(out, "oof_auroc", res.oofAuroc());
                boolean binary = res.classes().length == 2;
                out.put("oof_prob", Arrays.stream(res.oofProb()).map(p -> binary ? (Object) p[1] : p).toList());
                out.put("seconds", (System.nanoTime() - start) / 1e9);
                emit(out, json);
                return 0;
            } catch (IllegalArgumentException e) {
                throw new CliException(e.getMessage(), 2);
            }
        }
    }
}
