package org.slidebatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainable ConvNeXt-Tiny against torchvision's convnext_tiny in train mode (skipped without Debian's python3-torch
 * and python3-torchvision): one backward pass on 2 images of 64×64 with every parameter drawn; parameter gradients
 * within 1e-4 with stochastic depth off, and again with stochastic depth 0.1 on, its keep/drop decisions replayed from
 * the same uniform draws on both sides. The reference program is scripts/python/backbone_train.py (also run by
 * scripts/parity-backbone-train).
 */
class BackboneTrainParityTest {

    @TempDir
    Path dir;

    @Test
    void parameterGradientsMatchTorchvisionWithStochasticDepthOffAndReplayed() throws Exception {
        ModelTestSupport.assumePython("numpy, torch, torchvision");
        int n = 2;
        int size = 64;
        Path script = Path.of("scripts/python/backbone_train.py").toAbsolutePath();
        ModelTestSupport.python(dir, java.nio.file.Files.readString(script), dir.toString(), "3", "" + n, "" + size);
        var weights = WeightsLoader.loadSafeTensors(dir.resolve("weights.safetensors"), FeatureHead.TORCHVISION_GAP).tensors();
        float[] images = Npy.read(dir.resolve("images.npy"));
        float[] probe = Npy.read(dir.resolve("probe.npy"));
        float[] draws = Npy.read(dir.resolve("draws.npy"));

        var reference = tools.jackson.databind.json.JsonMapper.builder().build().readTree(dir.resolve("reference.json").toFile());

        BackboneProbe.Result off = BackboneProbe.run(weights, images, n, size, size, probe, null);
        assertThat(off.loss()).isCloseTo(reference.get("loss_sd_off").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
        compare(off, dir.resolve("grads_sd_off.safetensors"));
        BackboneProbe.Result on = BackboneProbe.run(weights, images, n, size, size, probe, draws);
        assertThat(on.loss()).isCloseTo(reference.get("loss_sd_on").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
        assertThat(on.loss()).isNotCloseTo(off.loss(), org.assertj.core.data.Offset.offset(1e-3)); // the draws dropped blocks
        compare(on, dir.resolve("grads_sd_on.safetensors"));
    }

    static void compare(BackboneProbe.Result ours, Path reference) {
        Map<String, SafeTensors.Tensor> ref;
        try (SafeTensors st = SafeTensors.open(reference)) {
            ref = new java.util.LinkedHashMap<>();
            for (String k : st.entries().keySet()) {
                ref.put(k, st.read(k));
            }
        }
        assertThat(ours.gradients().keySet()).containsExactlyInAnyOrderElementsOf(ref.keySet());
        float worst = 0;
        String where = null;
        for (var e : ref.entrySet()) {
            float d = ModelTestSupport.maxAbsDiff(ours.gradients().get(e.getKey()).data(), e.getValue().data());
            if (d > worst) {
                worst = d;
                where = e.getKey();
            }
        }
        System.out.printf("backbone gradient parity %s: max |Δ| %.3e at %s%n", reference.getFileName(), worst, where);
        assertThat(worst).as("largest gradient difference (at %s) for %s", where, reference.getFileName())
            .isLessThanOrEqualTo(1e-4f);
    }
}
