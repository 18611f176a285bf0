package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.support.ScaleOut;
import org.slidebatch.support.TestCohorts;

/**
 * Remote partitioning under kill -9 of the manager, and of every worker with the manager timing out: {@code restart}
 * completes the job, re-sending only unfinished partitions, with every slide recorded once. Four to six JVMs each, with
 * slowed slides: SLIDEBATCH_HEAVY_TESTS=1 only. The lighter twins in the default run are in
 * {@link RemotePartitioningFunctionalTests} (a worker killed mid-partition; a timed-out manager whose stale requests a
 * worker drops before {@code restart} completes the job).
 */
class RemotePartitioningCrashTests {

    @TempDir
    Path tmp;

    @BeforeEach
    void heavy() {
        assumeTrue("1".equals(System.getenv("SLIDEBATCH_HEAVY_TESTS")),
            "remote partitioning crash tests start 4-6 JVMs with slowed slides: set SLIDEBATCH_HEAVY_TESTS=1 to run them");
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
    }

    @Test
    void managerKilledMidRunThenRestartResendsOnlyUnfinishedPartitions() throws Exception {
        int slides = 30;
        Path cohort = TestCohorts.small(tmp.resolve("cohort"), slides, 41);
        Path ws = tmp.resolve("ws");
        try (ScaleOut so = ScaleOut.create("mgrkill")) {
            ScaleOut.Worker a = so.worker(ws, 2000);
            ScaleOut.Worker b = so.worker(ws, 2000);
            CliProcess manager = so.qcManager(ws, cohort, "partition_slides=1");
            a.awaitLines("[worker] qc.slides:partition", 2, Duration.ofMinutes(6));
            manager.kill9();
            RepositoryQueries db = so.queries();
            long execution = db.executionIds("qc").getFirst();
            assertThat(db.executionStatuses("qc")).containsExactly("STARTED");
            // The workers would finish every queued request before a new JVM is up on this machine: freeze them (each
            // in the middle of a slide) until restart has recovered the execution and sent its requests. Thawed, each
            // finds its partition recovered under it: its commit must fail (the step execution's version changed).
            signal(a.pid(), "STOP");
            signal(b.pid(), "STOP");
            CliProcess restart = so.start(ws, "restart", Long.toString(execution));
            restart.awaitLine(l -> l.contains("partition request(s) for qc.slides go to queue"), Duration.ofMinutes(6));
            signal(a.pid(), "CONT");
            signal(b.pid(), "CONT");
            assertThat(restart.waitFor(Duration.ofMinutes(15))).as(restart.output()).isZero();
            // The requests the dead manager had queued were dropped, not run again.
            assertThat(a.lines("[worker] dropped the request") + b.lines("[worker] dropped the request")).isPositive();
            assertThat(restart.output()).contains("which is gone").contains("finished: COMPLETED");
            assertThat(db.executionStatuses("qc")).containsExactly("FAILED", "COMPLETED");
            long second = db.executionIds("qc").get(1);
            // Only the partitions not COMPLETED under the first execution were sent again.
            long resent = db.count("SELECT COUNT(*) FROM batch_step_execution WHERE job_execution_id = " + second
                + " AND step_name LIKE 'qc.slides:partition%'");
            long completedBefore = db.count("SELECT COUNT(*) FROM batch_step_execution WHERE job_execution_id = " + execution
                + " AND step_name LIKE 'qc.slides:partition%' AND status = 'COMPLETED'");
            assertThat(resent + completedBefore).isEqualTo(slides);
            assertThat(resent).isPositive();
            Matcher sent = Pattern.compile("\\[qc] (\\d+) partition request\\(s\\)").matcher(restart.output());
            assertThat(sent.find()).isTrue();
            assertThat(Long.parseLong(sent.group(1))).isEqualTo(resent);
            assertEverySlideOnce(db, slides);
        }
    }

    @Test
    void bothWorkersKilledAndManagerTimedOutThenRestartWithNewWorkers() throws Exception {
        int slides = 16;
        Path cohort = TestCohorts.small(tmp.resolve("cohort"), slides, 43);
        Path ws = tmp.resolve("ws");
        try (ScaleOut so = ScaleOut.create("allkill")) {
            ScaleOut.Worker a = so.worker(ws, 1500);
            ScaleOut.Worker b = so.worker(ws, 1500);
            CliProcess manager = so.qcManager(ws, cohort, "partition_slides=2", "remote_timeout_s=90");
            a.awaitLines("[worker] running ", 2, Duration.ofMinutes(6));
            b.awaitLines("[worker] running ", 1, Duration.ofMinutes(6));
            a.process().kill9();
            b.process().kill9();
            assertThat(manager.waitFor(Duration.ofMinutes(6))).as(manager.output()).isEqualTo(1);
            assertThat(manager.output()).contains("did not all end within 90 s").contains("finished: FAILED");
            RepositoryQueries db = so.queries();
            long execution = db.executionIds("qc").getFirst();
            long unfinished = db.count("SELECT COUNT(*) FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%'"
                + " AND status IN ('STARTING', 'STARTED')");
            assertThat(unfinished).isPositive();

            ScaleOut.Worker c = so.worker(ws, 0);
            ScaleOut.Worker d = so.worker(ws, 0);
            CliProcess restart = so.start(ws, "restart", Long.toString(execution));
            assertThat(restart.waitFor(Duration.ofMinutes(10))).as(restart.output()).isZero();
            assertThat(restart.output()).contains(unfinished + " partition(s) still STARTING/STARTED")
                .contains(unfinished + " partition request(s)").contains("finished: COMPLETED");
            // Every request the dead manager had sent and no worker finished was dropped, none run.
            assertThat(c.lines("[worker] dropped the request") + d.lines("[worker] dropped the request")).isEqualTo(unfinished);
            assertThat(db.executionStatuses("qc")).containsExactly("FAILED", "COMPLETED");
            assertEverySlideOnce(db, slides);
            List<Long> newPids = db.longs("SELECT DISTINCT p.pid FROM compute_passport p JOIN batch_step_execution s "
                + "ON s.step_execution_id = p.step_execution_id WHERE s.status = 'COMPLETED' AND s.job_execution_id <> " + execution
                + " AND p.step_name LIKE 'qc.slides:partition%'");
            assertThat(newPids).isSubsetOf(c.pid(), d.pid()).isNotEmpty();
        }
    }

    static void signal(long pid, String signal) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start().waitFor()).isZero();
    }

    static void assertEverySlideOnce(RepositoryQueries db, int slides) {
        assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'qc'")).isEqualTo(slides);
        // Σ items written by every partition step execution of both job executions: no slide written twice.
        assertThat(db.count("SELECT SUM(write_count) FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%'"))
            .isEqualTo(slides);
        // Each partition ended COMPLETED exactly once.
        long partitions = db.count("SELECT COUNT(DISTINCT step_name) FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%'");
        assertThat(db.longs("SELECT COUNT(*) FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%' "
            + "AND status = 'COMPLETED' GROUP BY step_name")).hasSize((int) partitions).allMatch(n -> n == 1);
    }
}
