package org.slidebatch.grade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.mil.GraderConfig;

class FoldTrainerTest {

    @TempDir
    Path dir;

    static final GraderConfig SMALL = new GraderConfig(16, 2, 32, 8, 16, 6, 0.1f, 0.15f, 0.15f, 2);

    /** Slides whose tokens carry the grade (± grade/2 on the two halves of the features, which LayerNorm keeps) (so a fold can learn), two providers, varying lengths. */
    static List<GradeSlide> cohort(int n, long seed, int dim) {
        SplittableRandom r = new SplittableRandom(seed);
        List<GradeSlide> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int grade = i % 6;
            int n05 = 3 + r.nextInt(10);
            int n20 = 1 + r.nextInt(4);
            out.add(new GradeSlide("s" + i, i % 2 == 0 ? "karolinska" : "radboud", grade, dim,
                tokens(r, n05, dim, grade), n05, tokens(r, n20, dim, grade), n20));
        }
        return out;
    }

    static float[] tokens(SplittableRandom r, int n, int dim, int grade) {
        float[] x = new float[n * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1 + (i % dim < dim / 2 ? 0.5 : -0.5) * grade);
        }
        return x;
    }

    /** NB11's settings at CPU size: the EMA decays faster (0.9: a test runs tens of steps, NB11 thousands). */
    static FoldTrainer.Settings settings(int epochs) {
        return new FoldTrainer.Settings(SMALL, new GradeTrainer.Settings(1e-4f, 0.9f, 1.0f, GradeLoss.nb11()), new GradeSchedule(1e-2, 2, 0.1, epochs, 1e-6),
            GradeAugment.nb11(), 6, 7, 8, 3, 42);
    }

    @Test
    void scheduleIsNb11sWarmUpThenCosine() {
        GradeSchedule s = GradeSchedule.nb11();
        // the spec's table of effective rates by epoch
        double[][] table = {{1, 3.0e-5}, {2, 1.65e-4}, {3, 3.0e-4}, {4, 2.991e-4}, {5, 2.963e-4}, {10, 2.562e-4},
            {15, 1.838e-4}, {20, 1.011e-4}, {25, 3.36e-5}, {29, 4.75e-6}, {30, 1.94e-6}};
        for (double[] row : table) {
            assertThat(s.lr((int) row[0])).as("epoch %d", (int) row[0]).isCloseTo(row[1], org.assertj.core.data.Offset.offset(row[1] * 2e-3));
        }
    }

    @Test
    void anInterruptedFoldResumesFromItsLastEpochToTheSameBits() throws Exception {
        DjlRuntime.engine();
        List<GradeSlide> train = cohort(18, 1, 16);
        List<GradeSlide> val = cohort(8, 2, 16);
        Path whole = dir.resolve("whole");
        Path split = dir.resolve("split");
        try (NDManager root = DjlRuntime.engine().newBaseManager()) {
            List<FoldTrainer.Epoch> a = new FoldTrainer(root, settings(4)).train(train, val, whole, Integer.MAX_VALUE, null);
            assertThat(a).hasSize(4);
            List<FoldTrainer.Epoch> b1 = new FoldTrainer(root, settings(4)).train(train, val, split, 2, null);
            assertThat(b1).extracting(FoldTrainer.Epoch::epoch).containsExactly(1, 2);
            List<FoldTrainer.Epoch> b2 = new FoldTrainer(root, settings(4)).train(train, val, split, Integer.MAX_VALUE, null);
            assertThat(b2).extracting(FoldTrainer.Epoch::epoch).containsExactly(3, 4);
            assertThat(b2.get(1)).isEqualTo(a.get(3));
            assertThat(Files.readAllBytes(split.resolve(FoldTrainer.STATE))).isEqualTo(Files.readAllBytes(whole.resolve(FoldTrainer.STATE)));
            assertThat(Files.readAllBytes(split.resolve(FoldTrainer.BEST))).isEqualTo(Files.readAllBytes(whole.resolve(FoldTrainer.BEST)));
            // a finished fold runs nothing more
            assertThat(new FoldTrainer(root, settings(4)).train(train, val, split, Integer.MAX_VALUE, null)).isEmpty();
            double[][] p = new FoldTrainer(root, settings(4)).predict(whole, val);
            assertThat(p).hasNumberOfRows(8);
            for (double[] row : p) {
                assertThat(java.util.Arrays.stream(row).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }
}
