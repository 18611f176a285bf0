package org.slidebatch.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.mil.NamedParams;

class TrainInfraTest {

    @TempDir
    Path dir;

    @Test
    void cosineWarmupGivesUpdateOneAFractionOfTheBaseLr() {
        CosineWarmup s = new CosineWarmup(1.5e-4, 500, 13334, false);
        assertThat(s.lr(1)).isCloseTo(1.5e-4 / 500, within(1e-15));
        assertThat(s.lr(500)).isCloseTo(1.5e-4, within(1e-15));
        assertThat(s.lr(500 + (13334 - 500) / 2)).isCloseTo(0.75e-4, within(1e-9));
        assertThat(s.lr(13334)).isCloseTo(0.0, within(1e-15));
        CosineWarmup original = new CosineWarmup(1.5e-4, 500, 13334, true);
        assertThat(original.lr(1)).isEqualTo(1.5e-4);          // OpenSlideFM: first update at full lr
        assertThat(original.lr(2)).isCloseTo(3e-7, within(1e-15));
        assertThat(original.lr(501)).isCloseTo(1.5e-4, within(1e-15));
        assertThat(new CosineWarmup(1.0, 10, 5, false).lr(5)).isEqualTo(0.5); // shorter than the warm-up: linear only
    }

    @Test
    void seedsAreStableAndPermutationsComplete() {
        assertThat(StepSeeds.derive(13, StepSeeds.STEP, 7)).isEqualTo(StepSeeds.derive(13, StepSeeds.STEP, 7));
        assertThat(StepSeeds.derive(13, StepSeeds.STEP, 7)).isNotEqualTo(StepSeeds.derive(13, StepSeeds.STEP, 8));
        int[] p = StepSeeds.permutation(StepSeeds.random(13, StepSeeds.SHUFFLE, 1), 10);
        assertThat(p).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        int[] c = StepSeeds.choose(new SplittableRandom(1), 10, 4);
        assertThat(c).hasSize(4).doesNotHaveDuplicates();
        assertThat(StepSeeds.torchSeed(13, 1)).isNotNegative();
    }

    @Test
    void emaMovesTheTeacherTowardsTheStudent() {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            Map<String, NDArray> t = Map.of("w", m.create(new float[] {1f, 2f}));
            Map<String, NDArray> s = Map.of("w", m.create(new float[] {3f, 0f}));
            Ema.update(t, s, 0.75f);
            assertThat(t.get("w").toFloatArray()).containsExactly(1.5f, 1.5f);
        }
    }

    /** A quadratic with AdamW: k steps, checkpoint, fresh objects, resume = the uninterrupted run to the bit. */
    @Test
    void adamWMatchesHandComputedUpdatesAndResumesBitIdentically() {
        float[] uninterrupted = train(6, -1);
        float[] resumed = train(6, 3);
        assertThat(resumed).containsExactly(uninterrupted);
        // one update by hand (PyTorch's formula) on f(p) = ½‖p − 1‖², p0 = (0.5, −1): g = p − 1
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            Map<String, long[]> shapes = Map.of("p", new long[] {2});
            NamedParams p = NamedParams.of(m, shapes, Map.of("p", new float[] {0.5f, -1f}));
            p.requireGradients();
            try (AdamW opt = new AdamW(m, p.arrays(), 0.1f)) {
                step(p, opt, 0.01f);
                float[] v = p.get("p").toFloatArray();
                double[] p0 = {0.5, -1};
                for (int i = 0; i < 2; i++) {
                    double g = p0[i] - 1;
                    double decayed = p0[i] * (1 - 0.01 * 0.1);
                    double mHat = (0.1 * g) / 0.1;
                    double vHat = (0.001 * g * g) / 0.001;
                    double expect = decayed - 0.01 * mHat / (Math.sqrt(vHat) + 1e-8);
                    assertThat((double) v[i]).isCloseTo(expect, within(1e-6));
                }
            }
        }
    }

    /**
     * The engine's fused Adam kernel (the default) against the op-by-op form of PyTorch's AdamW: 20 updates with
     * gradients from 1e-9 to 10 (the eps range included), weight decay on: weights equal within 1e-5 (an update
     * moves a weight by up to lr = 1e-3), moments within 1e-5 of their scale; and the fused run twice gives the same bits.
     */
    @Test
    void fusedAdamWEqualsThePlainFormAndRepeatsToTheBit() {
        float[][] fusedA = adamRun(true);
        float[][] fusedB = adamRun(true);
        float[][] plain = adamRun(false);
        assertThat(fusedB[0]).containsExactly(fusedA[0]);
        assertThat(fusedB[1]).containsExactly(fusedA[1]);
        assertThat(fusedB[2]).containsExactly(fusedA[2]);
        double maxW = 0;
        double maxM = 0;
        double maxV = 0;
        for (int i = 0; i < plain[0].length; i++) {
            maxW = Math.max(maxW, Math.abs(fusedA[0][i] - plain[0][i]));
            // m crosses zero as w passes its target: relative to the element's gradient scale c (fusedA[3])
            maxM = Math.max(maxM, Math.abs(fusedA[1][i] - plain[1][i]) / (Math.abs(plain[1][i]) + fusedA[3][i]));
            // v follows g² = c²(w − t)², small where w nears its target: relative to (1 − β2)·c², one update's scale
            maxV = Math.max(maxV, Math.abs(fusedA[2][i] - plain[2][i]) / (plain[2][i] + 1e-3 * fusedA[3][i] * fusedA[3][i]));
        }
        // measured 2.4e-6 on weights of magnitude up to 4: about one float ulp per update, mostly the decay's rounding
        // (p·(1 − lr·wd) there, p − p·lr·wd here); the training-step parity with PyTorch allows 1e-4
        assertThat(maxW).isLessThan(1e-5);
        assertThat(maxM).isLessThan(1e-5);
        assertThat(maxV).isLessThan(1e-5);
        assertThat(fusedA[0]).isNotEqualTo(adamStart());  // it did move
    }

    private static float[] adamStart() {
        SplittableRandom r = new SplittableRandom(5);
        float[] w = new float[40 * 30];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        return w;
    }

    /** Weights, m, v after 20 updates (and the scales c) of ½Σ c·(w − t)² with scales c from 1e-9 to 10. */
    private static float[][] adamRun(boolean fused) {
        float[] w0 = adamStart();
        float[] c = new float[w0.length];
        float[] t = new float[w0.length];
        SplittableRandom r = new SplittableRandom(6);
        for (int i = 0; i < c.length; i++) {
            c[i] = (float) Math.pow(10, -9 + 10 * r.nextDouble());
            t[i] = (float) r.nextGaussian();
        }
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            Map<String, long[]> shapes = Map.of("w", new long[] {40, 30});
            NamedParams p = NamedParams.of(m, shapes, Map.of("w", w0));
            p.requireGradients();
            NDArray scale = m.create(c, new Shape(40, 30));
            NDArray target = m.create(t, new Shape(40, 30));
            try (AdamW opt = fused ? new AdamW(m, p.arrays(), 0.1f) : AdamW.plain(m, p.arrays(), 0.1f)) {
                for (int k = 1; k <= 20; k++) {
                    try (NDManager sm = m.newSubManager()) {
                        NDArray w = p.get("w");
                        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                            NDArray loss = w.sub(target).square().mul(scale).sum().mul(0.5f);
                            loss.attach(sm);
                            gc.backward(loss);
                        }
                        opt.update(1e-3f);
                    }
                }
                Map<String, org.slidebatch.model.SafeTensors.Tensor> st = opt.stateTensors("");
                return new float[][] {p.get("w").toFloatArray(), st.get("m.w").data(), st.get("v.w").data(), c};
            }
        }
    }

    private float[] train(int steps, int checkpointAt) {
        Path ck = dir.resolve("ck-" + checkpointAt + ".safetensors");
        Map<String, long[]> shapes = Map.of("w", new long[] {4, 3});
        float[] result = null;
        int done = 0;
        while (done < steps) {
            try (NDManager m = DjlRuntime.engine().newBaseManager()) {
                NamedParams p = NamedParams.init(m, new LinkedHashMap<>(shapes), 11);
                p.requireGradients();
                try (AdamW opt = new AdamW(m, p.arrays(), 1e-2f)) {
                    if (done > 0) {
                        assertThat(TrainCheckpoint.read(ck).metadata()).containsEntry("mkl_amd_fastpath", "false");
                        TrainCheckpoint.read(ck).restore(Map.of("net", p), opt, ck.toString());
                    }
                    CosineWarmup sched = new CosineWarmup(0.05, 2, steps, false);
                    while (done < steps) {
                        done++;
                        step(p, opt, (float) sched.lr(done));
                        if (done == checkpointAt) {
                            TrainCheckpoint.of(Map.of("net", p), opt, Map.of("step", "" + done)).write(ck);
                            break; // a "crash": the next loop iteration starts a fresh manager and resumes
                        }
                    }
                    result = p.get("w").toFloatArray();
                }
            }
        }
        return result;
    }

    @Test
    void aCheckpointRecordsTheMatrixKernelsAndAResumeUnderOtherKernelsSaysSo() {
        // this JVM (Maven's) never preloads the fast path; a checkpoint written with it on must be told apart
        assertThat(org.slidebatch.model.MklFastPath.loaded()).isFalse();
        TrainCheckpoint withFastPath = new TrainCheckpoint(Map.of(), Map.of("mkl_amd_fastpath", "true"));
        assertThat(withFastPath.kernelMismatch("ck-7.safetensors")).hasValue("checkpoint ck-7.safetensors was written "
            + "with the MKL fast path on and this process has it off: the training goes on, but its weights will differ "
            + "in the last bits from an uninterrupted run's; restart with SLIDEBATCH_MKL_AMD_FASTPATH=1 to keep them "
            + "bit-identical");
        assertThat(new TrainCheckpoint(Map.of(), Map.of("mkl_amd_fastpath", "false")).kernelMismatch("x")).isEmpty();
        assertThat(new TrainCheckpoint(Map.of(), Map.of()).kernelMismatch("older checkpoint")).isEmpty();
    }

    private static void step(NamedParams p, AdamW opt, float lr) {
        try (NDManager sm = p.manager().newSubManager()) {
            String name = p.arrays().keySet().iterator().next();
            NDArray w = p.get(name);
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray target = sm.ones(w.getShape());
                NDArray loss = w.sub(target).square().sum().mul(0.5f);
                loss.attach(sm);
                gc.backward(loss);
            }
            opt.update(lr);
        }
    }
}
