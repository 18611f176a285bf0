package org.slidebatch.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * Percentile bootstrap 95 % intervals at slide level (rows resampled) or patient level (whole patients
 * resampled, their rows concatenated, as NB09 does). Replicates where the metric is undefined (NaN) are left
 * out like {@code np.nanpercentile}; percentiles interpolate linearly like NumPy's default.
 */
public final class Bootstrap {

    public record Interval(double low, double high, int replicates, int undefinedReplicates, long seed) {
    }

    private Bootstrap() {
    }

    /** @param metric receives the resampled row indices */
    public static Interval rows(int n, int replicates, long seed, ToDoubleFunction<int[]> metric) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] values = new double[replicates];
        for (int b = 0; b < replicates; b++) {
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = rnd.nextInt(n);
            }
            values[b] = metric.applyAsDouble(idx);
        }
        return interval(values, seed);
    }

    /** Resamples clusters (patients): {@code clusterOfRow[i]} names row i's patient. */
    public static Interval clusters(String[] clusterOfRow, int replicates, long seed, ToDoubleFunction<int[]> metric) {
        Map<String, List<Integer>> rowsOf = new LinkedHashMap<>();
        for (int i = 0; i < clusterOfRow.length; i++) {
            rowsOf.computeIfAbsent(clusterOfRow[i], k -> new ArrayList<>()).add(i);
        }
        List<int[]> clusters = rowsOf.values().stream().map(Splitters::toArray).toList();
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] values = new double[replicates];
        for (int b = 0; b < replicates; b++) {
            int[] idx = new int[0];
            List<Integer> rows = new ArrayList<>();
            for (int c = 0; c < clusters.size(); c++) {
                for (int r : clusters.get(rnd.nextInt(clusters.size()))) {
                    rows.add(r);
                }
            }
            idx = Splitters.toArray(rows);
            values[b] = metric.applyAsDouble(idx);
        }
        return interval(values, seed);
    }

    private static Interval interval(double[] values, long seed) {
        double[] ok = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        int undefined = values.length - ok.length;
        if (ok.length == 0) {
            return new Interval(Double.NaN, Double.NaN, values.length, undefined, seed);
        }
        return new Interval(percentile(ok, 2.5), percentile(ok, 97.5), values.length, undefined, seed);
    }

    /** NumPy's default ("linear") percentile of sorted values. */
    public static double percentile(double[] sorted, double q) {
        double pos = q / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double frac = pos - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }

    /** Picks the rows {@code idx} of an int array. */
    public static int[] take(int[] a, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = a[idx[i]];
        }
        return out;
    }

    public static double[] take(double[] a, int[] idx) {
        double[] out = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = a[idx[i]];
        }
        return out;
    }
}
