package org.slidebatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class DjlArraysTest {

    /**
     * A factor saved by autograd, made from Java data and closed before backward, then garbage collected: the gradient
     * must still be computed from its values (a from_blob view would be read after its buffer was freed).
     */
    @Test
    void anOwnedArrayClosedBeforeBackwardKeepsItsValuesThroughAGarbageCollection() {
        Engine engine = DjlRuntime.engine();
        int n = 4096;
        float[] factor = new float[n];
        for (int i = 0; i < n; i++) {
            factor[i] = (i % 7) - 3f;
        }
        try (NDManager m = NDManager.newBaseManager(engine.defaultDevice(), DjlRuntime.ENGINE)) {
            NDArray w = m.ones(new Shape(n));
            w.setRequiresGradient(true);
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray keep = DjlArrays.owned(m, factor, new Shape(n));
                NDArray loss = w.mul(keep).sum();
                keep.close();
                for (int i = 0; i < 20; i++) {
                    System.gc();
                    ByteBuffer.allocateDirect(n * 4).putFloat(0, 1e30f);
                }
                gc.backward(loss);
            }
            assertThat(w.getGradient().toFloatArray()).containsExactly(factor);
        }
    }
}
