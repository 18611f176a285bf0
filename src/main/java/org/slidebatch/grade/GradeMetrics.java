package org.slidebatch.grade;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import org.slidebatch.evaluate.Bootstrap;
import org.slidebatch.evaluate.Metrics;
import org.slidebatch.evaluate.Score;

/**
 * NB12's OOF metrics (OSFM-spec §15b) plus the quadratic κ with a patient-level bootstrap CI that the paper quotes
 * and no notebook computes (§17.26): rows renormalised to sum 1 (a zero row divided by 1), macro one-vs-rest AUROC,
 * and for t = 1…5 the AUROC and AUPRC of {@code y ≥ t} scored by {@code Σ_{k≥t} p_k} with the positive rate, overall
 * and per provider. Undefined values (one class only) are null with no failure.
 */
public final class GradeMetrics {

    public static final int[] THRESHOLDS = {1, 2, 3, 4, 5};

    private GradeMetrics() {
    }

    /** {@code metrics_auc.json}'s content. */
    public static Map<String, Object> auc(int[] y, double[][] prob) {
        double[][] p = renormalise(prob);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("macro_auroc_ovr", Metrics.aurocOvrMacro(y, p).orNull());
        Map<String, Object> th = new LinkedHashMap<>();
        for (int t : THRESHOLDS) {
            int[] bin = new int[y.length];
            double[] score = new double[y.length];
            double pos = 0;
            for (int i = 0; i < y.length; i++) {
                bin[i] = y[i] >= t ? 1 : 0;
                pos += bin[i];
                for (int k = t; k < p[i].length; k++) {
                    score[i] += p[i][k];
                }
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("auroc", Metrics.auroc(bin, score).orNull());
            m.put("auprc", Metrics.averagePrecision(bin, score).orNull());
            m.put("pos_rate", y.length == 0 ? null : pos / y.length);
            th.put(">=" + t, m);
        }
        out.put("thresholds", th);
        return out;
    }

    /** {@code metrics_auc_by_provider.csv}'s rows (header first). */
    public static List<List<Object>> byProvider(int[] y, double[][] prob, String[] providers) {
        List<List<Object>> rows = new ArrayList<>();
        List<Object> header = new ArrayList<>(List.of("provider", "macro_auroc_ovr", "n"));
        for (int t : THRESHOLDS) {
            header.add("AUROC_>=" + t);
            header.add("AUPRC_>=" + t);
        }
        rows.add(header);
        for (String prov : new TreeSet<>(List.of(providers))) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < providers.length; i++) {
                if (providers[i].equals(prov)) {
                    idx.add(i);
                }
            }
            int[] py = idx.stream().mapToInt(i -> y[i]).toArray();
            double[][] pp = idx.stream().map(i -> prob[i]).toArray(double[][]::new);
            Map<String, Object> a = auc(py, pp);
            List<Object> row = new ArrayList<>(List.of(prov, cell(a.get("macro_auroc_ovr")), py.length));
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> th = (Map<String, Map<String, Object>>) a.get("thresholds");
            for (int t : THRESHOLDS) {
                row.add(cell(th.get(">=" + t).get("auroc")));
                row.add(cell(th.get(">=" + t).get("auprc")));
            }
            rows.add(row);
        }
        return rows;
    }

    private static Object cell(Object v) {
        return v == null ? "" : v;
    }

    /** Quadratic κ of argmax predictions with a 95 % percentile bootstrap over patients. */
    public static Map<String, Object> kappa(int[] y, double[][] prob, String[] patients, int replicates, long seed) {
        int[] pred = Metrics.argmax(prob);
        Score k = Metrics.cohenKappa(y, pred, Metrics.KappaWeights.QUADRATIC);
        Bootstrap.Interval ci = Bootstrap.clusters(patients, replicates, seed, idx -> Metrics.cohenKappa(Bootstrap.take(y, idx),
            Bootstrap.take(pred, idx), Metrics.KappaWeights.QUADRATIC).value());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("qwk", k.orNull());
        out.put("qwk_ci_low", Double.isNaN(ci.low()) ? null : ci.low());
        out.put("qwk_ci_high", Double.isNaN(ci.high()) ? null : ci.high());
        out.put("bootstrap_replicates", ci.replicates());
        out.put("bootstrap_unit", "patient");
        out.put("bootstrap_seed", seed);
        out.put("accuracy", Metrics.accuracy(y, pred).orNull());
        return out;
    }

    static double[][] renormalise(double[][] prob) {
        double[][] out = new double[prob.length][];
        for (int i = 0; i < prob.length; i++) {
            double s = 0;
            for (double v : prob[i]) {
                s += v;
            }
            double d = s == 0 ? 1 : s;
            out[i] = new double[prob[i].length];
            for (int k = 0; k < prob[i].length; k++) {
                out[i][k] = prob[i][k] / d;
            }
        }
        return out;
    }
}
