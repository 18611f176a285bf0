package org.slidebatch.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class SplittersTest {

    static int[] labels(int n, int k, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return java.util.stream.IntStream.range(0, n).map(i -> r.nextInt(k)).toArray();
    }

    static void everyRowTestedOnce(List<Fold> folds, int n) {
        int[] seen = new int[n];
        for (Fold f : folds) {
            for (int i : f.test()) {
                seen[i]++;
            }
            assertThat(f.train().length + f.test().length).isEqualTo(n);
        }
        assertThat(seen).containsOnly(1);
    }

    @Test
    void stratifiedKFoldKeepsEachClassWithinOneOfItsShare() {
        int[] y = labels(203, 4, 1);
        List<Fold> folds = Splitters.stratifiedKFold(y, 5, 42);
        everyRowTestedOnce(folds, y.length);
        for (int c = 0; c < 4; c++) {
            final int cls = c;
            long total = Arrays.stream(y).filter(v -> v == cls).count();
            for (Fold f : folds) {
                long inFold = Arrays.stream(f.test()).filter(i -> y[i] == cls).count();
                assertThat(inFold).isBetween(total / 5 - 1, total / 5 + 1);
            }
        }
        assertThat(Splitters.stratifiedKFold(y, 5, 42).get(2).test()).isEqualTo(folds.get(2).test());
        assertThat(Splitters.stratifiedKFold(y, 5, 43).get(2).test()).isNotEqualTo(folds.get(2).test());
    }

    @Test
    void stratifiedGroupKFoldNeverSplitsAGroup() {
        int n = 300;
        int[] y = labels(n, 3, 2);
        String[] groups = new String[n];
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            groups[i] = "site" + r.nextInt(17);
        }
        List<Fold> folds = Splitters.stratifiedGroupKFold(y, groups, 5, 123);
        everyRowTestedOnce(folds, n);
        for (Fold f : folds) {
            Set<String> test = new HashSet<>();
            for (int i : f.test()) {
                test.add(groups[i]);
            }
            for (int i : f.train()) {
                assertThat(test).doesNotContain(groups[i]);
            }
            assertThat(f.test()).isNotEmpty();
        }
        assertThatThrownBy(() -> Splitters.stratifiedGroupKFold(y, Arrays.stream(groups).map(g -> "a").toArray(String[]::new), 5, 1))
            .hasMessageContaining("needs at least 5 groups");
    }

    @Test
    void leaveOneCenterOutKeepsUnknownCentersInTraining() {
        String[] centers = {"0", "1", "-1", "2", "1", "", "0"};
        List<Fold> folds = Splitters.leaveOneCenterOut(centers);
        assertThat(folds).extracting(Fold::name).containsExactly("CEN0", "CEN1", "CEN2");
        assertThat(folds.get(1).test()).containsExactly(1, 4);
        for (Fold f : folds) {
            assertThat(f.train()).contains(2, 5);
        }
        assertThatThrownBy(() -> Splitters.leaveOneCenterOut(new String[] {"0", "0", "-1"})).hasMessageContaining("two known centers");
    }

    @Test
    void providerAwareFoldsBalanceLabelWithinProvider() {
        int n = 200;
        int[] y = labels(n, 2, 4);
        String[] prov = new String[n];
        for (int i = 0; i < n; i++) {
            prov[i] = i % 3 == 0 ? "radboud" : "karolinska";
        }
        List<Fold> folds = Splitters.providerStratifiedKFold(y, prov, 4, 9);
        everyRowTestedOnce(folds, n);
        for (String p : List.of("radboud", "karolinska")) {
            for (int c = 0; c < 2; c++) {
                final int cls = c;
                long total = java.util.stream.IntStream.range(0, n).filter(i -> y[i] == cls && prov[i].equals(p)).count();
                for (Fold f : folds) {
                    long in = Arrays.stream(f.test()).filter(i -> y[i] == cls && prov[i].equals(p)).count();
                    assertThat(in).isBetween(total / 4 - 1, total / 4 + 1);
                }
            }
        }
    }

    @Test
    void bootstrapPercentilesInterpolateLikeNumpy() {
        double[] sorted = {1, 2, 3, 4};
        assertThat(Bootstrap.percentile(sorted, 2.5)).isEqualTo(1.075);
        assertThat(Bootstrap.percentile(sorted, 97.5)).isEqualTo(3.925);
        // Undefined replicates (NaN) are left out like np.nanpercentile; same seed, same interval.
        Bootstrap.Interval a = Bootstrap.rows(50, 200, 7, idx -> idx[0] % 2 == 0 ? Double.NaN : idx.length);
        assertThat(a.undefinedReplicates()).isBetween(1, 199);
        assertThat(a.low()).isEqualTo(50.0);
        assertThat(Bootstrap.rows(50, 200, 7, idx -> Arrays.stream(idx).sum()))
            .isEqualTo(Bootstrap.rows(50, 200, 7, idx -> Arrays.stream(idx).sum()));
    }
}
