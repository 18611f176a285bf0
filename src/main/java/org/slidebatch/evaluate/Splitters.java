package org.slidebatch.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Seeded cross-validation splits. The algorithms follow scikit-learn's (StratifiedKFold's per-class dealing,
 * StratifiedGroupKFold's greedy "least spread of class proportions" assignment) but draw from
 * {@link SplittableRandom}, so fold membership is reproducible from the recorded seed here, not identical to
 * NumPy's shuffles (OSFM-spec §2e: only the distribution is the spec).
 */
public final class Splitters {

    private Splitters() {
    }

    /** Stratified k-fold: each class's members, shuffled, are dealt round-robin over the folds. */
    public static List<Fold> stratifiedKFold(int[] y, int k, long seed) {
        checkK(k, y.length);
        SplittableRandom rnd = new SplittableRandom(seed);
        TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < y.length; i++) {
            byClass.computeIfAbsent(y[i], c -> new ArrayList<>()).add(i);
        }
        int[] fold = new int[y.length];
        int next = 0;
        for (List<Integer> members : byClass.values()) {
            shuffle(members, rnd);
            for (int m : members) {
                fold[m] = next;
                next = (next + 1) % k;
            }
        }
        return fromAssignment(fold, k, null);
    }

    /**
     * Stratified group k-fold: whole groups go to one fold (a group is never on both sides); groups are visited
     * in shuffled order, most class-skewed first, each to the fold that keeps the class proportions most even
     * (ties: the fold with fewer samples), as sklearn's StratifiedGroupKFold does.
     */
    public static List<Fold> stratifiedGroupKFold(int[] y, String[] groups, int k, long seed) {
        int[] classes = Arrays.stream(y).distinct().sorted().toArray();
        List<String> groupNames = new ArrayList<>(new TreeSet<>(Arrays.asList(groups)));
        if (groupNames.size() < k) {
            throw new IllegalArgumentException("stratified group k-fold with k=" + k + " needs at least " + k
                + " groups, got " + groupNames.size());
        }
        int g = groupNames.size();
        int c = classes.length;
        double[][] perGroup = new double[g][c];
        int[] groupOf = new int[y.length];
        double[] total = new double[c];
        for (int i = 0; i < y.length; i++) {
            groupOf[i] = groupNames.indexOf(groups[i]);
            int ci = Arrays.binarySearch(classes, y[i]);
            perGroup[groupOf[i]][ci]++;
            total[ci]++;
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < g; i++) {
            order.add(i);
        }
        shuffle(order, new SplittableRandom(seed));
        double[] spread = new double[g];
        for (int i = 0; i < g; i++) {
            spread[i] = std(perGroup[i]);
        }
        order.sort((a, b) -> Double.compare(spread[b], spread[a])); // stable: keeps the shuffle among equals
        double[][] perFold = new double[k][c];
        int[] foldOfGroup = new int[g];
        for (int grp : order) {
            int best = -1;
            double bestEval = Double.POSITIVE_INFINITY;
            double bestSamples = Double.POSITIVE_INFINITY;
            for (int f = 0; f < k; f++) {
                add(perFold[f], perGroup[grp], 1);
                double eval = 0;
                for (int ci = 0; ci < c; ci++) {
                    double[] share = new double[k];
                    for (int f2 = 0; f2 < k; f2++) {
                        share[f2] = perFold[f2][ci] / total[ci];
                    }
                    eval += std(share);
                }
                eval /= c;
                add(perFold[f], perGroup[grp], -1);
                double samples = Arrays.stream(perFold[f]).sum();
                boolean close = Math.abs(eval - bestEval) <= 1e-8 + 1e-5 * Math.abs(bestEval); // np.isclose
                if (eval < bestEval || (close && samples < bestSamples)) {
                    best = f;
                    bestEval = eval;
                    bestSamples = samples;
                }
            }
            add(perFold[best], perGroup[grp], 1);
            foldOfGroup[grp] = best;
        }
        int[] fold = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            fold[i] = foldOfGroup[groupOf[i]];
        }
        return fromAssignment(fold, k, null);
    }

    /**
     * Leave one center out: one fold per known center (sorted), named {@code CEN<center>}; rows whose center
     * is unknown ({@code null} or "-1") are always in training, as in NB09.
     */
    public static List<Fold> leaveOneCenterOut(String[] centers) {
        TreeSet<String> known = new TreeSet<>();
        for (String c : centers) {
            if (c != null && !c.isEmpty() && !c.equals("-1")) {
                known.add(c);
            }
        }
        if (known.size() < 2) {
            throw new IllegalArgumentException("leave-one-center-out needs at least two known centers, got " + known.size());
        }
        List<Fold> folds = new ArrayList<>();
        int index = 0;
        for (String center : known) {
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (int i = 0; i < centers.length; i++) {
                (center.equals(centers[i]) ? test : train).add(i);
            }
            folds.add(new Fold(index++, "CEN" + center, toArray(train), toArray(test)));
        }
        return folds;
    }

    /**
     * Provider-aware stratification: stratified k-fold on the (label, provider) pair, so every fold has each
     * provider's label mix (PANDA's Karolinska/Radboud differ in both grading and stain).
     */
    public static List<Fold> providerStratifiedKFold(int[] y, String[] providers, int k, long seed) {
        List<String> names = new ArrayList<>(new TreeSet<>(Arrays.asList(providers)));
        int[] key = new int[y.length];
        int[] classes = Arrays.stream(y).distinct().sorted().toArray();
        for (int i = 0; i < y.length; i++) {
            key[i] = Arrays.binarySearch(classes, y[i]) * names.size() + names.indexOf(providers[i]);
        }
        return stratifiedKFold(key, k, seed);
    }

    /** Folds from a per-row fold id (e.g. a {@code fold} column), ids ascending. */
    public static List<Fold> fromAssignment(int[] fold, int k, String[] names) {
        int[] ids = k > 0 ? null : Arrays.stream(fold).distinct().sorted().toArray();
        int count = ids == null ? k : ids.length;
        List<Fold> out = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            int id = ids == null ? f : ids[f];
            List<Integer> train = new ArrayList<>();
            List<Integer> test = new ArrayList<>();
            for (int i = 0; i < fold.length; i++) {
                (fold[i] == id ? test : train).add(i);
            }
            out.add(new Fold(f, names == null ? Integer.toString(id) : names[f], toArray(train), toArray(test)));
        }
        return out;
    }

    static void checkK(int k, int n) {
        if (k < 2 || k > n) {
            throw new IllegalArgumentException("k-fold needs 2 <= k <= number of rows, got k=" + k + ", rows=" + n);
        }
    }

    static <T> void shuffle(List<T> list, SplittableRandom rnd) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            T t = list.get(i);
            list.set(i, list.get(j));
            list.set(j, t);
        }
    }

    private static double std(double[] v) {
        double m = Arrays.stream(v).average().orElse(0);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }

    private static void add(double[] a, double[] b, int sign) {
        for (int i = 0; i < a.length; i++) {
            a[i] += sign * b[i];
        }
    }

    static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }
}
