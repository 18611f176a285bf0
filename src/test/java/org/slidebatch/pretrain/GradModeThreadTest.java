package org.slidebatch.pretrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import ai.djl.pytorch.jni.JniUtils;

import org.slidebatch.model.DjlRuntime;

/**
 * libtorch's grad mode is per thread and on in a fresh thread: training started on a thread other than the one that
 * started the engine (a restarted job's tasklet) must still update its parameters in place.
 */
class GradModeThreadTest {

    @TempDir
    Path ws;

    @Test
    void trainsOnAThreadWhoseGradModeIsOn() throws Exception {
        DjlRuntime.engine();
        List<String> ids = TokenFixtures.cohort(ws, 3, 16, 4);
        PretrainParameters p = Phase1RunTest.tiny(Map.of("epochs_phase1", "1"));
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicReference<Phase1Run.Outcome> out = new AtomicReference<>();
        Thread t = new Thread(() -> {
            JniUtils.setGradMode(true);
            try {
                out.set(new Phase1Run(p, TokenFixtures.store(ws), ids, ws.resolve("ck")).run(new Phase1RunTest.Recorder()));
            } catch (Throwable e) {
                error.set(e);
            }
        });
        t.start();
        t.join();
        assertThat(error.get()).isNull();
        assertThat(out.get().steps()).isEqualTo(1);
    }
}
