package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.ndarray.NDManager;

import org.slidebatch.diagnostics.BackboneCheck;
import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.FeatureHead;
import org.slidebatch.model.WeightsException;
import org.slidebatch.model.WeightsLoader;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.NamedParams;

/**
 * The phase-2 loop on a tiny config (4 tiles of 32², a one-layer aggregator, 3 slides of which one cannot be read,
 * 2 epochs, a checkpoint every 2 updates) with stochastic depth and dropout on: a run stopped by a failure after
 * update 5 and started again resumes from the mid-epoch checkpoint of update 4 and ends with byte-identical
 * checkpoint, backbone, student and decoder files; the trained backbone passes gate G4.
 */
class Phase2RunTest {

    static final AggregatorConfig MODEL = new AggregatorConfig(768, 2, 1, 4, 0.1f, 32, 2, 1);
    static final List<String> SLIDES = List.of("s-a", "s-b", "s-broken");
    static final long INIT = 7;

    @TempDir
    Path dir;

    static Phase2Run.Config config() {
        return new Phase2Run.Config(21, 2, 1e-3, 0.1, 2, 2, 0.25, false,
            new Phase2Step.Settings(1e-4f, 0.996f, 0.5f, true, true));
    }

    /** Seeded pixels per slide; {@code s-broken} throws as an unreadable slide does. */
    static Phase2Run.SlideInput load(String id) throws IOException {
        if (id.equals("s-broken")) {
            throw new IOException("cannot read s-broken.svs: truncated");
        }
        SplittableRandom r = new SplittableRandom(Phase2Tiles.slideKey(id));
        float[] p = new float[4 * 3 * 32 * 32];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) r.nextGaussian();
        }
        float[] pos = {0.1f, 0.2f, 0.5f, 0.3f, 0.2f, 0.5f, 0.1f, 0.6f, 0.5f, 1.0f, 2.0f, 2.0f};
        return new Phase2Run.SlideInput(p, 4, 32, pos);
    }

    static Phase2Run.Start start() {
        DjlRuntime.engine();
        try (NDManager root = DjlRuntime.engine().newBaseManager();
             NamedParams student = NamedParams.init(root, MODEL.studentShapes(), INIT + 1);
             NamedParams decoder = NamedParams.init(root, MODEL.decoderShapes(), INIT + 2)) {
            return new Phase2Run.Start(WeightsLoader.random(INIT, FeatureHead.TORCHVISION_GAP).tensors(),
                student.toTensors(""), student.toTensors(""), decoder.toTensors(""));
        }
    }

    static final class Stop extends RuntimeException {
    }

    static Phase2Run.Outcome run(Path folder, List<String> slides, Phase2Run.Start start, long stopAfter,
                                 List<Phase2Run.StepRecord> log) throws Exception {
        Phase2Run run = new Phase2Run(config(), MODEL, Phase2RunTest::load, slides, folder, "start-" + INIT);
        return run.run(start, new Phase2Run.Listener() {
            @Override
            public void step(Phase2Run.StepRecord r) {
                log.add(r);
                if (r.step() == stopAfter) {
                    throw new Stop();
                }
            }
        });
    }

    @Test
    void stoppedAndRestartedEqualsUninterruptedToTheByte() throws Exception {
        Phase2Run.Start start = start();
        List<Phase2Run.StepRecord> straightLog = new ArrayList<>();
        Phase2Run.Outcome straight = run(dir.resolve("a"), SLIDES, start, -1, straightLog);
        assertThat(straight.steps()).isEqualTo(6);
        assertThat(straightLog).extracting(Phase2Run.StepRecord::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        // one slide per update, each slide once per epoch, the broken one skipped with its reason
        assertThat(straightLog.subList(0, 3)).extracting(Phase2Run.StepRecord::slideId).containsExactlyInAnyOrderElementsOf(SLIDES);
        assertThat(straightLog.subList(3, 6)).extracting(Phase2Run.StepRecord::slideId).containsExactlyInAnyOrderElementsOf(SLIDES);
        assertThat(straightLog).filteredOn(r -> r.slideId().equals("s-broken"))
            .allSatisfy(r -> {
                assertThat(r.losses()).isNull();
                assertThat(r.skipped()).containsExactly("s-broken: cannot read s-broken.svs: truncated");
            });
        assertThat(straightLog).filteredOn(r -> !r.slideId().equals("s-broken"))
            .allSatisfy(r -> assertThat(r.losses().loss()).isFinite());
        // warm-up 2 then cosine over the 6 real updates, backbone at lr × 0.1
        Phase2Schedule s = Phase2Schedule.of(1e-3, 0.1, 2, 2, 3, false);
        for (Phase2Run.StepRecord r : straightLog) {
            assertThat(r.lr()).isEqualTo(s.aggregatorLr(r.step()));
            assertThat(r.backboneLr()).isEqualTo(s.backboneLr(r.step()));
        }

        Path b = dir.resolve("b");
        List<Phase2Run.StepRecord> firstLog = new ArrayList<>();
        assertThatThrownBy(() -> run(b, SLIDES, start, 5, firstLog)).isInstanceOf(Stop.class);
        assertThat(Files.exists(b.resolve("p2_s4_e2.safetensors"))).isTrue();
        List<Phase2Run.StepRecord> secondLog = new ArrayList<>();
        Phase2Run.Outcome resumed = run(b, SLIDES, start, -1, secondLog);
        assertThat(resumed.stepsThisRun()).isEqualTo(2);
        assertThat(secondLog).extracting(Phase2Run.StepRecord::step).containsExactly(5L, 6L);
        assertThat(secondLog.get(0).losses() == null ? null : secondLog.get(0).losses().loss())
            .isEqualTo(straightLog.get(4).losses() == null ? null : straightLog.get(4).losses().loss());
        for (String f : List.of("p2_s6_e2_end.safetensors", Phase2Run.BACKBONE_FILE, Phase2Run.STUDENT_FILE,
            Phase2Run.DECODER_FILE)) {
            assertThat(Files.readAllBytes(b.resolve(f))).as(f).isEqualTo(Files.readAllBytes(dir.resolve("a").resolve(f)));
        }

        // G4 on the final backbone (torchvision names) against the one it started from
        var after = WeightsLoader.loadSafeTensors(straight.backboneFile(), FeatureHead.TORCHVISION_GAP).tensors();
        BackboneCheck g4 = BackboneCheck.compare(straight.backboneFile(), after, "the starting backbone", start.backbone());
        assertThat(g4.verdict()).as(g4.toString()).isEqualTo(BackboneCheck.TRAINED);
        assertThat(BackboneCheck.compare(straight.backboneFile(), start.backbone(), "itself", start.backbone()).verdict())
            .isEqualTo(BackboneCheck.LIKELY_FROZEN);

        // a checkpoint of other slides is refused, naming the file
        assertThatThrownBy(() -> run(b, List.of("s-a", "s-b"), start, -1, new ArrayList<>()))
            .isInstanceOf(WeightsException.class).hasMessageContaining("p2_s6_e2_end.safetensors");
    }
}
