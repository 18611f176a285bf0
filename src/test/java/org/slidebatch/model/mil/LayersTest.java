package org.slidebatch.model.mil;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import org.junit.jupiter.api.Test;

import org.slidebatch.model.DjlRuntime;

class LayersTest {

    /**
     * {@link Layers#dropout} keeps a 1-byte mask instead of libtorch's float noise, drawn in chunks: from the same seed
     * it must drop the same values and give the same outputs and gradients as {@code F.dropout} (one chunk, and several
     * with a partial last one), with signs from both sides of 0 in the input and in the incoming gradient.
     */
    @Test
    void dropoutMatchesLibtorchsValuesAndGradientsFromTheSameSeed() {
        Engine engine = DjlRuntime.engine();
        DjlRuntime.setIntraOpThreads(1);
        for (long n : new long[] {1000, 3L * Layers.DROPOUT_CHUNK + 12_345}) {
            try (NDManager m = NDManager.newBaseManager(engine.defaultDevice(), DjlRuntime.ENGINE)) {
                JniUtils.setSeed(11);
                NDArray x = m.randomNormal(new Shape(2, n / 2));
                NDArray upstream = m.randomNormal(x.getShape());
                float[][] out = new float[2][];
                float[][] grad = new float[2][];
                for (int v = 0; v < 2; v++) {
                    NDArray xv = x.duplicate();
                    xv.setRequiresGradient(true);
                    JniUtils.setSeed(42);
                    try (GradientCollector gc = engine.newGradientCollector()) {
                        NDArray y = v == 0 ? Dropout.dropout(xv, 0.1f, true).singletonOrThrow() : Layers.dropout(xv, 0.1f, true);
                        out[v] = y.toFloatArray();
                        gc.backward(y.mul(upstream).sum());
                    }
                    grad[v] = xv.getGradient().toFloatArray();
                }
                int dropped = 0;
                int differ = 0;
                for (int i = 0; i < out[0].length; i++) {
                    // == on purpose: a dropped negative value is −0 in libtorch's product and +0 here
                    if (out[0][i] != out[1][i] || grad[0][i] != grad[1][i]) {
                        differ++;
                    }
                    if (out[0][i] == 0) {
                        dropped++;
                    }
                }
                assertThat(differ).as("values differing from F.dropout, n = %d", n).isZero();
                assertThat((double) dropped / out[0].length).as("share dropped").isBetween(0.07, 0.13);
            }
        }
    }

    @Test
    void dropoutIsTheIdentityOutsideTrainingOrAtRateZero() {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(3, 4));
            assertThat(Layers.dropout(x, 0.1f, false)).isSameAs(x);
            assertThat(Layers.dropout(x, 0f, true)).isSameAs(x);
        }
    }
}
