package org.slidebatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TorchScript modules written by Debian's python3-torch (skipped without it): small stand-ins, not ConvNeXt. */
class TorchScriptTest {

    @TempDir
    Path dir;

    @Test
    void pooledAndMapOutputsAreAccepted() throws Exception {
        ModelTestSupport.assumePython("numpy, torch");
        Path pooled = dir.resolve("pooled.pt");
        Path map = dir.resolve("map.pt");
        Path wrong = dir.resolve("wrong.pt");
        ModelTestSupport.python(dir, """
            import sys, torch
            class Pooled(torch.nn.Module):        # N×3×H×W → N×768: per-channel means, tiled
                def forward(self, x):
                    return x.mean(dim=(2, 3)).repeat(1, 256)
            class Map(torch.nn.Module):           # N×3×H×W → N×768×h×w
                def forward(self, x):
                    return torch.nn.functional.avg_pool2d(x, 4).repeat(1, 256, 1, 1)
            class Wrong(torch.nn.Module):
                def forward(self, x):
                    return x.mean(dim=(2, 3))
            ex = torch.zeros(1, 3, 32, 32)
            for m, p in ((Pooled(), sys.argv[1]), (Map(), sys.argv[2]), (Wrong(), sys.argv[3])):
                torch.jit.trace(m.eval(), ex).save(p)
            """, pooled.toString(), map.toString(), wrong.toString());
        assertThat(WeightsLoader.detect(pooled)).isEqualTo(WeightsLoader.Format.TORCHSCRIPT);
        float[] x = ModelTestSupport.images(2, 32, 4);
        float[] means = new float[6];
        for (int i = 0; i < 6; i++) {
            double s = 0;
            for (int j = 0; j < 32 * 32; j++) {
                s += x[i * 1024 + j];
            }
            means[i] = (float) (s / 1024);
        }
        for (Path p : new Path[] {pooled, map}) {
            try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.file(p))) {
                assertThat(fx.weights().format()).isEqualTo("torchscript");
                assertThat(fx.weightsDescription()).contains(p.toString()).contains("sha256");
                float[] f = fx.embedFlat(x, 2, 32, 32);
                assertThat(f).hasSize(2 * 768);
                for (int n = 0; n < 2; n++) {
                    for (int c = 0; c < 768; c++) {
                        assertThat(f[n * 768 + c]).isCloseTo(means[n * 3 + c % 3], org.assertj.core.data.Offset.offset(1e-5f));
                    }
                }
            }
        }
        try (FeatureExtractor fx = FeatureExtractor.open(WeightsSource.file(wrong))) {
            assertThatThrownBy(() -> fx.embedFlat(x, 2, 32, 32)).isInstanceOf(WeightsException.class)
                .hasMessageContaining("returned shape (2, 3)");
        }
        assertThatThrownBy(() -> FeatureExtractor.open(WeightsSource.file(pooled), FeatureHead.TIMM_POOLED_LAYERNORM))
            .isInstanceOf(WeightsException.class).hasMessageContaining("defines its own output");
    }
}
