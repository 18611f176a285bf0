package org.slidebatch.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/** The small statistics the figures need: ROC/AUC, means and confidence intervals, correlation, PCA. */
public final class Stats {

    private Stats() {
    }

    /** ROC points with sklearn's {@code drop_intermediate=True}: only the corners (XChart draws dense curves wrongly). */
    public record Roc(double[] fpr, double[] tpr, double auc) {
    }

    /**
     * {@code sklearn.metrics.roc_curve(y, score, drop_intermediate=True)} and the trapezoidal AUC
     * ({@code roc_auc_score}). Ties in score form one threshold; the curve starts at (0, 0).
     */
    public static Roc roc(int[] y, double[] score) {
        int n = y.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> score[i]).reversed());
        int pos = 0;
        for (int v : y) {
            pos += v == 1 ? 1 : 0;
        }
        int neg = n - pos;
        if (pos == 0 || neg == 0) {
            throw new IllegalArgumentException("ROC needs both classes (positives " + pos + ", negatives " + neg + ")");
        }
        List<double[]> pts = new ArrayList<>();
        pts.add(new double[] {0, 0});
        int tp = 0;
        int fp = 0;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            if (y[i] == 1) {
                tp++;
            } else {
                fp++;
            }
            if (k == n - 1 || score[order[k + 1]] != score[i]) {
                pts.add(new double[] {(double) fp / neg, (double) tp / pos});
            }
        }
        double auc = 0;
        for (int k = 1; k < pts.size(); k++) {
            auc += (pts.get(k)[0] - pts.get(k - 1)[0]) * (pts.get(k)[1] + pts.get(k - 1)[1]) / 2;
        }
        // drop_intermediate: keep a point only where the curve changes direction (collinear points go).
        List<double[]> kept = new ArrayList<>();
        for (int k = 0; k < pts.size(); k++) {
            if (k == 0 || k == pts.size() - 1) {
                kept.add(pts.get(k));
                continue;
            }
            double[] a = pts.get(k - 1);
            double[] b = pts.get(k);
            double[] c = pts.get(k + 1);
            boolean collinear = (b[0] - a[0]) * (c[1] - b[1]) == (b[1] - a[1]) * (c[0] - b[0]);
            if (!collinear) {
                kept.add(b);
            }
        }
        double[] fpr = kept.stream().mapToDouble(p -> p[0]).toArray();
        double[] tpr = kept.stream().mapToDouble(p -> p[1]).toArray();
        return new Roc(fpr, tpr, auc);
    }

    public static double mean(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }

    /** Sample standard deviation (ddof 1) over the non-NaN values, as pandas' {@code std()}. */
    public static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += (x - m) * (x - m);
                n++;
            }
        }
        return n < 2 ? Double.NaN : Math.sqrt(s / (n - 1));
    }

    public static int count(double[] v) {
        int n = 0;
        for (double x : v) {
            n += Double.isNaN(x) ? 0 : 1;
        }
        return n;
    }

    /** Half-width of the two-sided 95 % Student-t interval of the mean: t(0.975, n−1)·s/√n. */
    public static double ci95HalfWidth(double[] v) {
        int n = count(v);
        return n < 2 ? Double.NaN : tQuantile975(n - 1) * std(v) / Math.sqrt(n);
    }

    /** Student-t 0.975 quantile (scipy.stats.t.ppf(0.975, df)), tabulated to df 30, then the normal-ish tail. */
    static double tQuantile975(int df) {
        double[] t = {Double.NaN, 12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010,
            2.1788, 2.1604, 2.1448, 2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595,
            2.0555, 2.0518, 2.0484, 2.0452, 2.0423};
        if (df < t.length) {
            return t[df];
        }
        // Cornish–Fisher expansion around z = 1.959964 (error < 1e-4 for df > 30).
        double z = 1.959964;
        double g1 = (Math.pow(z, 3) + z) / 4;
        double g2 = (5 * Math.pow(z, 5) + 16 * Math.pow(z, 3) + 3 * z) / 96;
        return z + g1 / df + g2 / ((double) df * df);
    }

    /** Pearson correlation of two equal-length samples. */
    public static double pearson(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    /**
     * The first two principal-component scores of the rows of {@code x} (centred; power iteration with deflation on
     * the covariance, deterministic start). Signs follow sklearn's {@code svd_flip}: the largest-|loading| entry of
     * each component is positive.
     */
    public static double[][] pca2(double[][] x) {
        int n = x.length;
        int d = x[0].length;
        double[] mean = new double[d];
        for (double[] r : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / n;
            }
        }
        double[][] c = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                c[i][j] = x[i][j] - mean[j];
            }
        }
        double[][] comps = new double[2][];
        for (int k = 0; k < 2; k++) {
            double[] v = new double[d];
            for (int j = 0; j < d; j++) {
                v[j] = 1.0 / Math.sqrt(d) * (1 + 0.01 * (j % 7)); // fixed start: deterministic output
            }
            for (int it = 0; it < 500; it++) {
                double[] w = covTimes(c, v);
                for (int p = 0; p < k; p++) {
                    double dot = dot(w, comps[p]);
                    for (int j = 0; j < d; j++) {
                        w[j] -= dot * comps[p][j];
                    }
                }
                double norm = Math.sqrt(dot(w, w));
                if (norm == 0) {
                    break;
                }
                double delta = 0;
                for (int j = 0; j < d; j++) {
                    w[j] /= norm;
                    delta += Math.abs(w[j] - v[j]);
                }
                v = w;
                if (delta < 1e-12) {
                    break;
                }
            }
            int arg = 0;
            for (int j = 1; j < d; j++) {
                if (Math.abs(v[j]) > Math.abs(v[arg])) {
                    arg = j;
                }
            }
            if (v[arg] < 0) {
                for (int j = 0; j < d; j++) {
                    v[j] = -v[j];
                }
            }
            comps[k] = v;
        }
        double[][] scores = new double[n][2];
        for (int i = 0; i < n; i++) {
            scores[i][0] = dot(c[i], comps[0]);
            scores[i][1] = dot(c[i], comps[1]);
        }
        return scores;
    }

    private static double[] covTimes(double[][] c, double[] v) {
        double[] out = new double[v.length];
        for (double[] row : c) {
            double s = dot(row, v);
            for (int j = 0; j < v.length; j++) {
                out[j] += s * row[j];
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
