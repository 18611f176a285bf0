package org.slidebatch.model;

import java.util.Map;
import java.util.random.RandomGenerator;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

/**
 * One backward pass of the trainable backbone on a fixed linear probe, {@code loss = Σ features ⊙ probe}: the
 * computation {@code scripts/parity-backbone-train} compares with torchvision's convnext_tiny in train mode. With
 * {@code draws} (uniform numbers, blocks 1..17 × samples, in that order) stochastic depth is on and its keep/drop
 * decisions replay those numbers; without, it is off.
 */
public final class BackboneProbe {

    public record Result(double loss, Map<String, SafeTensors.Tensor> gradients) {
    }

    private BackboneProbe() {
    }

    public static Result run(Map<String, SafeTensors.Tensor> weights, float[] images, int n, int height, int width,
                             float[] probe, float[] draws) {
        if (images.length != (long) n * 3 * height * width || probe.length != (long) n * ConvNextTiny.FEATURE_DIM) {
            throw new IllegalArgumentException("images must be N×3×H×W and the probe N×768 for N = " + n);
        }
        Engine engine = DjlRuntime.engine();
        try (NDManager base = NDManager.newBaseManager(engine.defaultDevice(), DjlRuntime.ENGINE);
             TrainableBackbone backbone = TrainableBackbone.create(base, weights, true)) {
            double loss;
            try (NDManager step = base.newSubManager(); GradientCollector gc = engine.newGradientCollector()) {
                NDArray x = DjlArrays.owned(step, images, new Shape(n, 3, height, width));
                NDArray p = DjlArrays.owned(step, probe, new Shape(n, ConvNextTiny.FEATURE_DIM));
                NDArray features = backbone.forward(x, true, draws == null ? null : replay(draws));
                NDArray l = features.mul(p).sum();
                gc.backward(l);
                loss = l.getFloat();
            }
            return new Result(loss, backbone.gradients());
        }
    }

    /** A generator whose nextDouble() returns the given numbers in order, and fails when they run out. */
    public static RandomGenerator replay(float[] values) {
        return new RandomGenerator() {
            private int next;

            @Override
            public double nextDouble() {
                if (next >= values.length) {
                    throw new IllegalStateException("replayed draws exhausted after " + values.length);
                }
                return values[next++];
            }

            @Override
            public long nextLong() {
                throw new UnsupportedOperationException("replayed draws give doubles only");
            }
        };
    }
}
