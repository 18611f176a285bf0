package org.slidebatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Stochastic depth of the trainable backbone without PyTorch: torchvision's per-block rates, and the two extremes of
 * the keep/drop draws against the eval network with the layer scales changed accordingly (all dropped ⇔ γ = 0 in
 * blocks 1..17; all kept ⇔ γ / (1 − p)). Eval mode and train mode without draws give the inference features.
 */
class StochasticDepthTest {

    @Test
    void ratesGrowLinearlyOverTheEighteenBlocksAsTorchvision() {
        double[] p = ConvNextTiny.stochasticDepthProbabilities(0.1);
        assertThat(p).hasSize(18);
        for (int i = 0; i < 18; i++) {
            assertThat(p[i]).isCloseTo(0.1 * i / 17.0, within(1e-15));
        }
        assertThat(p[0]).isZero();
        assertThat(p[17]).isEqualTo(0.1);
    }

    @Test
    void allDroppedAndAllKeptMatchTheEvalNetworkWithRescaledLayerScales() {
        Map<String, SafeTensors.Tensor> w = ModelTestSupport.lively(11);
        w.keySet().removeIf(k -> k.startsWith("head."));
        float[] images = ModelTestSupport.images(2, 64, 5);
        double[] p = ConvNextTiny.stochasticDepthProbabilities(0.1);
        Map<String, SafeTensors.Tensor> dropped = new LinkedHashMap<>(w);
        Map<String, SafeTensors.Tensor> kept = new LinkedHashMap<>(w);
        int block = 0;
        for (int s = 0; s < 4; s++) {
            for (int b = 0; b < ConvNextTiny.DEPTHS[s]; b++, block++) {
                if (block == 0) {
                    continue;
                }
                String k = "stages." + s + ".blocks." + b + ".gamma";
                float[] g = w.get(k).data();
                float[] zero = new float[g.length];
                float[] scaled = new float[g.length];
                float factor = 1f / (float) (1.0 - p[block]);
                for (int i = 0; i < g.length; i++) {
                    scaled[i] = g[i] * factor;
                }
                dropped.put(k, new SafeTensors.Tensor(w.get(k).shape(), zero));
                kept.put(k, new SafeTensors.Tensor(w.get(k).shape(), scaled));
            }
        }
        try (NDManager m = NDManager.newBaseManager(DjlRuntime.engine().defaultDevice(), DjlRuntime.ENGINE);
             TrainableBackbone net = TrainableBackbone.create(m, w, false);
             TrainableBackbone netDropped = TrainableBackbone.create(m, dropped, false);
             TrainableBackbone netKept = TrainableBackbone.create(m, kept, false)) {
            NDArray x = m.create(images, new Shape(2, 3, 64, 64));
            float[] allDropped = net.forward(x, true, BackboneProbe.replay(filled(17 * 2, 0.99999f))).toFloatArray();
            float[] allKept = net.forward(x, true, BackboneProbe.replay(filled(17 * 2, 0f))).toFloatArray();
            float[] eval = net.forward(x, false, null).toFloatArray();
            float[] trainNoDrop = net.forward(x, true, null).toFloatArray();
            assertThat(ModelTestSupport.maxAbsDiff(allDropped, netDropped.forward(x, false, null).toFloatArray())).isLessThanOrEqualTo(1e-5f);
            assertThat(ModelTestSupport.maxAbsDiff(allKept, netKept.forward(x, false, null).toFloatArray())).isLessThanOrEqualTo(1e-5f);
            assertThat(ModelTestSupport.maxAbsDiff(allKept, eval)).isGreaterThan(1e-3f); // the 1/(1−p) scaling matters
            assertThat(trainNoDrop).containsExactly(eval);
            try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.random(0))) {
                assertThat(fx.embedFlat(images, 2, 64, 64)).hasSize(2 * 768); // the inference path still runs
            }
        }
    }

    static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
