package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.model.mil.AggregatorConfig;

/**
 * Parity with PyTorch's {@code nn.TransformerEncoder(norm_first=True, batch_first=True)} build of OpenSlideFM's
 * aggregator (scripts/python/osfm_reference.py), small dims: eval outputs on a padded batch, and the weights of
 * student, EMA teacher and decoder after two phase-1 steps with dropout off (pins losses, AdamW and EMA).
 * Skipped without Debian's python3-torch.
 */
class AggregatorParityTest {

    static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    static void assumeTorch() throws Exception {
        boolean ok = Files.isExecutable(Path.of(PYTHON));
        if (ok) {
            Process p = new ProcessBuilder(PYTHON, "-c", "import numpy, torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            ok = p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0;
        }
        assumeTrue(ok, "skipped: " + PYTHON + " cannot import numpy, torch (Debian: python3-torch, python3-numpy)");
    }

    static void reference(Path out, AggregatorConfig c, int batch, int tokens, long seed) throws Exception {
        Path script = Path.of("scripts/python/parity_aggregator.py").toAbsolutePath();
        Process p = new ProcessBuilder(PYTHON, script.toString(), out.toString(), "" + c.dModel(), "" + c.heads(),
            "" + c.layers(), "" + c.decDim(), "" + c.decHeads(), "" + c.decLayers(), "" + batch, "" + tokens, "" + seed)
            .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
    }

    @Test
    void forwardAndTwoTrainingStepsMatchPyTorchWithin1e4() throws Exception {
        assumeTorch();
        AggregatorConfig c = new AggregatorConfig(32, 4, 2, 4, 0.1f, 16, 2, 2);
        reference(dir, c, 3, 12, 7);
        AggregatorParity.Result r = AggregatorParity.run(dir, c);
        System.out.println("aggregator parity (max |ours - torch|): " + r);
        assertThat(r.gProj()).isLessThan(1e-4);
        assertThat(r.gPred()).isLessThan(1e-4);
        assertThat(r.tokens()).isLessThan(1e-4);
        assertThat(r.loss()).isLessThan(1e-4);
        assertThat(r.student()).isLessThan(1e-4);
        assertThat(r.teacher()).isLessThan(1e-4);
        assertThat(r.decoder()).isLessThan(1e-4);
    }
}
