package org.slidebatch.grade;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.train.StepSeeds;

/**
 * The cross-validation on an in-memory generated cohort whose tokens carry the grade: the OOF κ's bootstrap CI lies
 * above 0; with the grades shuffled it is about 0. Small model, 3 folds × 1 seed, a few epochs (CPU-sized).
 */
class GradeCrossValidationTest {

    @TempDir
    Path dir;

    static GradeCrossValidation.Settings settings() {
        return new GradeCrossValidation.Settings(FoldTrainerTest.settings(5), 3, new long[] {42}, 42, 5, false, 200);
    }

    static String[] ids(List<GradeSlide> slides) {
        return slides.stream().map(GradeSlide::id).toArray(String[]::new);
    }

    @Test
    void oofKappaIsAboveZeroWithTheGradesAndAboutZeroWithoutThem() throws Exception {
        DjlRuntime.engine();
        List<GradeSlide> cohort = FoldTrainerTest.cohort(60, 3, 16);
        int[] perm = StepSeeds.permutation(new SplittableRandom(9), cohort.size());
        List<GradeSlide> shuffled = new ArrayList<>();
        for (int i = 0; i < cohort.size(); i++) {
            GradeSlide s = cohort.get(i);
            shuffled.add(new GradeSlide(s.id(), s.provider(), cohort.get(perm[i]).grade(), s.dim(), s.x05(), s.n05(), s.x20(), s.n20()));
        }
        AtomicInteger epochs = new AtomicInteger();
        AtomicInteger skipped = new AtomicInteger();
        GradeCrossValidation.Listener l = new GradeCrossValidation.Listener() {
            public void epochDone(long seed, int fold, FoldTrainer.Epoch e, int total) {
                epochs.incrementAndGet();
            }

            public void foldSkipped(long seed, int fold) {
                skipped.incrementAndGet();
            }
        };
        try (NDManager root = DjlRuntime.engine().newBaseManager()) {
            Map<String, Object> real = GradeCrossValidation.run(root, cohort, ids(cohort), settings(), dir.resolve("real"), l);
            Map<String, Object> noise = GradeCrossValidation.run(root, shuffled, ids(shuffled), settings(), dir.resolve("shuffled"), l);
            System.out.println("grades: " + real + "\nshuffled: " + noise);
            assertThat((Double) real.get("oof_kappa_ci_low")).isGreaterThan(0.0);
            assertThat((Double) noise.get("oof_kappa")).isBetween(-0.35, 0.35);
            assertThat((Double) noise.get("oof_kappa_ci_low")).isLessThan(0.0);
            assertThat(epochs.get()).isGreaterThan(0);
            byte[] oof = Files.readAllBytes(dir.resolve("real").resolve(GradeCrossValidation.OOF));
            // a rerun finds every fold finished: nothing retrained, same OOF bytes
            int before = epochs.get();
            GradeCrossValidation.run(root, cohort, ids(cohort), settings(), dir.resolve("real"), l);
            assertThat(epochs.get()).isEqualTo(before);
            assertThat(skipped.get()).isEqualTo(3);
            assertThat(Files.readAllBytes(dir.resolve("real").resolve(GradeCrossValidation.OOF))).isEqualTo(oof);
            List<String> lines = Files.readAllLines(dir.resolve("real").resolve(GradeCrossValidation.OOF));
            assertThat(lines.get(0)).isEqualTo("slide_id,true_isup,pred_isup,prob_0,prob_1,prob_2,prob_3,prob_4,prob_5,provider");
            assertThat(lines).hasSize(61);
            assertThat(Files.readString(dir.resolve("real").resolve("metrics_auc_by_provider.csv")))
                .startsWith("provider,macro_auroc_ovr,n,AUROC_>=1,AUPRC_>=1");
        }
    }
}
