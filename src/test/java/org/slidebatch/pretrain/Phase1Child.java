package org.slidebatch.pretrain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.slidebatch.model.DjlRuntime;

/**
 * A small phase 1 in its own JVM for {@link Phase1CrossProcessTests}: {@code <workspace> <threads>} trains (or resumes
 * from the newest checkpoint in {@code <workspace>/ck}) on the {@link TokenFixtures} cohort with 768-d tokens (wide
 * enough that libtorch splits its reductions by thread), printing {@code checkpoint <step>} as each is written and,
 * at the end, the SHA-256 of the student weights and of the final checkpoint.
 */
public final class Phase1Child {

    static final List<String> SLIDES = List.of("slide-00", "slide-01", "slide-02", "slide-03", "slide-04", "slide-05");

    private Phase1Child() {
    }

    public static void main(String[] a) throws Exception {
        Path ws = Path.of(a[0]);
        if (!Files.isDirectory(ws.resolve("features"))) {
            TokenFixtures.cohort(ws, SLIDES.size(), 768, 29);
        }
        Map<String, String> m = new HashMap<>(Map.of("d_model", "768", "n_heads", "8", "n_layers", "1", "ff_mult", "1",
            "d_dec", "64", "dec_heads", "2", "dec_layers", "1", "warmup_steps", "2", "lr", "1e-3", "threads", a[1]));
        m.put("batch_slides", "2");
        m.put("epochs_phase1", "2");
        m.put("save_every_steps", "2");
        PretrainParameters p = PretrainParameters.from(m::get);
        Phase1Run.Outcome out = new Phase1Run(p, TokenFixtures.store(ws), SLIDES, ws.resolve("ck")).run(new Phase1Run.Listener() {
            @Override
            public void started(Path checkpoint, long step) {
                System.out.println("started at " + step);
            }

            @Override
            public void step(Phase1Run.StepRecord r) {
                System.out.println("step " + r.step() + " on " + DjlRuntime.intraOpThreads() + " threads");
            }

            @Override
            public void checkpoint(Path file, long step) {
                System.out.println("checkpoint " + step);
            }
        });
        System.out.println("student " + sha(out.studentFile()));
        System.out.println("final " + sha(out.checkpoint()));
    }

    static String sha(Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f)));
    }
}
