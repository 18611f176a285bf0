package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.support.TestCohorts;

/**
 * The OpenSlideFM chain with {@code phases=both} (demo phase 1, two epochs of a tiny phase 2), killed with SIGKILL in
 * the middle of phase 2, then restarted: the phase-2 backbone, student and decoder, the end-of-training checkpoint
 * (backbone and its teacher, aggregator, AdamW moments of both groups) and every embedding are byte-identical to an
 * uninterrupted run's (with MKL_CBWR=COMPATIBLE in the processes' environment, see {@link #ENV}).
 */
class Phase2CrashRestartTests {

    static final Duration LONG = Duration.ofMinutes(8);
    /** A phase-2 checkpoint holds the ConvNeXt, its teacher and both AdamW moments (~450 MB as float arrays). */
    static final String HEAP = "2g";
    /**
     * MKL's conditional numerical reproducibility, as GradeCrashRestartTests found: without it the steps trained by
     * the killed process differ in their last bits from the same steps in another process (1 run of this test: all
     * phase-2 files and embeddings differed); with MKL_CBWR=COMPATIBLE the resumed run matched to the byte. So the
     * resume is exact, and cross-process bit-reproducibility of the ConvNeXt backward needs MKL_CBWR.
     */
    static final java.util.Map<String, String> ENV = java.util.Map.of("MKL_CBWR", "COMPATIBLE");
    static final Pattern PHASE2 = Pattern.compile("\\[pretrain] phase 2: (\\d+)/");

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), 4, 31);
    }

    static String[] run(Path ws) {
        return new String[] {"--workspace", ws.toString(), "run", "openslidefm", "--config", "jobs-config/pretrain-demo.properties",
            "--param", "roots=" + cohort, "--param", "random_weights=true", "--param", "selftest=off", "--param", "workers=1",
            "--param", "qc_policy=none", "--param", "assume_mpp=0.5", "--param", "batch=8", "--param", "phases=both",
            "--param", "epochs_phase2=2", "--param", "p2_tile_size=32", "--param", "p2_tiles_per_slide=4"};
    }

    @Test
    void killMinus9DuringPhase2ThenRestartGivesIdenticalWeights() throws Exception {
        assumeTrue("1".equals(System.getenv("SLIDEBATCH_HEAVY_TESTS")),
            "heavy (three CLI JVMs training: minutes on 2 cores; Phase1CrossProcessTests is the default run's twin): set SLIDEBATCH_HEAVY_TESTS=1 to run it");
        Path crashed = tmp.resolve("ws-crashed");
        try (CliProcess first = CliProcess.start(HEAP, ENV, 0, run(crashed))) {
            // step 5 of 8: past the checkpoint at step 4 (save_every_steps=2, end of epoch 1), before the end
            first.awaitLine(l -> {
                Matcher m = PHASE2.matcher(l);
                return m.find() && Integer.parseInt(m.group(1)) >= 5;
            }, LONG);
            first.kill9();
        }
        RepositoryQueries db = new RepositoryQueries(crashed);
        assertThat(db.executionStatuses("openslidefm")).containsExactly("STARTED");
        long execution = db.executionIds("openslidefm").getFirst();
        CliProcess restart = CliProcess.run(HEAP, ENV, LONG, "--workspace", crashed.toString(), "restart", Long.toString(execution));
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(restart.output()).contains("finished: COMPLETED").contains("[pretrain] resuming from p2_s");
        assertThat(db.executionStatuses("openslidefm")).containsExactly("FAILED", "COMPLETED");

        Path clean = tmp.resolve("ws-uninterrupted");
        CliProcess p = CliProcess.run(HEAP, ENV, LONG, run(clean));
        assertThat(p.exitCode()).as(p.output()).isZero();
        List<Path> expected = outputs(clean);
        assertThat(expected.stream().map(f -> f.getFileName().toString())).contains("backbone_phase2.safetensors",
            "student_phase2.safetensors", "decoder_phase2.safetensors", "p2_s8_e2_end.safetensors");
        assertThat(expected.stream().map(Path::toString)).anyMatch(s -> s.endsWith(".npy"));
        List<String> differ = new ArrayList<>();
        for (Path e : expected) {
            Path c = crashed.resolve(clean.relativize(e));
            if (!Files.isRegularFile(c) || !java.util.Arrays.equals(Files.readAllBytes(c), Files.readAllBytes(e))) {
                differ.add(clean.relativize(e).toString());
            }
        }
        assertThat(differ).as("files that differ from the uninterrupted run's").isEmpty();
    }

    /** Phase 2's final weights, its end-of-training checkpoint and every embedding. */
    static List<Path> outputs(Path ws) throws Exception {
        try (Stream<Path> s = Stream.concat(Files.walk(ws.resolve("pretrain")), Files.walk(ws.resolve("embeddings")))) {
            return s.filter(p -> p.toString().endsWith("_phase2.safetensors") || p.toString().contains("p2_s8_e2_end")
                || p.toString().endsWith(".npy")).sorted().toList();
        }
    }
}
