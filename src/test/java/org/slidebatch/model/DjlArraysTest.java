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

    /**
     * The same for a number autograd saves: DJL's {@code w.mul(3f)} gave gradients of 1e30 after this garbage
     * collection (its factor is a from_blob view on a freed buffer); an owned scalar keeps 3, bit for bit the product's.
     */
    @Test
    void anOwnedScalarFactorKeepsItsValueThroughAGarbageCollection() {
        Engine engine = DjlRuntime.engine();
        int n = 64;
        try (NDManager m = NDManager.newBaseManager(engine.defaultDevice(), DjlRuntime.ENGINE)) {
            NDArray w = m.ones(new Shape(n));
            w.setRequiresGradient(true);
            float[] product;
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray factor = DjlArrays.scalar(m, 3f);
                assertThat(factor.getShape().dimension()).isZero();
                NDArray y = w.mul(factor);
                product = y.toFloatArray();
                NDArray loss = y.sum();
                factor.close();
                java.util.List<ByteBuffer> garbage = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    System.gc();
                    for (int j = 0; j < 100; j++) {
                        garbage.add(ByteBuffer.allocateDirect(4).order(java.nio.ByteOrder.nativeOrder()).putFloat(0, 1e30f));
                    }
                }
                gc.backward(loss);
            }
            float[] three = new float[n];
            java.util.Arrays.fill(three, 3f);
            assertThat(product).containsExactly(three);
            assertThat(w.getGradient().toFloatArray()).containsExactly(three);
        }
    }
}
