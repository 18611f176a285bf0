package org.slidebatch.model.mil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.WeightsException;

class AggregatorModelTest {

    @TempDir
    Path dir;

    static final AggregatorConfig TINY = new AggregatorConfig(16, 2, 2, 4, 0.1f, 8, 2, 1);

    @Test
    void parameterCountsAreTheSpecsAtFullSize() {
        AggregatorConfig c = AggregatorConfig.openSlideFm();
        assertThat(AggregatorConfig.count(c.studentShapes())).isEqualTo(45_188_352L);
        assertThat(AggregatorConfig.count(c.decoderShapes())).isEqualTo(4_141_056L);
        Map<String, long[]> noPredictor = new LinkedHashMap<>(c.studentShapes());
        noPredictor.keySet().removeIf(k -> k.startsWith("pred_global."));
        assertThat(AggregatorConfig.count(noPredictor)).isEqualTo(44_007_168L);
        assertThat(c.studentShapes()).hasSize(4 + 6 * 12 + 2 + 8);
        assertThat(c.studentShapes().get("enc.layers.5.self_attn.in_proj_weight")).containsExactly(2304, 768);
        assertThat(c.decoderShapes().get("enc.layers.1.linear1.weight")).containsExactly(1536, 384);
        try (NDManager m = DjlRuntime.engine().newBaseManager(); NamedParams p = NamedParams.init(m, c.studentShapes(), 1)) {
            assertThat(p.count()).isEqualTo(45_188_352L);
        }
    }

    @Test
    void weightsRoundTripWithPyTorchNamesAndGiveTheSameEmbedding() {
        Path file = dir.resolve("student.safetensors");
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NamedParams a = NamedParams.init(m, TINY.studentShapes(), 3);
            a.save(file, Map.of("format", "pt"));
            NamedParams b = NamedParams.load(m, file, "an aggregator", TINY.studentShapes());
            float[] ea = embed(m, a);
            float[] eb = embed(m, b);
            assertThat(eb).containsExactly(ea);
            // padding must not change the embedding: the same slide with 3 extra padded tokens
            try (NDManager sm = m.newSubManager()) {
                int t = 5;
                float[] feats = feats(t, 16);
                float[] pos = new float[t * 3];
                float[] featsPadded = java.util.Arrays.copyOf(feats, (t + 3) * 16);
                float[] posPadded = java.util.Arrays.copyOf(pos, (t + 3) * 3);
                boolean[] pad = new boolean[t + 3];
                java.util.Arrays.fill(pad, t, t + 3, true);
                NDArray e1 = MilTransformer.embed(TINY, a, sm.create(feats, new Shape(1, t, 16)), sm.create(pos, new Shape(1, t, 3)),
                    Layers.paddingMask(sm, new boolean[t], 1, t, false), Layers.paddingMask(sm, new boolean[t], 1, t, true));
                NDArray e2 = MilTransformer.embed(TINY, a, sm.create(featsPadded, new Shape(1, t + 3, 16)),
                    sm.create(posPadded, new Shape(1, t + 3, 3)), Layers.paddingMask(sm, pad, 1, t + 3, false),
                    Layers.paddingMask(sm, pad, 1, t + 3, true));
                float[] x = e1.toFloatArray();
                float[] y = e2.toFloatArray();
                for (int i = 0; i < x.length; i++) {
                    assertThat(y[i]).isCloseTo(x[i], org.assertj.core.data.Offset.offset(1e-5f));
                }
            }
        }
    }

    @Test
    void wrongOrMissingKeysAreRefusedNamingFileAndKeys() throws Exception {
        Path file = dir.resolve("bad.safetensors");
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        try (NDManager m = DjlRuntime.engine().newBaseManager(); NamedParams a = NamedParams.init(m, TINY.studentShapes(), 3)) {
            t.putAll(a.toTensors(""));
        }
        t.remove("ln.bias");
        t.put("module.ln.bias", new SafeTensors.Tensor(new long[] {16}, new float[16]));
        t.put("pos.proj.0.weight", new SafeTensors.Tensor(new long[] {3, 8}, new float[24]));
        SafeTensors.write(file, t, "F32", Map.of());
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            assertThatThrownBy(() -> NamedParams.load(m, file, "an aggregator", TINY.studentShapes()))
                .isInstanceOf(WeightsException.class)
                .hasMessageContaining(file.toAbsolutePath().toString())
                .hasMessageContaining("1 unknown key: module.ln.bias")
                .hasMessageContaining("1 missing key: ln.bias")
                .hasMessageContaining("pos.proj.0.weight has shape (3, 8), expected (8, 3)");
            assertThatThrownBy(() -> NamedParams.load(m, dir.resolve("none.safetensors"), "an aggregator", TINY.studentShapes()))
                .isInstanceOf(WeightsException.class).hasMessageContaining("weights file not found");
        }
    }

    private static float[] feats(int t, int d) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        float[] f = new float[t * d];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) r.nextGaussian();
        }
        return f;
    }

    private static float[] embed(NDManager m, NamedParams p) {
        try (NDManager sm = m.newSubManager()) {
            int t = 6;
            boolean[] pad = new boolean[t];
            return MilTransformer.embed(TINY, p, sm.create(feats(t, 16), new Shape(1, t, 16)), sm.zeros(new Shape(1, t, 3)),
                Layers.paddingMask(sm, pad, 1, t, false), Layers.paddingMask(sm, pad, 1, t, true)).toFloatArray();
        }
    }
}
