package org.slidebatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.slidebatch.model.ModelTestSupport.images;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WeightsLoaderTest {

    @TempDir
    Path dir;

    @Test
    void timmAndTorchvisionNamedFilesGiveIdenticalFeatures() throws IOException {
        Map<String, SafeTensors.Tensor> timm = ModelTestSupport.lively(5);
        Path timmFile = dir.resolve("timm.safetensors");
        Path tvFile = dir.resolve("torchvision.safetensors");
        Map<String, SafeTensors.Tensor> timmWithFc = new LinkedHashMap<>(timm);
        timmWithFc.put("head.fc.weight", new SafeTensors.Tensor(new long[] {3, 768}, new float[3 * 768]));
        timmWithFc.put("head.fc.bias", new SafeTensors.Tensor(new long[] {3}, new float[3]));
        SafeTensors.write(timmFile, timmWithFc, "F32", Map.of("format", "pt"));
        SafeTensors.write(tvFile, ModelTestSupport.torchvisionNamed(timm), "F32", null);

        WeightsLoader.Loaded a = WeightsLoader.loadSafeTensors(timmFile, FeatureHead.TORCHVISION_GAP);
        WeightsLoader.Loaded b = WeightsLoader.loadSafeTensors(tvFile, FeatureHead.TORCHVISION_GAP);
        assertThat(a.info().naming()).isEqualTo("timm");
        assertThat(b.info().naming()).isEqualTo("torchvision");
        assertThat(a.info().ignoredKeys()).containsExactly("head.norm.weight", "head.norm.bias", "head.fc.weight", "head.fc.bias");
        assertThat(b.info().ignoredKeys()).contains("classifier.0.weight", "classifier.2.weight");
        assertThat(a.info().sha256()).hasSize(64).isEqualTo(WeightsLoader.sha256(timmFile));
        assertThat(a.info().description()).contains(timmFile.getFileName().toString()).contains("sha256 " + a.info().sha256());
        java.util.List<String> differ = new java.util.ArrayList<>();
        for (String k : a.tensors().keySet()) {
            // Arrays.equals: AssertJ's containsExactly diffs large arrays quadratically on a mismatch
            if (!java.util.Arrays.equals(b.tensors().get(k).data(), a.tensors().get(k).data())
                || !java.util.Arrays.equals(a.tensors().get(k).data(), timm.get(k).data())) {
                differ.add(k);
            }
        }
        assertThat(differ).isEmpty();

        float[] x = images(2, 64, 9);
        for (FeatureHead head : FeatureHead.values()) {
            float[] fa;
            float[] fb;
            try (FeatureExtractor ex = FeatureExtractor.open(WeightsSource.file(timmFile), head)) {
                assertThat(ex.randomWeights()).isFalse();
                fa = ex.embedFlat(x, 2, 64, 64);
            }
            try (FeatureExtractor ex = FeatureExtractor.open(WeightsSource.file(tvFile), head)) {
                fb = ex.embedFlat(x, 2, 64, 64);
            }
            assertThat(fb).as(head.name()).containsExactly(fa);
            assertThat(fa).as("features depend on the weights").isNotEqualTo(new float[fa.length]);
        }
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.safetensors");
        assertThatThrownBy(() -> FeatureExtractor.open(WeightsSource.file(missing)))
            .isInstanceOf(WeightsException.class)
            .hasMessage("weights file not found: " + missing.toAbsolutePath());
    }

    @Test
    void unknownKeysAreListed() throws IOException {
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>(WeightsLoader.random(0, FeatureHead.TORCHVISION_GAP).tensors());
        t.put("stages.0.blocks.3.gamma", new SafeTensors.Tensor(new long[] {96}, new float[96]));
        t.put("fc.weight", new SafeTensors.Tensor(new long[] {2}, new float[2]));
        Path f = dir.resolve("extra.safetensors");
        SafeTensors.write(f, t, "F32", null);
        assertThatThrownBy(() -> WeightsLoader.loadSafeTensors(f, FeatureHead.TORCHVISION_GAP))
            .isInstanceOf(WeightsException.class)
            .hasMessageContaining(f.toAbsolutePath().toString())
            .hasMessageContaining("2 unknown keys: stages.0.blocks.3.gamma, fc.weight")
            .message().doesNotContain("missing");
    }

    @Test
    void missingKeysAndWrongShapesAreListed() throws IOException {
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>(
            ModelTestSupport.torchvisionNamed(WeightsLoader.random(0, FeatureHead.TORCHVISION_GAP).tensors()));
        t.remove("features.5.8.block.3.bias");
        t.remove("features.0.0.weight");
        t.put("features.1.0.layer_scale", new SafeTensors.Tensor(new long[] {96}, new float[96]));       // timm's shape
        t.put("features.2.1.weight", new SafeTensors.Tensor(new long[] {192, 96, 3, 3}, new float[192 * 96 * 9]));
        Path f = dir.resolve("broken.safetensors");
        SafeTensors.write(f, t, "F32", null);
        assertThatThrownBy(() -> WeightsLoader.loadSafeTensors(f, FeatureHead.TORCHVISION_GAP))
            .isInstanceOf(WeightsException.class)
            .hasMessageContaining("2 missing keys: features.0.0.weight, features.5.8.block.3.bias")
            .hasMessageContaining("features.1.0.layer_scale has shape (96,), expected (96, 1, 1)")
            .hasMessageContaining("features.2.1.weight has shape (192, 96, 3, 3), expected (192, 96, 2, 2)")
            .message().doesNotContain("unknown");
    }

    @Test
    void timmHeadNeedsTheHeadLayerNorm() throws IOException {
        Path f = dir.resolve("features-only.safetensors");
        SafeTensors.write(f, WeightsLoader.random(0, FeatureHead.TORCHVISION_GAP).tensors(), "F16", null);
        assertThat(WeightsLoader.loadSafeTensors(f, FeatureHead.TORCHVISION_GAP).tensors()).hasSize(178);
        assertThatThrownBy(() -> WeightsLoader.loadSafeTensors(f, FeatureHead.TIMM_POOLED_LAYERNORM))
            .hasMessageContaining("2 missing keys: head.norm.weight, head.norm.bias");
    }

    @Test
    void prefixedKeysGetAHint() throws IOException {
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>();
        WeightsLoader.random(0, FeatureHead.TORCHVISION_GAP).tensors().forEach((k, v) -> t.put("module." + k, v));
        Path f = dir.resolve("ddp.safetensors");
        SafeTensors.write(f, t, "BF16", null);
        assertThatThrownBy(() -> WeightsLoader.loadSafeTensors(f, FeatureHead.TORCHVISION_GAP))
            .hasMessageContaining("178 unknown keys: module.stem.0.weight")
            .hasMessageContaining("… and 138 more")
            .hasMessageContaining("hint: the keys carry a prefix (module.)");
    }

    @Test
    void notSafetensorsNorTorchScriptIsRefused() throws IOException {
        Path f = dir.resolve("weights.pth");
        Files.write(f, new byte[] {(byte) 0x80, 2, 'c', 'x', 0, 0, 0, 0, 0, 0, 0, 0});
        assertThatThrownBy(() -> FeatureExtractor.open(WeightsSource.file(f)))
            .isInstanceOf(WeightsException.class)
            .hasMessageContaining("neither safetensors nor a TorchScript archive");
        Path g = dir.resolve("cut.safetensors");
        Files.write(g, new byte[] {100, 0, 0, 0, 0, 0, 0, 0, '{', '}'});
        assertThatThrownBy(() -> WeightsLoader.loadSafeTensors(g, FeatureHead.TORCHVISION_GAP))
            .hasMessageContaining("not a valid safetensors file").hasMessageContaining("header length 100");
    }

    @Test
    void halfPrecisionFilesAreWidenedExactly() throws IOException {
        float[] values = {0f, 1f, -2.5f, 3.14159265f, 1e-3f, 65504f, -1e-8f, 1234.567f};
        Map<String, SafeTensors.Tensor> t = Map.of("x", new SafeTensors.Tensor(new long[] {2, 4}, values));
        Path f16 = dir.resolve("f16.safetensors");
        Path bf16 = dir.resolve("bf16.safetensors");
        SafeTensors.write(f16, t, "F16", null);
        SafeTensors.write(bf16, t, "BF16", null);
        try (SafeTensors a = SafeTensors.open(f16); SafeTensors b = SafeTensors.open(bf16)) {
            assertThat(a.entries().get("x").dtype()).isEqualTo("F16");
            assertThat(b.entries().get("x").shape()).containsExactly(2, 4);
            float[] ha = a.read("x").data();
            float[] hb = b.read("x").data();
            for (int i = 0; i < values.length; i++) {
                assertThat(ha[i]).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(values[i])));
                assertThat(hb[i]).isEqualTo(Float.intBitsToFloat(Float.floatToIntBits(hb[i]) & 0xFFFF0000));
                assertThat((double) hb[i]).isCloseTo(values[i], org.assertj.core.data.Offset.offset(Math.abs(values[i]) / 128.0 + 1e-12));
            }
            assertThat(hb[1]).isEqualTo(1f);
            assertThat(hb[2]).isEqualTo(-2.5f);
            assertThat(hb[3]).isEqualTo(3.140625f);   // bf16 round to nearest of pi
        }
        assertThat(SafeTensors.bf16ToFloat((short) 0x3F80)).isEqualTo(1f);
        assertThat(SafeTensors.floatToBf16(1.00390625f)).isEqualTo((short) 0x3F80);   // tie → even
        assertThat(SafeTensors.floatToBf16(1.01171875f)).isEqualTo((short) 0x3F82);   // tie → even (up)
    }

    @Test
    void wholeModelFromBf16AndF16FilesRunsAndMatchesTheRoundedWeights() throws IOException {
        Map<String, SafeTensors.Tensor> w = ModelTestSupport.lively(8);
        Path bf = dir.resolve("m.bf16.safetensors");
        SafeTensors.write(bf, w, "BF16", null);
        Map<String, SafeTensors.Tensor> rounded = new LinkedHashMap<>();
        w.forEach((k, v) -> {
            float[] r = v.data().clone();
            for (int i = 0; i < r.length; i++) {
                r[i] = SafeTensors.bf16ToFloat(SafeTensors.floatToBf16(r[i]));
            }
            rounded.put(k, new SafeTensors.Tensor(v.shape(), r));
        });
        Path f32 = dir.resolve("m.rounded.safetensors");
        SafeTensors.write(f32, rounded, "F32", null);
        float[] x = images(1, 64, 2);
        try (FeatureExtractor a = FeatureExtractor.open(WeightsSource.file(bf));
             FeatureExtractor b = FeatureExtractor.open(WeightsSource.file(f32))) {
            assertThat(a.embedFlat(x, 1, 64, 64)).containsExactly(b.embedFlat(x, 1, 64, 64));
        }
    }

    @Test
    void safetensorsWrittenByPythonIsReadAsNumpyReadsIt() throws Exception {
        ModelTestSupport.assumePython("numpy");
        String script = """
            import json, struct, sys
            import numpy as np
            out = sys.argv[1]
            rng = np.random.default_rng(0)
            dims, depths = [96, 192, 384, 768], [3, 3, 9, 3]
            sd = {"features.0.0.weight": (96, 3, 4, 4), "features.0.0.bias": (96,),
                  "features.0.1.weight": (96,), "features.0.1.bias": (96,)}
            for s in range(4):
                d = dims[s]
                if s:
                    sd["features.%d.0.weight" % (2 * s)] = (dims[s - 1],)
                    sd["features.%d.0.bias" % (2 * s)] = (dims[s - 1],)
                    sd["features.%d.1.weight" % (2 * s)] = (d, dims[s - 1], 2, 2)
                    sd["features.%d.1.bias" % (2 * s)] = (d,)
                for b in range(depths[s]):
                    p = "features.%d.%d." % (2 * s + 1, b)
                    sd[p + "layer_scale"] = (d, 1, 1)
                    sd[p + "block.0.weight"] = (d, 1, 7, 7); sd[p + "block.0.bias"] = (d,)
                    sd[p + "block.2.weight"] = (d,); sd[p + "block.2.bias"] = (d,)
                    sd[p + "block.3.weight"] = (4 * d, d); sd[p + "block.3.bias"] = (4 * d,)
                    sd[p + "block.5.weight"] = (d, 4 * d); sd[p + "block.5.bias"] = (d,)
            sd.update({"classifier.0.weight": (768,), "classifier.0.bias": (768,),
                       "classifier.2.weight": (5, 768), "classifier.2.bias": (5,)})
            dtype_of = lambda k: "F16" if k.startswith("features.0.") else "BF16" if k.startswith("features.7.1.") else "F32"
            header, blobs, offset, expect = {"__metadata__": {"format": "pt"}}, [], 0, {}
            for k in sorted(sd):                       # the reference writer sorts; so do we
                a = (rng.standard_normal(sd[k]) * 0.02).astype(np.float32)
                dt = dtype_of(k)
                if dt == "F16":
                    raw = a.astype("<f2"); back = raw.astype(np.float32)
                elif dt == "BF16":
                    u = a.view(np.uint32).astype(np.uint64)
                    raw = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2")   # round to nearest even
                    back = (raw.astype(np.uint32) << 16).view(np.float32)
                else:
                    raw = a.astype("<f4"); back = a
                b = raw.tobytes()
                header[k] = {"dtype": dt, "shape": list(sd[k]), "data_offsets": [offset, offset + len(b)]}
                blobs.append(b); offset += len(b)
                expect[k] = {"sum": float(back.astype(np.float64).sum()), "first": [float(v) for v in back.reshape(-1)[:3]]}
            h = json.dumps(header).encode("utf-8")
            h += b" " * (-len(h) % 8)
            with open(out, "wb") as f:
                f.write(struct.pack("<Q", len(h))); f.write(h)
                for b in blobs: f.write(b)
            print(json.dumps(expect))
            """;
        Path file = dir.resolve("python.safetensors");
        String json = ModelTestSupport.python(dir, script, file.toString());
        com.google.gson.JsonObject expect = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
        assertThat(expect.size()).isEqualTo(182);

        WeightsLoader.Loaded loaded = WeightsLoader.loadSafeTensors(file, FeatureHead.TIMM_POOLED_LAYERNORM);
        assertThat(loaded.info().naming()).isEqualTo("torchvision");
        assertThat(loaded.info().ignoredKeys()).containsExactlyInAnyOrder("classifier.2.weight", "classifier.2.bias");
        int checked = 0;
        for (String key : expect.keySet()) {
            if (key.startsWith("classifier.2.")) {
                continue;
            }
            String ours = mapped(key);
            float[] v = loaded.tensors().get(ours).data();
            com.google.gson.JsonObject e = expect.getAsJsonObject(key);
            double sum = 0;
            for (float f : v) {
                sum += f;
            }
            assertThat(sum).as(key).isCloseTo(e.get("sum").getAsDouble(), org.assertj.core.data.Offset.offset(1e-9));
            for (int i = 0; i < 3 && i < v.length; i++) {
                assertThat(v[i]).as(key + "[" + i + "]").isEqualTo(e.getAsJsonArray("first").get(i).getAsFloat());
            }
            checked++;
        }
        assertThat(checked).isEqualTo(180);
        try (SafeTensors st = SafeTensors.open(file)) {
            assertThat(st.metadata()).containsEntry("format", "pt");
            assertThat(st.entries().get("features.0.0.weight").dtype()).isEqualTo("F16");
            assertThat(st.entries().get("features.7.1.block.3.weight").dtype()).isEqualTo("BF16");
        }
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.file(file), FeatureHead.TIMM_POOLED_LAYERNORM)) {
            float[] f = fx.embedFlat(images(1, 64, 1), 1, 64, 64);
            for (float v : f) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    private static String mapped(String torchvisionKey) {
        return WeightsLoader.map(torchvisionKey).canonical();
    }
}
