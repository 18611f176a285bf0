package org.slidebatch.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Classification metrics with scikit-learn 1.2's definitions (checked against it by {@code scripts/parity-eval}).
 * Labels are integers; where scikit-learn uses "the sorted union of the labels in y_true and y_pred" so do we,
 * because κ's weights and macro averages depend on that label list. Undefined values are NaN with a reason.
 */
public final class Metrics {

    private Metrics() {
    }

    /** Sorted distinct labels of y_true ∪ y_pred (sklearn's {@code unique_labels}). */
    public static int[] unionLabels(int[] yTrue, int[] yPred) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int v : yTrue) {
            s.add(v);
        }
        for (int v : yPred) {
            s.add(v);
        }
        return s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Counts over {@code labels}, rows = true label, columns = predicted; pairs outside the labels are ignored. */
    public static long[][] confusion(int[] yTrue, int[] yPred, int[] labels) {
        checkSameLength(yTrue.length, yPred.length);
        Map<Integer, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i++) {
            index.put(labels[i], i);
        }
        long[][] c = new long[labels.length][labels.length];
        for (int i = 0; i < yTrue.length; i++) {
            Integer t = index.get(yTrue[i]);
            Integer p = index.get(yPred[i]);
            if (t != null && p != null) {
                c[t][p]++;
            }
        }
        return c;
    }

    public static Score accuracy(int[] yTrue, int[] yPred) {
        checkSameLength(yTrue.length, yPred.length);
        if (yTrue.length == 0) {
            return Score.undefined("no samples");
        }
        long ok = 0;
        for (int i = 0; i < yTrue.length; i++) {
            if (yTrue[i] == yPred[i]) {
                ok++;
            }
        }
        return Score.of((double) ok / yTrue.length);
    }

    /** Mean recall over the classes present in y_true (classes only predicted are left out, as sklearn does). */
    public static Score balancedAccuracy(int[] yTrue, int[] yPred) {
        if (yTrue.length == 0) {
            return Score.undefined("no samples");
        }
        int[] labels = unionLabels(yTrue, yPred);
        long[][] c = confusion(yTrue, yPred, labels);
        double sum = 0;
        int n = 0;
        for (int k = 0; k < labels.length; k++) {
            long support = Arrays.stream(c[k]).sum();
            if (support > 0) {
                sum += (double) c[k][k] / support;
                n++;
            }
        }
        return Score.of(sum / n);
    }

    /** Per-class precision, recall, F1 and support over {@code labels}; 0 where a ratio has a zero denominator. */
    public record ClassStats(int label, double precision, double recall, double f1, long support) {
    }

    public static List<ClassStats> perClass(int[] yTrue, int[] yPred, int[] labels) {
        long[][] c = confusion(yTrue, yPred, labels);
        List<ClassStats> out = new ArrayList<>();
        for (int k = 0; k < labels.length; k++) {
            long tp = c[k][k];
            long predicted = 0;
            long actual = 0;
            for (int j = 0; j < labels.length; j++) {
                predicted += c[j][k];
                actual += c[k][j];
            }
            double p = predicted == 0 ? 0.0 : (double) tp / predicted;
            double r = actual == 0 ? 0.0 : (double) tp / actual;
            double denom = p + r;
            double f1 = denom == 0 ? 0.0 : 2.0 * p * r / denom;
            out.add(new ClassStats(labels[k], p, r, f1, actual));
        }
        return out;
    }

    public static Score f1Macro(int[] yTrue, int[] yPred) {
        if (yTrue.length == 0) {
            return Score.undefined("no samples");
        }
        List<ClassStats> stats = perClass(yTrue, yPred, unionLabels(yTrue, yPred));
        return Score.of(stats.stream().mapToDouble(ClassStats::f1).sum() / stats.size());
    }

    /**
     * Binary AUROC (positive = label 1): the trapezoidal area under the ROC curve over distinct thresholds,
     * i.e. the Mann–Whitney statistic with ties counted one half.
     */
    public static Score auroc(int[] yTrue, double[] score) {
        checkSameLength(yTrue.length, score.length);
        long pos = 0;
        for (int v : yTrue) {
            pos += v == 1 ? 1 : 0;
        }
        long neg = yTrue.length - pos;
        if (pos == 0 || neg == 0) {
            return Score.undefined("only one class present in y_true");
        }
        Integer[] order = descending(score);
        // Walk distinct thresholds (as roc_curve does) and sum trapezoids in counts, normalise once.
        double area = 0;
        long tp = 0;
        long fp = 0;
        int i = 0;
        while (i < order.length) {
            long tp0 = tp;
            long fp0 = fp;
            double s = score[order[i]];
            while (i < order.length && score[order[i]] == s) {
                if (yTrue[order[i]] == 1) {
                    tp++;
                } else {
                    fp++;
                }
                i++;
            }
            area += (fp - fp0) * (tp + tp0) / 2.0;
        }
        return Score.of(area / ((double) pos * neg));
    }

    /** Average precision: Σ (R_n − R_{n−1}) P_n over distinct thresholds, descending (no interpolation). */
    public static Score averagePrecision(int[] yTrue, double[] score) {
        checkSameLength(yTrue.length, score.length);
        long pos = 0;
        for (int v : yTrue) {
            pos += v == 1 ? 1 : 0;
        }
        if (pos == 0) {
            return Score.undefined("no positive sample in y_true");
        }
        Integer[] order = descending(score);
        double ap = 0;
        long tp = 0;
        long seen = 0;
        int i = 0;
        while (i < order.length) {
            long tp0 = tp;
            double s = score[order[i]];
            while (i < order.length && score[order[i]] == s) {
                tp += yTrue[order[i]] == 1 ? 1 : 0;
                seen++;
                i++;
            }
            ap += ((double) (tp - tp0) / pos) * ((double) tp / seen);
        }
        return Score.of(ap);
    }

    /**
     * One-vs-rest macro AUROC of class probabilities {@code prob[i][k]} for classes 0..K−1. Like sklearn it needs
     * every one of the K classes in y_true; otherwise undefined.
     */
    public static Score aurocOvrMacro(int[] yTrue, double[][] prob) {
        checkSameLength(yTrue.length, prob.length);
        if (yTrue.length == 0) {
            return Score.undefined("no samples");
        }
        int k = prob[0].length;
        boolean[] present = new boolean[k];
        for (int v : yTrue) {
            if (v < 0 || v >= k) {
                return Score.undefined("y_true has label " + v + " outside 0.." + (k - 1));
            }
            present[v] = true;
        }
        for (int c = 0; c < k; c++) {
            if (!present[c]) {
                return Score.undefined("class " + c + " is absent from y_true (" + k + " probability columns)");
            }
        }
        for (double[] row : prob) {
            double sum = Arrays.stream(row).sum();
            if (!(Math.abs(sum - 1) <= 1e-8 + 1e-5)) { // numpy.allclose(1, sum), as sklearn checks
                return Score.undefined("probability rows must sum to 1 (a row sums to " + sum + ")");
            }
        }
        if (k == 2) {
            return auroc(yTrue, column(prob, 1));
        }
        double sum = 0;
        for (int c = 0; c < k; c++) {
            int[] bin = new int[yTrue.length];
            for (int i = 0; i < yTrue.length; i++) {
                bin[i] = yTrue[i] == c ? 1 : 0;
            }
            sum += auroc(bin, column(prob, c)).value();
        }
        return Score.of(sum / k);
    }

    public enum KappaWeights { NONE, LINEAR, QUADRATIC }

    /**
     * Cohen's κ over the sorted union of labels; weights use the distance between label <em>positions</em> in
     * that list (sklearn's definition), so a label absent from both raters does not count.
     */
    public static Score cohenKappa(int[] y1, int[] y2, KappaWeights weights) {
        if (y1.length == 0) {
            return Score.undefined("no samples");
        }
        int[] labels = unionLabels(y1, y2);
        long[][] c = confusion(y1, y2, labels);
        int n = labels.length;
        double[] sum0 = new double[n];
        double[] sum1 = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sum0[j] += c[i][j];
                sum1[i] += c[i][j];
                total += c[i][j];
            }
        }
        double observed = 0;
        double expected = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double w = switch (weights) {
                    case NONE -> i == j ? 0 : 1;
                    case LINEAR -> Math.abs(i - j);
                    case QUADRATIC -> (double) (i - j) * (i - j);
                };
                observed += w * c[i][j];
                expected += w * (sum0[i] * sum1[j] / total);
            }
        }
        if (expected == 0) {
            return Score.undefined("κ undefined: chance disagreement is zero (both raters use a single class)");
        }
        return Score.of(1 - observed / expected);
    }

    /** Index of the largest value per row (first on ties, like numpy's argmax). */
    public static int[] argmax(double[][] prob) {
        int[] out = new int[prob.length];
        for (int i = 0; i < prob.length; i++) {
            int best = 0;
            for (int k = 1; k < prob[i].length; k++) {
                if (prob[i][k] > prob[i][best]) {
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    static double[] column(double[][] m, int c) {
        double[] out = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = m[i][c];
        }
        return out;
    }

    private static Integer[] descending(double[] score) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            if (Double.isNaN(score[i])) {
                throw new IllegalArgumentException("score " + i + " is NaN");
            }
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        return order;
    }

    private static void checkSameLength(int a, int b) {
        if (a != b) {
            throw new IllegalArgumentException("length mismatch: " + a + " labels vs " + b + " predictions");
        }
    }
}
