package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;

import org.junit.jupiter.api.Test;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.NamedParams;

class ByolMfrTrainerTest {

    /** Every step's arrays are closed with it: the count of live arrays does not grow (STACK-NOTES §14). */
    @Test
    void stepsDoNotLeakArraysAndTheTeacherTrailsTheStudent() {
        AggregatorConfig c = new AggregatorConfig(16, 2, 2, 2, 0.1f, 8, 2, 1);
        SplittableRandom r = new SplittableRandom(3);
        List<SlideTokens> slides = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            int n = 5 + s;
            float[] f = new float[n * 16];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) r.nextGaussian();
            }
            slides.add(new SlideTokens("s" + s, n, 0, 16, f, new float[n * 3]));
        }
        Phase1Batch b = Phase1Batches.build(slides, 0.25, r);
        try (NDManager root = DjlRuntime.engine().newBaseManager()) {
            NamedParams student = NamedParams.init(root, c.studentShapes(), 1);
            NamedParams teacher = student.copy(root);
            NamedParams decoder = NamedParams.init(root, c.decoderShapes(), 2);
            ByolMfrTrainer.Settings s = new ByolMfrTrainer.Settings(1e-4f, 0.9f, 0.5f, 0.1f, 0.02f, false);
            try (ByolMfrTrainer t = new ByolMfrTrainer(root, c, student, teacher, decoder, s)) {
                ByolMfrTrainer.seedTorch(1);
                t.step(b, 1e-3f);
                int after1 = root.getManagedArrays().size();
                for (int i = 2; i <= 6; i++) {
                    ByolMfrTrainer.seedTorch(i);
                    t.step(b, 1e-3f);
                }
                assertThat(root.getManagedArrays()).hasSize(after1);
                assertThat(t.optimizer().step()).isEqualTo(6);
                float[] ws = student.get("proj_global.0.weight").toFloatArray();
                float[] wt = teacher.get("proj_global.0.weight").toFloatArray();
                assertThat(wt).isNotEqualTo(ws);   // EMA lags
            }
        }
    }
}
