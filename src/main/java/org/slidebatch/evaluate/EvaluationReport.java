package org.slidebatch.evaluate;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.slidebatch.store.EvalStore.ExclusionRow;
import org.slidebatch.store.EvalStore.FoldResultRow;
import org.slidebatch.store.EvalStore.MetricRow;
import org.slidebatch.store.EvalStore.PredictionRow;
import org.slidebatch.workspace.Csv;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The files of {@code evaluation/<protocol>/} (OpenSlideFM's names and columns, plus {@code step_execution_id})
 * and the summary metric rows, computed only from the stored fold results and predictions so a restarted run
 * reports exactly what an uninterrupted one does.
 */
public final class EvaluationReport {

    public record Output(Map<String, String> files, List<MetricRow> metrics) {
    }

    static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private EvaluationReport() {
    }

    /**
     * The protocol's files plus {@code excluded.csv} (the label rows left out, with their reason and the step
     * execution that recorded them); the protocol's JSON summary also lists them under {@code excluded}.
     */
    public static Output build(EvaluationData d, EvaluateParameters p, List<FoldResultRow> results,
                               List<PredictionRow> predictions, List<ExclusionRow> excluded, long stepExecutionId) {
        Output out = switch (p.protocol()) {
            case "probe" -> probe(d, p, results, predictions, excluded, stepExecutionId);
            case "binary-cv" -> binaryCv(d, p, results, predictions, excluded, stepExecutionId);
            default -> loco(d, p, results, predictions, excluded, stepExecutionId);
        };
        StringBuilder csv = new StringBuilder(Csv.line("line", "label_key", "reason", "step_execution_id"));
        for (ExclusionRow x : excluded) {
            csv.append(Csv.line(x.line(), x.key(), x.reason(), x.stepExecutionId()));
        }
        Map<String, String> files = new LinkedHashMap<>(out.files());
        files.put("excluded.csv", csv.toString());
        return new Output(files, out.metrics());
    }

    /** The left-out label rows as the JSON summaries list them. */
    static List<Map<String, Object>> excludedJson(List<ExclusionRow> excluded) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ExclusionRow x : excluded) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("line", x.line());
            m.put("label_key", x.key());
            m.put("reason", x.reason());
            m.put("step_execution_id", x.stepExecutionId());
            out.add(m);
        }
        return out;
    }

    // ---------------------------------------------------------------- probe (NB07)

    static Output probe(EvaluationData d, EvaluateParameters p, List<FoldResultRow> results, List<PredictionRow> preds,
                        List<ExclusionRow> excluded, long sid) {
        Map<String, String> files = new LinkedHashMap<>();
        List<MetricRow> rows = new ArrayList<>();
        List<String> names = List.of("accuracy", "balanced_accuracy", "macro_f1", "macro_auc");
        StringBuilder folds = new StringBuilder(Csv.line("seed", "fold", "accuracy", "balanced_accuracy", "macro_f1",
            "macro_auc", "macro_auc_undefined_reason", "n_test", "step_execution_id"));
        Map<String, List<Double>> perMetric = new LinkedHashMap<>();
        names.forEach(n -> perMetric.put(n, new ArrayList<>()));
        for (FoldResultRow r : ordered(results, p)) {
            Map<String, Object> m = metrics(r);
            folds.append(Csv.line(r.splitSeed(), r.foldName(), num(m.get("accuracy")), num(m.get("balanced_accuracy")),
                num(m.get("macro_f1")), num(m.get("macro_auc")), m.get("macro_auc_undefined"), r.nTest(), r.stepExecutionId()));
            for (String n : names) {
                if (m.get(n) instanceof Number v) {
                    perMetric.get(n).add(v.doubleValue());
                }
            }
        }
        files.put("fold_results.csv", folds.toString());
        // Pooled out-of-fold: per unit, the mean over seeds of its probabilities (NB07 kept only the last seed).
        int k = d.classes().size();
        Map<String, Integer> unitIndex = unitIndex(d);
        double[][] mean = new double[d.units().size()][k];
        int[] seen = new int[d.units().size()];
        StringBuilder oof = new StringBuilder();
        List<Object> header = new ArrayList<>(List.of("seed", "patient_id", "y", "y_pred", "y_true_class", "y_pred_class"));
        for (int c = 0; c < k; c++) {
            header.add("p" + c);
        }
        header.add("step_execution_id");
        oof.append(Csv.line(header.toArray()));
        Map<String, Long> seedOfTask = new HashMap<>();
        results.forEach(r -> seedOfTask.put(r.taskKey(), r.splitSeed()));
        for (PredictionRow pr : orderedPredictions(preds, results, p)) {
            int u = unitIndex.get(pr.unitId());
            double[] prob = parseProbabilities(pr.probabilities());
            for (int c = 0; c < k; c++) {
                mean[u][c] += prob[c];
            }
            seen[u]++;
            List<Object> line = new ArrayList<>(List.of(seedOfTask.get(pr.taskKey()), pr.unitId(), pr.yTrue(), pr.yPred(),
                d.classes().get(pr.yTrue()), d.classes().get(pr.yPred())));
            for (double v : prob) {
                line.add(Double.toString(v));
            }
            line.add(pr.stepExecutionId());
            oof.append(Csv.line(line.toArray()));
        }
        files.put("oof.csv", oof.toString());
        for (int u = 0; u < mean.length; u++) {
            for (int c = 0; c < k; c++) {
                mean[u][c] /= Math.max(seen[u], 1);
            }
        }
        int[] pred = Metrics.argmax(mean);
        int[] y = d.y();
        Bootstrap.Interval accCi = Bootstrap.clusters(d.patients(), p.boots(), p.bootstrapSeed(),
            idx -> Metrics.accuracy(Bootstrap.take(y, idx), Bootstrap.take(pred, idx)).value());
        // AUROC: mean over (seed, fold) of the within-fold one-vs-rest macro AUROC, its CI by resampling patients.
        // Pooling probabilities across folds is biased below 0.5 without signal (each fold's class prior shifts
        // all its scores the other way), so the pooled value is reported without an interval.
        List<FoldScores> foldScores = foldScores(d, preds, unitIndex);
        Score foldMeanAuc = foldMeanAuroc(foldScores, null, k);
        Bootstrap.Interval aucCi = Bootstrap.clusters(d.patients(), p.boots(), p.bootstrapSeed(), idx -> {
            int[] mult = new int[d.units().size()];
            for (int i : idx) {
                mult[i]++;
            }
            return foldMeanAuroc(foldScores, mult, k).value();
        });
        Score pooledAuc = Metrics.aurocOvrMacro(y, mean);
        Score pooledAcc = Metrics.accuracy(y, pred);
        Map<String, Object> tm = new LinkedHashMap<>();
        tm.put("timestamp", LocalDateTime.now().toString());
        tm.put("method", "LogisticRegression_C" + p.c() + "_L2");
        tm.put("cv", (d.groups()[0] != null ? "StratifiedGroupKFold_" : "StratifiedKFold_") + (d.groups()[0] != null ? "group" : "none"));
        tm.put("seeds", p.seeds());
        tm.put("n_evaluations", results.size());
        tm.put("n_patients", d.units().size());
        tm.put("classes", d.classes());
        for (String n : names) {
            List<Double> v = perMetric.get(n);
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("mean", v.isEmpty() ? null : mean(v));
            s.put("std", v.size() < 2 ? null : std(v));
            s.put("n_defined", v.size());
            String key = n.equals("macro_auc") ? "macro_auc_ovr" : n;
            if (n.equals("accuracy")) {
                s.put("ci95", ci(accCi));
                s.put("pooled", pooledAcc.orNull());
            }
            if (n.equals("macro_auc")) {
                s.put("ci95", ci(aucCi));
                s.put("ci95_of", "mean of within-fold AUROC, patients resampled");
                s.put("pooled", pooledAuc.orNull());
            }
            tm.put(key, v.isEmpty() && !n.equals("macro_auc") ? null : s);
            rows.add(new MetricRow("folds", n + "_mean", v.isEmpty() ? null : mean(v), v.isEmpty() ? "undefined in every fold" : null,
                null, null, null, null, null, sid));
        }
        tm.put("bootstrap", ordered("unit", "patient", "replicates", p.boots(), "seed", p.bootstrapSeed(),
            "on", "out-of-fold probabilities averaged over seeds"));
        tm.put("n_excluded", excluded.size());
        tm.put("excluded", excludedJson(excluded));
        tm.put("step_execution_id", sid);
        files.put("test_metrics.json", JSON.writeValueAsString(tm) + "\n");
        rows.add(metricRow("pooled", "accuracy", pooledAcc, accCi, "patient", sid));
        rows.add(metricRow("folds", "macro_auc_ovr", foldMeanAuc, aucCi, "patient", sid));
        rows.add(metricRow("pooled", "macro_auc_ovr", pooledAuc, null, null, sid));
        rows.add(metricRow("pooled", "balanced_accuracy", Metrics.balancedAccuracy(y, pred), null, null, sid));
        rows.add(metricRow("pooled", "macro_f1", Metrics.f1Macro(y, pred), null, null, sid));
        files.put("per_class_metrics.csv", perClass(d.classes(), y, pred, sid));
        files.put("confusion_matrix.csv", confusion(d.classes(), y, pred, k, sid));
        return new Output(files, rows);
    }

    /** One (seed, fold)'s test units and their probabilities. */
    private record FoldScores(int[] units, int[] y, double[][] prob) {
    }

    private static List<FoldScores> foldScores(EvaluationData d, List<PredictionRow> preds, Map<String, Integer> unitIndex) {
        Map<String, List<PredictionRow>> byTask = new java.util.TreeMap<>();
        for (PredictionRow pr : preds) {
            byTask.computeIfAbsent(pr.taskKey(), t -> new ArrayList<>()).add(pr);
        }
        List<FoldScores> out = new ArrayList<>();
        for (List<PredictionRow> rows : byTask.values()) {
            int[] units = rows.stream().mapToInt(r -> unitIndex.get(r.unitId())).toArray();
            out.add(new FoldScores(units, Bootstrap.take(d.y(), units),
                rows.stream().map(r -> parseProbabilities(r.probabilities())).toArray(double[][]::new)));
        }
        return out;
    }

    /** Mean over folds of the OvR macro AUROC (folds where it is undefined left out); {@code mult} reweights units. */
    private static Score foldMeanAuroc(List<FoldScores> folds, int[] mult, int k) {
        double sum = 0;
        int n = 0;
        for (FoldScores f : folds) {
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < f.units().length; i++) {
                int times = mult == null ? 1 : mult[f.units()[i]];
                for (int t = 0; t < times; t++) {
                    rows.add(i);
                }
            }
            int[] idx = Splitters.toArray(rows);
            Score s = LinearProbe.auroc(Bootstrap.take(f.y(), idx), take(f.prob(), idx), k);
            if (s.defined()) {
                sum += s.value();
                n++;
            }
        }
        return n == 0 ? Score.undefined("AUROC undefined in every fold (a class missing from each test fold)") : Score.of(sum / n);
    }

    // ---------------------------------------------------------------- binary-cv (NB09A)

    static Output binaryCv(EvaluationData d, EvaluateParameters p, List<FoldResultRow> results, List<PredictionRow> preds,
                           List<ExclusionRow> excluded, long sid) {
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, Integer> unitIndex = unitIndex(d);
        Map<String, FoldResultRow> byTask = new HashMap<>();
        results.forEach(r -> byTask.put(r.taskKey(), r));
        double[] score = new double[d.units().size()];
        int[] seen = new int[d.units().size()];
        StringBuilder oof = new StringBuilder(Csv.line("slide_id", "y_true", "y_pred", "p_tumor", "seed", "fold", "step_execution_id"));
        for (PredictionRow pr : orderedPredictions(preds, results, p)) {
            double[] prob = parseProbabilities(pr.probabilities());
            FoldResultRow r = byTask.get(pr.taskKey());
            oof.append(Csv.line(pr.unitId(), d.classes().get(pr.yTrue()), d.classes().get(pr.yPred()), Double.toString(prob[1]),
                r.splitSeed(), r.foldName(), pr.stepExecutionId()));
            int u = unitIndex.get(pr.unitId());
            score[u] += prob[1];
            seen[u]++;
        }
        files.put("oof.csv", oof.toString());
        for (int u = 0; u < score.length; u++) {
            score[u] /= Math.max(1, seen[u]);
        }
        int[] y = d.y();
        int[] pred = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            pred[i] = score[i] > 0.5 ? 1 : 0;
        }
        Score auroc = Metrics.auroc(y, score);
        Bootstrap.Interval slideCi = Bootstrap.rows(y.length, p.boots(), p.bootstrapSeed(),
            idx -> Metrics.auroc(Bootstrap.take(y, idx), Bootstrap.take(score, idx)).value());
        Bootstrap.Interval patientCi = Bootstrap.clusters(d.patients(), p.boots(), p.bootstrapSeed(),
            idx -> Metrics.auroc(Bootstrap.take(y, idx), Bootstrap.take(score, idx)).value());
        Score acc = Metrics.accuracy(y, pred);
        Score f1 = Score.of(Metrics.perClass(y, pred, new int[] {0, 1}).get(1).f1());
        Score ap = Metrics.averagePrecision(y, score);
        long pos = Arrays.stream(y).filter(v -> v == 1).count();
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("auroc", auroc.orNull());
        res.put("auroc_ci95", ci(slideCi));
        res.put("auroc_ci95_patient", ci(patientCi));
        res.put("accuracy", acc.orNull());
        res.put("f1", f1.orNull());
        res.put("avg_precision", ap.orNull());
        res.put("n_slides", y.length);
        res.put("n_tumor", pos);
        res.put("n_normal", y.length - pos);
        res.put("positive_class", d.classes().get(1));
        res.put("seeds", p.seeds());
        res.put("bootstrap", ordered("replicates", p.boots(), "seed", p.bootstrapSeed()));
        res.put("n_excluded", excluded.size());
        res.put("excluded", excludedJson(excluded));
        res.put("step_execution_id", sid);
        files.put("results.json", JSON.writeValueAsString(res) + "\n");
        List<MetricRow> rows = new ArrayList<>();
        rows.add(metricRow("pooled", "auroc", auroc, slideCi, "slide", sid));
        rows.add(metricRow("pooled", "auroc_patient_ci", auroc, patientCi, "patient", sid));
        rows.add(metricRow("pooled", "accuracy", acc, null, null, sid));
        rows.add(metricRow("pooled", "f1", f1, null, null, sid));
        rows.add(metricRow("pooled", "average_precision", ap, null, null, sid));
        return new Output(files, rows);
    }

    // ---------------------------------------------------------------- loco (NB09)

    /** One configuration of the loco grid: per-center κ and its mean (NaN folds left out; NaN mean sorts last). */
    record Ablation(String model, double c, double mean, int folds, String detail, int order) {
    }

    /** The grid of one seed, best first (κ mean descending, NaN last, then grid order). */
    static List<Ablation> rankGrid(EvaluateParameters p, List<FoldResultRow> ofSeed, List<String> foldOrder, long seed) {
        List<Ablation> grid = new ArrayList<>();
        int order = 0;
        for (String model : p.models()) {
            for (double c : p.cs()) {
                List<String> detail = new ArrayList<>();
                List<Double> ks = new ArrayList<>();
                for (String f : foldOrder) {
                    FoldResultRow r = find(ofSeed, FoldTask.of(seed, f, model, c, false).key());
                    Object k = metrics(r).get("kappa_qw");
                    detail.add(String.format(Locale.ROOT, "%s:n=%d|k=%s", f, r.nTest(), k == null ? "nan" : String.format(Locale.ROOT, "%.3f", ((Number) k).doubleValue())));
                    if (k instanceof Number v) {
                        ks.add(v.doubleValue());
                    }
                }
                grid.add(new Ablation(model, c, ks.isEmpty() ? Double.NaN : mean(ks), foldOrder.size(), String.join("; ", detail), order++));
            }
        }
        List<Ablation> sorted = new ArrayList<>(grid);
        sorted.sort((a, b) -> {
            if (Double.isNaN(a.mean) != Double.isNaN(b.mean)) {
                return Double.isNaN(a.mean) ? 1 : -1;
            }
            int cmp = Double.compare(b.mean, a.mean);
            return cmp != 0 ? cmp : Integer.compare(a.order, b.order);
        });
        return sorted;
    }

    /**
     * Pooled QWK and mean per-center QWK of one seed's selected predictions (nested selection, or with
     * {@code select_on_test} that seed's best grid configuration).
     */
    static double[] seedKappas(EvaluationData d, EvaluateParameters p, List<FoldResultRow> results, List<PredictionRow> preds,
                               long seed) {
        List<FoldResultRow> ofSeed = results.stream().filter(r -> r.splitSeed() == seed).toList();
        List<String> foldOrder = ofSeed.stream().map(FoldResultRow::foldName).distinct().sorted(EvaluationReport::foldCompare).toList();
        Ablation top = p.selectOnTest() ? rankGrid(p, ofSeed, foldOrder, seed).get(0) : null;
        List<Integer> yt = new ArrayList<>();
        List<Integer> yp = new ArrayList<>();
        List<Double> centers = new ArrayList<>();
        for (String f : foldOrder) {
            String key = top != null ? FoldTask.of(seed, f, top.model, top.c, false).key() : FoldTask.of(seed, f, null, 0, true).key();
            List<PredictionRow> fp = preds.stream().filter(x -> x.taskKey().equals(key)).toList();
            Score k = Metrics.cohenKappa(fp.stream().mapToInt(PredictionRow::yTrue).toArray(),
                fp.stream().mapToInt(PredictionRow::yPred).toArray(), Metrics.KappaWeights.QUADRATIC);
            if (k.defined()) {
                centers.add(k.value());
            }
            fp.forEach(r -> {
                yt.add(r.yTrue());
                yp.add(r.yPred());
            });
        }
        Score overall = Metrics.cohenKappa(yt.stream().mapToInt(Integer::intValue).toArray(),
            yp.stream().mapToInt(Integer::intValue).toArray(), Metrics.KappaWeights.QUADRATIC);
        return new double[] {overall.defined() ? overall.value() : Double.NaN, centers.isEmpty() ? Double.NaN : mean(centers)};
    }

    static Output loco(EvaluationData d, EvaluateParameters p, List<FoldResultRow> results, List<PredictionRow> preds,
                       List<ExclusionRow> excluded, long sid) {
        Map<String, String> files = new LinkedHashMap<>();
        List<MetricRow> rows = new ArrayList<>();
        long seed = p.seeds().get(0);
        List<FoldResultRow> ofSeed = results.stream().filter(r -> r.splitSeed() == seed).toList();
        List<String> foldOrder = ofSeed.stream().map(FoldResultRow::foldName).distinct().sorted(EvaluationReport::foldCompare).toList();
        List<Ablation> sorted = rankGrid(p, ofSeed, foldOrder, seed);
        StringBuilder abl = new StringBuilder(Csv.line("model", "C", "kappa_qw_mean", "folds", "detail", "step_execution_id"));
        for (Ablation a : sorted) {
            abl.append(Csv.line(a.model, a.c, Double.isNaN(a.mean) ? "" : Double.toString(a.mean), a.folds, a.detail, sid));
        }
        files.put("ablations_summary.csv", abl.toString());
        // Best predictions: nested selection per fold, or (select_on_test) the grid's best config on the test folds.
        List<String> taskKeys = new ArrayList<>();
        Map<String, String> selectedPerFold = new LinkedHashMap<>();
        for (String f : foldOrder) {
            String key = p.selectOnTest() ? FoldTask.of(seed, f, sorted.get(0).model, sorted.get(0).c, false).key()
                : FoldTask.of(seed, f, null, 0, true).key();
            taskKeys.add(key);
            selectedPerFold.put(f, p.selectOnTest() ? "model=" + sorted.get(0).model + "|C=" + sorted.get(0).c : find(ofSeed, key).selected());
        }
        List<String> ids = new ArrayList<>();
        List<Integer> yt = new ArrayList<>();
        List<Integer> yp = new ArrayList<>();
        StringBuilder best = new StringBuilder(Csv.line("patient", "y_true", "y_pred", "step_execution_id"));
        StringBuilder perCenter = new StringBuilder(Csv.line("center", "n_patients", "kappa_qw", "step_execution_id"));
        List<Double> centerKappas = new ArrayList<>();
        for (int i = 0; i < foldOrder.size(); i++) {
            String key = taskKeys.get(i);
            List<PredictionRow> fp = preds.stream().filter(x -> x.taskKey().equals(key)).sorted((a, b) -> Integer.compare(
                unitIndex(d).get(a.unitId()), unitIndex(d).get(b.unitId()))).toList();
            int[] fy = fp.stream().mapToInt(PredictionRow::yTrue).toArray();
            int[] fpred = fp.stream().mapToInt(PredictionRow::yPred).toArray();
            Score k = Metrics.cohenKappa(fy, fpred, Metrics.KappaWeights.QUADRATIC);
            perCenter.append(Csv.line(foldOrder.get(i), fp.size(), k.defined() ? Double.toString(k.value()) : "", find(ofSeed, key).stepExecutionId()));
            rows.add(metricRow(foldOrder.get(i), "kappa_qw", k, null, null, sid));
            if (k.defined()) {
                centerKappas.add(k.value());
            }
            for (PredictionRow r : fp) {
                ids.add(r.unitId());
                yt.add(r.yTrue());
                yp.add(r.yPred());
                best.append(Csv.line(r.unitId(), d.classes().get(r.yTrue()), d.classes().get(r.yPred()), r.stepExecutionId()));
            }
        }
        files.put("best_patient_predictions.csv", best.toString());
        files.put("per_center_kappa.csv", perCenter.toString());
        int[] y = yt.stream().mapToInt(Integer::intValue).toArray();
        int[] pr = yp.stream().mapToInt(Integer::intValue).toArray();
        int n = Math.max(Arrays.stream(y).max().orElse(0), Arrays.stream(pr).max().orElse(0)) + 1;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i;
        }
        long[][] counts = Metrics.confusion(y, pr, labels);
        files.put("transition_matrix_counts.csv", matrix(d.classes(), counts, false, sid));
        files.put("transition_matrix_normalized.csv", matrix(d.classes(), counts, true, sid));
        Score overall = Metrics.cohenKappa(y, pr, Metrics.KappaWeights.QUADRATIC);
        Bootstrap.Interval kci = Bootstrap.clusters(ids.toArray(String[]::new), p.boots(), p.bootstrapSeed(),
            idx -> Metrics.cohenKappa(Bootstrap.take(y, idx), Bootstrap.take(pr, idx), Metrics.KappaWeights.QUADRATIC).value());
        Map<String, Object> bc = new LinkedHashMap<>();
        bc.put("time", LocalDateTime.now().withNano(0).toString());
        bc.put("mode", foldOrder.get(0).startsWith("CEN") ? "LOCO" : "5-fold-CV");
        bc.put("selection", p.selectOnTest() ? "test-folds (select_on_test=true, optimistic)" : "inner-cv on training patients");
        bc.put("best_model", p.selectOnTest() ? sorted.get(0).model : mostFrequent(selectedPerFold, "model"));
        bc.put("best_C", p.selectOnTest() ? (Object) sorted.get(0).c : mostFrequent(selectedPerFold, "C"));
        bc.put("selected_per_fold", selectedPerFold);
        bc.put("kappa_qw_mean_cv", centerKappas.isEmpty() ? null : mean(centerKappas));
        bc.put("overall_kappa_qw", overall.orNull());
        bc.put("kappa_ci95", ci(kci));
        bc.put("bootstrap", ordered("unit", "patient", "replicates", p.boots(), "seed", p.bootstrapSeed()));
        // Every seed (NB09 has one, 17): the files above are the first seed's; each seed's pooled and mean
        // per-center κ, and their mean over seeds, are listed here and stored as metrics of scope seed:<seed>.
        List<Map<String, Object>> perSeed = new ArrayList<>();
        List<Double> overallBySeed = new ArrayList<>();
        for (long s : p.seeds()) {
            double[] k = seedKappas(d, p, results, preds, s);
            perSeed.add(ordered("seed", s, "overall_kappa_qw", Double.isNaN(k[0]) ? null : k[0],
                "kappa_qw_mean_cv", Double.isNaN(k[1]) ? null : k[1]));
            rows.add(metricRow("seed:" + s, "overall_kappa_qw", Double.isNaN(k[0]) ? Score.undefined("undefined for this seed")
                : Score.of(k[0]), null, null, sid));
            if (!Double.isNaN(k[0])) {
                overallBySeed.add(k[0]);
            }
        }
        bc.put("files_seed", seed);
        bc.put("per_seed", perSeed);
        bc.put("overall_kappa_qw_mean_over_seeds", overallBySeed.isEmpty() ? null : mean(overallBySeed));
        bc.put("n_excluded", excluded.size());
        bc.put("excluded", excludedJson(excluded));
        bc.put("step_execution_id", sid);
        files.put("best_config.json", JSON.writeValueAsString(bc) + "\n");
        rows.add(metricRow("pooled", "overall_kappa_qw", overall, kci, "patient", sid));
        rows.add(metricRow("pooled", "kappa_qw_mean_cv", centerKappas.isEmpty() ? Score.undefined("no defined per-center κ")
            : Score.of(mean(centerKappas)), null, null, sid));
        rows.add(metricRow("pooled", "linear_kappa", Metrics.cohenKappa(y, pr, Metrics.KappaWeights.LINEAR), null, null, sid));
        rows.add(metricRow("pooled", "kappa", Metrics.cohenKappa(y, pr, Metrics.KappaWeights.NONE), null, null, sid));
        return new Output(files, rows);
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, Object> ordered(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String mostFrequent(Map<String, String> selected, String field) {
        Map<String, Integer> count = new LinkedHashMap<>();
        for (String s : selected.values()) {
            for (String part : s.split("\\|")) {
                if (part.startsWith(field + "=")) {
                    count.merge(part.substring(field.length() + 1), 1, Integer::sum);
                }
            }
        }
        return count.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    static int foldCompare(String a, String b) {
        String da = a.replaceAll("\\D", "");
        String db = b.replaceAll("\\D", "");
        if (!da.isEmpty() && !db.isEmpty() && a.replaceAll("\\d", "").equals(b.replaceAll("\\d", ""))) {
            return Long.compare(Long.parseLong(da), Long.parseLong(db));
        }
        return a.compareTo(b);
    }

    private static List<FoldResultRow> ordered(List<FoldResultRow> results, EvaluateParameters p) {
        List<FoldResultRow> out = new ArrayList<>(results);
        out.sort((a, b) -> {
            int s = Integer.compare(p.seeds().indexOf(a.splitSeed()), p.seeds().indexOf(b.splitSeed()));
            return s != 0 ? s : foldCompare(a.foldName(), b.foldName());
        });
        return out;
    }

    private static List<PredictionRow> orderedPredictions(List<PredictionRow> preds, List<FoldResultRow> results,
                                                          EvaluateParameters p) {
        Map<String, Integer> rank = new HashMap<>();
        List<FoldResultRow> o = ordered(results, p);
        for (int i = 0; i < o.size(); i++) {
            rank.put(o.get(i).taskKey(), i);
        }
        List<PredictionRow> out = new ArrayList<>(preds);
        out.sort((a, b) -> {
            int c = Integer.compare(rank.get(a.taskKey()), rank.get(b.taskKey()));
            return c != 0 ? c : a.unitId().compareTo(b.unitId());
        });
        return out;
    }

    private static FoldResultRow find(List<FoldResultRow> rows, String key) {
        return rows.stream().filter(r -> r.taskKey().equals(key)).findFirst()
            .orElseThrow(() -> new IllegalStateException("no fold result " + key));
    }

    static Map<String, Object> metrics(FoldResultRow r) {
        return JSON.readValue(r.metrics(), new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private static Map<String, Integer> unitIndex(EvaluationData d) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < d.units().size(); i++) {
            m.put(d.units().get(i), i);
        }
        return m;
    }

    static double[] parseProbabilities(String s) {
        return Arrays.stream(s.split(";")).mapToDouble(Double::parseDouble).toArray();
    }

    private static double[][] take(double[][] m, int[] idx) {
        double[][] out = new double[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = m[idx[i]];
        }
        return out;
    }

    private static String num(Object v) {
        return v == null ? "" : v.toString();
    }

    private static List<Double> ci(Bootstrap.Interval i) {
        return Double.isNaN(i.low()) ? null : List.of(i.low(), i.high());
    }

    private static MetricRow metricRow(String scope, String name, Score s, Bootstrap.Interval ci, String unit, long sid) {
        return new MetricRow(scope, name, s.orNull(), s.undefinedReason(), ci == null || Double.isNaN(ci.low()) ? null : ci.low(),
            ci == null || Double.isNaN(ci.high()) ? null : ci.high(), ci == null ? null : unit,
            ci == null ? null : ci.replicates(), ci == null ? null : ci.seed(), sid);
    }

    static double mean(List<Double> v) {
        return v.stream().mapToDouble(Double::doubleValue).sum() / v.size();
    }

    /** Sample standard deviation (ddof 1), as pandas/NumPy with ddof=1. */
    static double std(List<Double> v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.size() - 1));
    }

    /** sklearn classification_report(output_dict=True) transposed, as pandas writes it. */
    private static String perClass(List<String> classes, int[] y, int[] pred, long sid) {
        int[] labels = Metrics.unionLabels(y, pred);
        List<Metrics.ClassStats> stats = Metrics.perClass(y, pred, labels);
        StringBuilder sb = new StringBuilder(Csv.line("", "precision", "recall", "f1-score", "support", "step_execution_id"));
        double mp = 0;
        double mr = 0;
        double mf = 0;
        double wp = 0;
        double wr = 0;
        double wf = 0;
        long total = 0;
        for (Metrics.ClassStats s : stats) {
            sb.append(Csv.line(classes.get(s.label()), s.precision(), s.recall(), s.f1(), (double) s.support(), sid));
            mp += s.precision();
            mr += s.recall();
            mf += s.f1();
            wp += s.precision() * s.support();
            wr += s.recall() * s.support();
            wf += s.f1() * s.support();
            total += s.support();
        }
        double acc = Metrics.accuracy(y, pred).value();
        int n = stats.size();
        sb.append(Csv.line("accuracy", acc, acc, acc, acc, sid));
        sb.append(Csv.line("macro avg", mp / n, mr / n, mf / n, (double) total, sid));
        sb.append(Csv.line("weighted avg", wp / total, wr / total, wf / total, (double) total, sid));
        return sb.toString();
    }

    private static String confusion(List<String> classes, int[] y, int[] pred, int k, long sid) {
        int[] labels = new int[k];
        for (int i = 0; i < k; i++) {
            labels[i] = i;
        }
        return matrix(classes, Metrics.confusion(y, pred, labels), false, sid);
    }

    private static String matrix(List<String> classes, long[][] c, boolean normalise, long sid) {
        List<Object> header = new ArrayList<>();
        header.add("");
        for (int j = 0; j < c.length; j++) {
            header.add(classes.get(j));
        }
        header.add("step_execution_id");
        StringBuilder sb = new StringBuilder(Csv.line(header.toArray()));
        for (int i = 0; i < c.length; i++) {
            List<Object> row = new ArrayList<>();
            row.add(classes.get(i));
            long sum = Arrays.stream(c[i]).sum();
            for (long v : c[i]) {
                row.add(normalise ? (Object) ((double) v / Math.max(sum, 1)) : (Object) v);
            }
            row.add(sid);
            sb.append(Csv.line(row.toArray()));
        }
        return sb.toString();
    }
}
