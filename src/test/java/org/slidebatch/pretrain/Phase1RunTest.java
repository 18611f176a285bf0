package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.slidebatch.model.WeightsException;

class Phase1RunTest {

    @TempDir
    Path ws;

    static PretrainParameters tiny(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(Map.of("d_model", "16", "n_heads", "2", "n_layers", "2", "d_dec", "8",
            "dec_heads", "2", "dec_layers", "1", "warmup_steps", "4", "lr", "2e-3", "ema_tau", "0.99", "threads", "1"));
        m.putAll(extra);
        return PretrainParameters.from(m::get);
    }

    static final class Recorder implements Phase1Run.Listener {
        final List<Phase1Run.StepRecord> steps = new ArrayList<>();
        final List<Path> checkpoints = new ArrayList<>();
        long resumedAt = -1;
        long crashAfter = Long.MAX_VALUE;

        @Override
        public void started(Path checkpoint, long step) {
            resumedAt = checkpoint == null ? -1 : step;
        }

        @Override
        public void step(Phase1Run.StepRecord r) {
            steps.add(r);
        }

        @Override
        public void checkpoint(Path file, long step) {
            checkpoints.add(file);
            if (step >= crashAfter) {
                throw new IllegalStateException("simulated crash after step " + step);
            }
        }
    }

    @Test
    void lossFallsOnATinyConfig() throws Exception {
        List<String> ids = TokenFixtures.cohort(ws, 3, 16, 1);
        PretrainParameters p = tiny(Map.of("epochs_phase1", "30", "save_every_steps", "1000", "warmup_steps", "3",
            "lr", "3e-3"));
        Phase1Run run = new Phase1Run(p, TokenFixtures.store(ws), ids, ws.resolve("ck"));
        Recorder rec = new Recorder();
        Phase1Run.Outcome out = run.run(rec);
        assertThat(out.steps()).isEqualTo(30);
        assertThat(rec.steps).hasSize(30);
        double[] losses = rec.steps.stream().mapToDouble(s -> s.losses().loss()).toArray();
        double first = median(Arrays.copyOfRange(losses, 0, 3));
        double last = median(Arrays.copyOfRange(losses, 27, 30));
        System.out.printf("phase-1 loss: first tenth median %.4f, last tenth median %.4f; step seconds %s%n", first, last,
            rec.steps.stream().limit(12).map(s -> String.format("%.3f", s.seconds())).toList());
        assertThat(last).isLessThan(0.7 * first);
        assertThat(rec.steps.get(0).lr()).isEqualTo(3e-3 / 3);   // warm-up from update 1 (spec bug fixed)
        assertThat(Files.isRegularFile(out.studentFile())).isTrue();
    }

    @Test
    void resumeAfterACrashIsBitIdenticalToAnUninterruptedRun() throws Exception {
        List<String> ids = TokenFixtures.cohort(ws, 5, 16, 2);
        PretrainParameters p = tiny(Map.of("epochs_phase1", "3", "save_every_steps", "2", "dropout", "0.1"));
        Recorder full = new Recorder();
        Phase1Run.Outcome a = new Phase1Run(p, TokenFixtures.store(ws), ids, ws.resolve("a")).run(full);
        assertThat(a.steps()).isEqualTo(6);

        Recorder crash = new Recorder();
        crash.crashAfter = 3;   // checkpoints at step 2 (in epoch 1: end of epoch 1 is step 2 → "_end"), then 4 → crash
        Phase1Run b = new Phase1Run(p, TokenFixtures.store(ws), ids, ws.resolve("b"));
        assertThatThrownBy(() -> b.run(crash)).hasMessageContaining("simulated crash");
        Recorder resumed = new Recorder();
        Phase1Run.Outcome out = new Phase1Run(p, TokenFixtures.store(ws), ids, ws.resolve("b")).run(resumed);
        assertThat(resumed.resumedAt).isBetween(3L, 5L);
        assertThat(out.steps()).isEqualTo(6);
        assertThat(Files.readAllBytes(out.studentFile())).isEqualTo(Files.readAllBytes(a.studentFile()));
        assertThat(Files.readAllBytes(out.checkpoint())).isEqualTo(Files.readAllBytes(a.checkpoint()));
        for (int i = 0; i < resumed.steps.size(); i++) {
            Phase1Run.StepRecord r = resumed.steps.get(i);
            Phase1Run.StepRecord f = full.steps.get((int) r.step() - 1);
            assertThat(r.losses()).isEqualTo(f.losses());
        }

        // other training parameters must not resume from these checkpoints
        PretrainParameters other = tiny(Map.of("epochs_phase1", "3", "save_every_steps", "2", "lr", "1e-3"));
        assertThatThrownBy(() -> new Phase1Run(other, TokenFixtures.store(ws), ids, ws.resolve("b")).run(new Recorder()))
            .isInstanceOf(WeightsException.class).hasMessageContaining("other training parameters");
    }

    @Test
    void parametersHaveTheSpecsDefaultsAndRefuseBadValues() {
        PretrainParameters d = PretrainParameters.defaults();
        assertThat(d.seed()).isEqualTo(13);
        assertThat(d.model().dModel()).isEqualTo(768);
        assertThat(d.batchSlides()).isEqualTo(3);
        assertThat(d.lr()).isEqualTo(1.5e-4);
        assertThat(d.emaTau()).isEqualTo(0.996);
        assertThat(d.warmupSteps()).isEqualTo(500);
        assertThat(d.positions()).isEqualTo(TokenPositions.PHYSICAL);
        assertThat(PretrainParameters.from(d.asMap()::get)).isEqualTo(d);
        assertThatThrownBy(() -> PretrainParameters.from(Map.of("lr", "fast")::get)).hasMessageContaining("lr must be a number");
        assertThatThrownBy(() -> PretrainParameters.from(Map.of("n_heads", "5")::get)).hasMessageContaining("divisible");
        assertThat(Phase1Batches.maskCount(10, 0.25)).isEqualTo(2);   // round(2.5) = 2, half to even
        assertThat(Phase1Batches.maskCount(14, 0.25)).isEqualTo(4);   // round(3.5) = 4
        assertThat(Phase1Batches.maskCount(1, 0.25)).isEqualTo(1);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
