package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.model.mil.AggregatorConfig;

/**
 * One phase-2 update against PyTorch (scripts/python/parity_phase2.py: torchvision convnext_tiny + the reference
 * aggregator of osfm_reference.py), same weights, tiles and mask, stochastic depth and dropout off: the updated backbone,
 * backbone teacher, aggregator student and teacher and the decoder within 1e-4 — this pins the backbone's gradients in
 * the full loss, the masked student input, the single-direction loss, the two AdamW groups and both EMAs together.
 * 6 tiles of 64×64 and a one-layer aggregator (d 768, as the backbone's features). Skipped without python3-torch.
 */
class Phase2StepParityTest {

    @TempDir
    Path dir;

    @Test
    void onePhase2StepMatchesPyTorchWithin1e4() throws Exception {
        AggregatorParityTest.assumeTorch();
        AggregatorConfig c = new AggregatorConfig(768, 2, 1, 4, 0.1f, 64, 2, 1);
        Path script = Path.of("scripts/python/parity_phase2.py").toAbsolutePath();
        Process p = new ProcessBuilder(AggregatorParityTest.PYTHON, script.toString(), dir.toString(), "6", "64",
            "" + c.heads(), "" + c.layers(), "" + c.decDim(), "" + c.decHeads(), "" + c.decLayers(), "5")
            .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        Phase2Parity.Result r = Phase2Parity.run(dir, c);
        System.out.println("phase-2 step parity (max |ours - torch|): " + r);
        assertThat(r.loss()).isLessThan(1e-4);
        assertThat(r.backbone()).isLessThan(1e-4);
        assertThat(r.backboneTeacher()).isLessThan(1e-4);
        assertThat(r.student()).isLessThan(1e-4);
        assertThat(r.teacher()).isLessThan(1e-4);
        assertThat(r.decoder()).isLessThan(1e-4);
    }
}
