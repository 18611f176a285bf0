package org.slidebatch.grade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity with scripts/python/grade_reference.py's PyTorch build of NB11's MILModel (OSFM-spec §15), small dims:
 * eval logits on a padded two-scale batch (slides shorter than TOPK_MIN, a one-token slide, top-k below n), and
 * weights (every element whose gradient is not identically 0) and EMA shadow after two NB11 steps with dropout off and clipping engaged (pins the loss, the clip on the
 * true gradients, AdamW and the EMA). Skipped without Debian's python3-torch.
 */
class GradeParityTest {

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

    @Test
    void forwardAndTwoTrainingStepsMatchPyTorchWithin1e4() throws Exception {
        assumeTorch();
        Path script = Path.of("scripts/python/parity_grade.py").toAbsolutePath();
        // d 32, 4 heads, FFN 64, scorer 16, hidden 24, TOPK_MIN 3; 4 slides of ≤ 40 / ≤ 12 tokens; max grad norm 0.5
        Process p = new ProcessBuilder(PYTHON, script.toString(), dir.toString(), "32", "4", "64", "16", "24", "3", "4",
            "40", "12", "7", "0.5").redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(Files.readString(dir.resolve("ref_step.json"))).as("clipping must engage")
            .containsPattern("\"grad_norm\": 0\\.[6-9]");
        GradeParity.Result r = GradeParity.run(dir);
        System.out.println("grade parity (max |ours - torch|): " + r);
        assertThat(r.logits()).isLessThan(1e-4);
        assertThat(r.loss()).isLessThan(1e-4);
        assertThat(r.gradNorm()).isLessThan(1e-4);
        assertThat(r.weights()).isLessThan(1e-4);
        assertThat(r.ema()).isLessThan(1e-4);
        // the scorer's output bias and the key bias have a true gradient of 0 (GradeParity.isDead): Adam turns the
        // rounding noise into steps of at most ~lr each, so they agree only to the sum of the learning rates
        assertThat(r.deadWeights()).isLessThanOrEqualTo(2 * r.lrSum());
    }
}
