package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.CrashRestart;
import org.slidebatch.support.TestCohorts;

/**
 * The OpenSlideFM chain with the demo pretraining config, killed with SIGKILL in the middle of phase 1, then
 * restarted: the final student weights, the last checkpoint (weights, teacher, decoder, AdamW moments, counters) and
 * every slide embedding are byte-identical to an uninterrupted run's; the diagnostics step after pretrain finds the
 * untrained backbone of phases=1 LIKELY_FROZEN.
 */
class PretrainCrashRestartTests {

    static final int SLIDES = 6;
    static final Duration LONG = Duration.ofMinutes(8);

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 29);
    }

    static String[] run(Path ws) {
        return new String[] {"--workspace", ws.toString(), "run", "openslidefm", "--config", "jobs-config/pretrain-demo.properties",
            "--param", "roots=" + cohort, "--param", "random_weights=true", "--param", "selftest=off", "--param", "workers=1",
            "--param", "qc_policy=none", "--param", "assume_mpp=0.5", "--param", "batch=8", "--param", "epochs_phase1=6"};
    }

    @Test
    void killMinus9DuringPretrainThenRestartGivesIdenticalWeightsAndEmbeddings() throws Exception {
        Path crashed = tmp.resolve("ws-crashed");
        CrashRestart.killThenRestart(crashed, "openslidefm", "pretrain", 5, 0, LONG, run(crashed));

        Path clean = tmp.resolve("ws-uninterrupted");
        CliProcess p = CliProcess.run(LONG, run(clean));
        assertThat(p.exitCode()).as(p.output()).isZero();
        List<Path> expected = outputs(clean);
        // phases=1: the run folder holds the untouched starting backbone, and the diagnostics step after pretrain
        // finds it LIKELY_FROZEN against the random_weights model the features were made with
        JsonNode json = JsonMapper.builder().build().readTree(clean.resolve("diagnostics/posttrain_diagnostics.json").toFile());
        assertThat(json.get("backbone_check").get("verdict").asString()).isEqualTo("LIKELY_FROZEN");
        assertThat(json.get("backbone_check").get("checkpoint").asString()).endsWith("backbone_untrained.safetensors");
        assertThat(expected.stream().map(Path::toString)).anyMatch(s -> s.endsWith("student_final.safetensors"))
            .anyMatch(s -> s.contains("p1_s12_e6_end")).anyMatch(s -> s.endsWith(".npy"));
        assertThat(outputs(crashed).stream().map(f -> crashed.relativize(f).toString()).toList())
            .containsAll(expected.stream().map(f -> clean.relativize(f).toString()).toList());
        List<String> differ = new java.util.ArrayList<>();
        for (Path e : expected) {
            Path c = crashed.resolve(clean.relativize(e));
            if (!java.util.Arrays.equals(Files.readAllBytes(c), Files.readAllBytes(e))) {
                differ.add(clean.relativize(e).toString());
            }
        }
        assertThat(differ).as("files that differ from the uninterrupted run's").isEmpty();
        // SLIDEBATCH_MKL_AMD_FASTPATH=1 runs both processes with the fast path (CliProcess): the checkpoint says which
        Path end = expected.stream().filter(f -> f.toString().contains("p1_s12_e6_end")).findFirst().orElseThrow();
        assertThat(org.slidebatch.model.train.TrainCheckpoint.read(end).metadata())
            .containsEntry("mkl_amd_fastpath", Boolean.toString("1".equals(System.getenv("SLIDEBATCH_MKL_AMD_FASTPATH"))));
    }

    /**
     * {@code slidebatch stop} during phase 1 (one tasklet: Spring Batch alone would see the stop only when training
     * ends) ends the step STOPPED at the next checkpoint; {@code restart} resumes from it and trains the same weights
     * as an uninterrupted run, with each step's training-log row written once.
     */
    @Test
    void stopDuringPretrainEndsAtTheNextCheckpointAndRestartTrainsTheSameWeights() throws Exception {
        String[] longer = {"--param", "epochs_phase1=60"};   // 120 steps: the stop, a JVM of its own, lands mid-training
        Path stopped = tmp.resolve("ws-stopped");
        java.util.regex.Pattern progress = java.util.regex.Pattern.compile("^\\[pretrain] (\\d+)/120");
        try (CliProcess p = CliProcess.start(0, concat(run(stopped), longer))) {
            p.awaitLine(l -> progress.matcher(l).find(), LONG);
            long execution = new org.slidebatch.support.RepositoryQueries(stopped).executionIds("openslidefm").getLast();
            CliProcess stop = CliProcess.run(LONG, "--workspace", stopped.toString(), "stop", Long.toString(execution));
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            p.waitFor(LONG);
            assertThat(p.output()).contains("[pretrain] stop requested: stopped after writing checkpoint")
                .contains("finished: STOPPED").doesNotContain("[pretrain] 120/120");
        }
        var db = new org.slidebatch.support.RepositoryQueries(stopped);
        assertThat(db.strings("SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = 'pretrain'")).containsExactly("STOPPED");
        long execution = db.executionIds("openslidefm").getLast();
        CliProcess restart = CliProcess.run(LONG, "--workspace", stopped.toString(), "restart", Long.toString(execution));
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(db.executionStatuses("openslidefm")).containsExactly("STOPPED", "COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM training_log WHERE phase = 1")).isEqualTo(120);
        assertThat(db.count("SELECT COUNT(DISTINCT step) FROM training_log WHERE phase = 1")).isEqualTo(120);

        Path clean = tmp.resolve("ws-not-stopped");
        CliProcess c = CliProcess.run(LONG, concat(run(clean), longer));
        assertThat(c.exitCode()).as(c.output()).isZero();
        for (String name : List.of("student_final.safetensors", "decoder_final.safetensors")) {
            Path a = finalFile(clean, name);
            Path b = stopped.resolve(clean.relativize(a));
            assertThat(Files.readAllBytes(b)).as(name).isEqualTo(Files.readAllBytes(a));
        }
    }

    static String[] concat(String[] a, String[] b) {
        return Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b)).toArray(String[]::new);
    }

    static Path finalFile(Path ws, String name) throws Exception {
        try (Stream<Path> s = Files.walk(ws.resolve("pretrain"))) {
            return s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
        }
    }

    /** Final weights, the end-of-training checkpoint and every embedding. */
    static List<Path> outputs(Path ws) throws Exception {
        try (Stream<Path> s = Stream.concat(Files.walk(ws.resolve("pretrain")), Files.walk(ws.resolve("embeddings")))) {
            return s.filter(p -> p.toString().endsWith("_final.safetensors") || p.toString().contains("p1_s12_e6_end")
                || p.toString().endsWith(".npy")).sorted().toList();
        }
    }
}
