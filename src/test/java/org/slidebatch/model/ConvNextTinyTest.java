package org.slidebatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.slidebatch.model.ModelTestSupport.images;

import ai.djl.nn.Parameter;

class ConvNextTinyTest {


    @Test
    void expectedShapesCountTimmAndTorchvisionParameters() {
        long features = count(ConvNextTiny.expectedShapes(FeatureHead.TORCHVISION_GAP));
        long withNorm = count(ConvNextTiny.expectedShapes(FeatureHead.TIMM_POOLED_LAYERNORM));
        assertThat(features).isEqualTo(ConvNextTiny.FEATURES_PARAMETER_COUNT).isEqualTo(27_818_592L);
        assertThat(withNorm - features).isEqualTo(2 * 768);
        // + the 1000-class Linear = timm's / torchvision's published convnext_tiny count
        assertThat(withNorm + 768L * 1000 + 1000).isEqualTo(ConvNextTiny.IMAGENET_CLASSIFIER_PARAMETER_COUNT).isEqualTo(28_589_128L);
        assertThat(ConvNextTiny.expectedShapes(FeatureHead.TORCHVISION_GAP).size()).isEqualTo(178); // torchvision state dict: 182 less classifier.{0,2}.{weight,bias}
    }

    @Test
    void djlNetworkHoldsExactlyTheseParametersAndRunsABatch() {
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.random(7), FeatureHead.TIMM_POOLED_LAYERNORM)) {
            long n = 0;
            for (Parameter p : fx.network().getParameters().values()) {
                n += p.getArray().getShape().size();
            }
            assertThat(n).isEqualTo(ConvNextTiny.FEATURES_PARAMETER_COUNT + 2 * 768);
            assertThat(fx.network().parameters().size()).isEqualTo(180);
            for (Map.Entry<String, long[]> e : ConvNextTiny.expectedShapes(FeatureHead.TIMM_POOLED_LAYERNORM).entrySet()) {
                assertThat(fx.network().parameters().get(e.getKey()).getArray().getShape().getShape()).as(e.getKey()).containsExactly(e.getValue());
            }
            long t0 = System.nanoTime();
            float[][] f = fx.embed(images(2, 224, 1), 2);
            System.out.printf("batch of 2 at 224: %.2f s, threads %d%n", (System.nanoTime() - t0) / 1e9, fx.threads());
            assertThat(f).hasNumberOfRows(2);
            assertThat(f[0]).hasSize(768);
            // LayerNorm head: per-row mean 0, variance 1 (weights 1, bias 0 at init)
            double mean = 0;
            for (float v : f[0]) {
                mean += v;
            }
            assertThat(mean / 768).isBetween(-1e-4, 1e-4);
        }
    }

    @Test
    void randomInitialisationIsDeterministicAndFlagged() {
        float[] x = images(2, 64, 3);
        float[] a;
        float[] b;
        float[] c;
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.random(11))) {
            assertThat(fx.randomWeights()).isTrue();
            assertThat(fx.weightsDescription()).isEqualTo("RANDOM (seed 11) — not a trained model");
            assertThat(fx.weights().toMap()).containsEntry("random", true).containsEntry("seed", 11L);
            assertThat(fx.threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
            a = fx.embedFlat(x, 2, 64, 64);
            // the same batch twice, and each image alone, give the same rows
            assertThat(fx.embedFlat(x, 2, 64, 64)).containsExactly(a);
            float[] first = fx.embedFlat(java.util.Arrays.copyOf(x, 3 * 64 * 64), 1, 64, 64);
            assertThat(ModelTestSupport.maxAbsDiff(first, java.util.Arrays.copyOf(a, 768))).isLessThan(1e-5f);
        }
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.random(11))) {
            b = fx.embedFlat(x, 2, 64, 64);
        }
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.random(12))) {
            c = fx.embedFlat(x, 2, 64, 64);
        }
        assertThat(b).containsExactly(a);
        assertThat(ModelTestSupport.maxAbsDiff(a, c)).isGreaterThan(1e-4f);
        assertThat(WeightsLoader.random(11, FeatureHead.TORCHVISION_GAP).tensors().get("stem.0.weight").data())
            .containsExactly(WeightsLoader.random(11, FeatureHead.TORCHVISION_GAP).tensors().get("stem.0.weight").data());
    }

    @Test
    void rejectsInputsOfTheWrongSize() {
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.random(0))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> fx.embedFlat(new float[10], 1, 64, 64))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1×3×64×64");
        }
    }

    private static long count(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] s : shapes.values()) {
            long k = 1;
            for (long d : s) {
                k *= d;
            }
            n += k;
        }
        return n;
    }
}
