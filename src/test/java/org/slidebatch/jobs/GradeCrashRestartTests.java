package org.slidebatch.jobs;


import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.synth.SyntheticCohort;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.RepositoryQueries;

/**
 * Job {@code grade} (demo config, 2 folds × 1 seed, 8 epochs) killed with SIGKILL in the second fold, then
 * {@code restart}: the finished fold is kept untouched (same files, same modification times, no epoch of it
 * re-run), the interrupted fold resumes after its last saved epoch and ends with state, best weights and test-fold
 * probabilities byte-identical to an uninterrupted run's.
 */
class GradeCrashRestartTests {

    static final Duration LONG = Duration.ofMinutes(4);
    static final int EPOCHS = 8;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)   // a failure keeps both workspaces to compare
    static Path tmp;

    static String[] run(Path ws, Path labels) {
        return new String[] {"--workspace", ws.toString(), "run", "grade", "--config", "jobs-config/grade-demo.properties",
            "--param", "labels=" + labels, "--param", "epochs=" + EPOCHS, "--param", "patience=" + EPOCHS};
    }

    static Path workspace(String name, Path labels) throws Exception {
        Path ws = tmp.resolve(name);
        GradeJobFunctionalTests.writeFeatures(labels, ws.resolve("features"), 3);
        return ws;
    }

    @Test
    void killMinus9InTheSecondFoldThenRestartKeepsTheFirstAndGivesIdenticalResults() throws Exception {
        Path labels = Files.createDirectories(tmp.resolve("cohort")).resolve("labels.csv");
        Files.writeString(labels, SyntheticCohort.labelsCsv(new SyntheticCohort.Options(GradeJobFunctionalTests.SLIDES, 5,
            256, 256, 1, null, true)));
        Path crashed = workspace("ws-crashed", labels);
        Map<Path, FileTime> fold0;
        try (CliProcess first = CliProcess.start(0, run(crashed, labels))) {
            // epoch 2 of fold1 is printed after its state was saved: the kill lands mid-fold, past a saved epoch
            first.awaitLine(l -> l.contains("[grade] seed 42 fold1 (2/2) epoch 2/" + EPOCHS), LONG);
            first.kill9();
        }
        Path runDir = runFolder(crashed);
        assertThat(runDir.resolve("seed42/fold0/oof.csv")).isRegularFile();
        assertThat(runDir.resolve("seed42/fold1/oof.csv")).doesNotExist();
        fold0 = modificationTimes(runDir.resolve("seed42/fold0"));

        RepositoryQueries db = new RepositoryQueries(crashed);
        assertThat(db.executionStatuses("grade")).containsExactly("STARTED");
        long firstStep = db.count("SELECT MAX(STEP_EXECUTION_ID) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = 'grade'");
        // (not asserted: how many grade_epoch rows the killed process wrote; a kill between an epoch's saved state and
        // its row loses that row, as the restart resumes after the state)
        long execution = db.executionIds("grade").getFirst();
        CliProcess restart = CliProcess.run(LONG, "--workspace", crashed.toString(), "restart", Long.toString(execution));
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(restart.output()).contains("which is gone").contains("finished: COMPLETED")
            .contains("[grade] seed 42 fold0 (1/2) already trained")
            .doesNotContain("fold0 (1/2) epoch")
            .doesNotContain("fold1 (2/2) epoch 1/").doesNotContain("fold1 (2/2) epoch 2/")
            .contains("fold1 (2/2) epoch " + EPOCHS + "/" + EPOCHS);
        assertThat(db.executionStatuses("grade")).containsExactly("FAILED", "COMPLETED");
        long restartStep = db.count("SELECT MAX(STEP_EXECUTION_ID) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = 'grade'");
        assertThat(restartStep).isGreaterThan(firstStep);
        // the finished fold: untouched on disk, no epoch of it recorded by the restart; every epoch recorded once
        assertThat(modificationTimes(runDir.resolve("seed42/fold0"))).isEqualTo(fold0);
        assertThat(db.count("SELECT COUNT(*) FROM grade_epoch WHERE step_execution_id = " + restartStep + " AND fold = 0")).isZero();
        // the interrupted fold: the restart records only the epochs after the last saved one, up to the last
        List<Long> resumed = db.longs("SELECT epoch FROM grade_epoch WHERE step_execution_id = " + restartStep
            + " AND fold = 1 ORDER BY epoch");
        assertThat(resumed).isNotEmpty().allSatisfy(e -> assertThat(e).isGreaterThan(2L));
        assertThat(resumed.getLast()).isEqualTo((long) EPOCHS);
        assertThat(resumed).hasSize((int) (EPOCHS - resumed.getFirst() + 1));

        Path clean = workspace("ws-uninterrupted", labels);
        CliProcess p = CliProcess.run(LONG, run(clean, labels));
        assertThat(p.exitCode()).as(p.output()).isZero();
        Path cleanRun = runFolder(clean);
        assertThat(cleanRun.getFileName()).isEqualTo(runDir.getFileName());
        // The whole run folder equals the uninterrupted run's: fold0 (trained without interruption by the killed
        // process), the resumed fold1, the ensemble and the metrics. Known to fail now and then on fold0 alone: one
        // process trains its first fold differently in the last bits (cause open; the resumed fold1 always matched).
        List<String> differ = new java.util.ArrayList<>();
        for (String f : List.of("seed42/fold0/state.safetensors", "seed42/fold0/best.safetensors", "seed42/fold0/oof.csv",
            "seed42/fold1/state.safetensors", "seed42/fold1/best.safetensors", "seed42/fold1/oof.csv",
            "oof_ensemble.csv", "metrics_auc.json", "metrics_auc_by_provider.csv", "summary.json")) {
            if (!java.util.Arrays.equals(Files.readAllBytes(runDir.resolve(f)), Files.readAllBytes(cleanRun.resolve(f)))) {
                differ.add(f);
            }
        }
        assertThat(differ).as("files that differ from the uninterrupted run's").isEmpty();
        // same files (a kill during an atomic write may leave its hidden .tmp behind; it is never read)
        assertThat(files(runDir).stream().filter(f -> !f.getFileName().toString().matches("\\..*\\.tmp"))
            .map(f -> runDir.relativize(f).toString()).toList())
            .isEqualTo(files(cleanRun).stream().map(f -> cleanRun.relativize(f).toString()).toList());
    }

    /**
     * {@code slidebatch stop} during a fold (grading is one tasklet: Spring Batch alone would see the stop only when
     * every fold is done) ends the step STOPPED after the epoch whose state was just saved; {@code restart} resumes there
     * and ends with the same files as an uninterrupted run.
     */
    @Test
    void stopDuringAFoldEndsTheStepAfterASavedEpochAndRestartGivesIdenticalResults() throws Exception {
        int epochs = 200;   // long enough that the stop, a JVM of its own (seconds to start), lands while fold0 trains
        Path labels = Files.createDirectories(tmp.resolve("cohort-stop")).resolve("labels.csv");
        Files.writeString(labels, SyntheticCohort.labelsCsv(new SyntheticCohort.Options(GradeJobFunctionalTests.SLIDES, 5,
            256, 256, 1, null, true)));
        String[] longer = {"--param", "epochs=" + epochs, "--param", "patience=" + epochs};
        Path stopped = workspace("ws-stopped", labels);
        try (CliProcess first = CliProcess.start(0, PretrainCrashRestartTests.concat(run(stopped, labels), longer))) {
            first.awaitLine(l -> l.contains("[grade] seed 42 fold0 (1/2) epoch 1/" + epochs), LONG);
            long execution = new RepositoryQueries(stopped).executionIds("grade").getLast();
            CliProcess stop = CliProcess.run(LONG, "--workspace", stopped.toString(), "stop", Long.toString(execution));
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            first.waitFor(LONG);
            assertThat(first.output()).contains("[grade] stop requested: stopped after writing checkpoint")
                .contains("finished: STOPPED").doesNotContain("fold1 (2/2) epoch " + epochs + "/" + epochs);
        }
        RepositoryQueries db = new RepositoryQueries(stopped);
        long execution = db.executionIds("grade").getLast();
        CliProcess restart = CliProcess.run(LONG, "--workspace", stopped.toString(), "restart", Long.toString(execution));
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(db.executionStatuses("grade")).containsExactly("STOPPED", "COMPLETED");
        // every epoch of both folds recorded exactly once across the two executions
        assertThat(db.count("SELECT COUNT(*) FROM grade_epoch")).isEqualTo(2L * epochs);

        Path clean = workspace("ws-not-stopped", labels);
        CliProcess p = CliProcess.run(LONG, PretrainCrashRestartTests.concat(run(clean, labels), longer));
        assertThat(p.exitCode()).as(p.output()).isZero();
        Path a = runFolder(stopped);
        Path b = runFolder(clean);
        List<String> differ = new java.util.ArrayList<>();
        for (Path f : files(b)) {
            if (!java.util.Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(a.resolve(b.relativize(f))))) {
                differ.add(b.relativize(f).toString());
            }
        }
        assertThat(differ).as("files that differ from the uninterrupted run's").isEmpty();
    }

    static Path runFolder(Path ws) throws Exception {
        try (Stream<Path> s = Files.list(ws.resolve("grade"))) {
            return s.filter(Files::isDirectory).filter(d -> d.getFileName().toString().startsWith("cv-")).findFirst().orElseThrow();
        }
    }

    static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static Map<Path, FileTime> modificationTimes(Path dir) throws Exception {
        Map<Path, FileTime> m = new LinkedHashMap<>();
        for (Path f : files(dir)) {
            m.put(dir.relativize(f), Files.getLastModifiedTime(f));
        }
        return m;
    }
}
