package org.slidebatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with torchvision's convnext_tiny on the same weights and inputs (skipped without Debian's python3-torch and
 * python3-torchvision): a quick 2-image, 64×64 version of {@code scripts/parity-convnext} (224×224, both key namings,
 * TorchScript). Every parameter is drawn (layer scale 0.1–0.5, LayerNorms, biases), so each one matters.
 */
class TorchvisionParityTest {

    @TempDir
    Path dir;

    @Test
    void featuresMatchTorchvisionWithin1e4() throws Exception {
        ModelTestSupport.assumePython("numpy, torch, torchvision");
        Path weights = dir.resolve("tv.safetensors");
        Path images = dir.resolve("images.npy");
        Path reference = dir.resolve("reference.npy");
        Path referenceTimm = dir.resolve("reference_timm.npy");
        ModelTestSupport.python(dir, """
            import json, struct, sys
            import numpy as np, torch, torchvision
            weights, images, reference, reference_timm = sys.argv[1:5]
            torch.manual_seed(1)
            m = torchvision.models.convnext_tiny(weights=None).eval()
            with torch.no_grad():
                for mod in m.modules():
                    if isinstance(mod, torch.nn.LayerNorm):
                        mod.weight.normal_(1.0, 0.1); mod.bias.normal_(0.0, 0.1)
                    elif isinstance(mod, (torch.nn.Conv2d, torch.nn.Linear)):
                        mod.bias.normal_(0.0, 0.02)
                    if hasattr(mod, "layer_scale"):
                        mod.layer_scale.uniform_(0.1, 0.5)
            header, blobs, off = {}, [], 0
            for k, v in m.state_dict().items():
                a = np.ascontiguousarray(v.numpy(), dtype="<f4")
                header[k] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [off, off + a.nbytes]}
                blobs.append(a.tobytes()); off += a.nbytes
            h = json.dumps(header).encode(); h += b" " * (-len(h) % 8)
            with open(weights, "wb") as f:
                f.write(struct.pack("<Q", len(h))); f.write(h); [f.write(b) for b in blobs]
            x = np.random.default_rng(1).standard_normal((2, 3, 64, 64)).astype(np.float32)
            np.save(images, x)
            with torch.no_grad():
                f = torch.flatten(torch.nn.functional.adaptive_avg_pool2d(m.features(torch.from_numpy(x)), 1), 1)
                g = torch.nn.functional.layer_norm(f, (768,), m.classifier[0].weight, m.classifier[0].bias, 1e-6)
            np.save(reference, f.numpy()); np.save(reference_timm, g.numpy())
            """, weights.toString(), images.toString(), reference.toString(), referenceTimm.toString());
        float[] x = Npy.read(images);
        float[] ref = Npy.read(reference);
        float[] refTimm = Npy.read(referenceTimm);
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.file(weights))) {
            float[] ours = fx.embedFlat(x, 2, 64, 64);
            assertThat(ModelTestSupport.maxAbsDiff(ours, ref)).isLessThanOrEqualTo(1e-4f);
        }
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.file(weights), FeatureHead.TIMM_POOLED_LAYERNORM)) {
            float[] ours = fx.embedFlat(x, 2, 64, 64);
            assertThat(ModelTestSupport.maxAbsDiff(ours, refTimm)).isLessThanOrEqualTo(1e-4f);
        }
    }
}
