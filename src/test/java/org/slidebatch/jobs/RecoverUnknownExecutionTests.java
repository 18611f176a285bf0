package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.support.TestCohorts;

/**
 * An execution a crash left UNKNOWN (what a lost connection at commit leaves; Spring Batch then refuses to restart it):
 * one {@code restart} checks the per-slide records against the saved positions, marks the execution FAILED and
 * continues it; every slide is recorded exactly once.
 * The owner row exists for the killed execution (recorded with the execution, with the process start time).
 */
class RecoverUnknownExecutionTests {

    static final int SLIDES = 12;
    static final Duration LONG = Duration.ofMinutes(3);

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 29);
    }

    @Test
    void anUnknownExecutionIsRecoveredFromItsPerSlideRecordsByOneRestart() throws Exception {
        Path ws = tmp.resolve("ws");
        // 600 ms a slide: once a partition says 3/6, its last 3 slides take 1.8 s, time enough for the kill to land
        // mid-run even on a loaded machine (at 150 ms a busy run once recorded all 12 before the kill).
        try (CliProcess first = CliProcess.start(600, "--workspace", ws.toString(), "run", "qc", "--param", "roots=" + cohort,
            "--param", "workers=2")) {
            first.awaitLine(l -> l.matches("\\[qc\\.slides:partition\\d+] [3-9]/.*"), LONG);
            first.kill9();
        }
        RepositoryQueries db = new RepositoryQueries(ws);
        long execution = db.executionIds("qc").getFirst();
        assertThat(db.count("SELECT COUNT(*) FROM execution_owner WHERE job_execution_id = " + execution
            + " AND process_started_at IS NOT NULL")).isEqualTo(1);
        long recorded = db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'qc'");
        assertThat(recorded).isBetween(3L, SLIDES - 1L);
        // What a failed commit leaves: UNKNOWN statuses (Spring Batch alone refuses to restart these).
        db.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'UNKNOWN' WHERE JOB_EXECUTION_ID = " + execution);
        db.update("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'UNKNOWN' WHERE JOB_EXECUTION_ID = " + execution
            + " AND STATUS <> 'COMPLETED'");

        CliProcess restart = CliProcess.run(LONG, "--workspace", ws.toString(), "restart", Long.toString(execution));
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(restart.output()).contains("slides recorded, reader position").contains("finished: COMPLETED");
        assertThat(db.executionStatuses("qc")).containsExactly("FAILED", "COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'qc'")).isEqualTo(SLIDES);
        assertThat(db.count("SELECT COALESCE(SUM(WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE 'qc.slides:partition%'"))
            .isEqualTo(SLIDES);
    }

    @Test
    void aKillRightAfterTheLaunchNeedsNoForceToRestart() throws Exception {
        Path ws = tmp.resolve("ws-launch");
        try (CliProcess first = CliProcess.start(300, "--workspace", ws.toString(), "run", "qc", "--param", "roots=" + cohort,
            "--param", "workers=2")) {
            first.awaitLine(l -> l.matches("\\[slidebatch] qc execution \\d+ started.*"), LONG);
            first.kill9();
        }
        RepositoryQueries db = new RepositoryQueries(ws);
        // H2 writes commits to disk with a short delay, so a kill this early may leave no execution at all (then the
        // same run command simply starts it); whatever was left must continue without --force.
        CliProcess next;
        if (db.executionIds("qc").isEmpty()) {
            next = CliProcess.run(LONG, "--workspace", ws.toString(), "run", "qc", "--param", "roots=" + cohort, "--param", "workers=2");
        } else {
            long execution = db.executionIds("qc").getFirst();
            assertThat(db.executionStatuses("qc").getFirst()).isIn("STARTING", "STARTED");
            next = CliProcess.run(LONG, "--workspace", ws.toString(), "restart", Long.toString(execution));
            assertThat(next.output()).contains("which is gone");
        }
        assertThat(next.exitCode()).as(next.output()).isZero();
        assertThat(next.output()).doesNotContain("--force").contains("finished: COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'qc'")).isEqualTo(SLIDES);
    }
}
