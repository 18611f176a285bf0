package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.jerolba.carpet.CarpetReader;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.support.ScaleOut;
import org.slidebatch.support.TestCohorts;

/**
 * The per-slide steps as Spring Batch remote partitions (docs/scale-out.md): a manager and worker processes in separate
 * JVMs, PostgreSQL as the shared job repository (a fresh database per test), RabbitMQ carrying the partition requests
 * (a queue per test). The crash scenarios with kill -9 of the manager or of every worker are in
 * {@code RemotePartitioningCrashTests} (SLIDEBATCH_HEAVY_TESTS=1); {@link #aTimedOutManagerIsRestartedOnceAWorkerRuns}
 * is their lighter twin (same stale requests, same recovery).
 */
class RemotePartitioningFunctionalTests {

    static final int SLIDES = 60;

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 31);
    }

    /**
     * Manager + 2 workers over 60 slides, qc in partitions of 2 slides; the first worker is killed -9 in the middle of a
     * partition: its request goes back to the queue and the other worker resumes that STARTED partition from its last
     * commit. COMPLETED, every slide recorded once, both workers took work, files equal to a single-process run.
     */
    @Test
    void managerAndTwoWorkersRunEverySlideOnceThroughAWorkerKill() throws Exception {
        Path ws = tmp.resolve("ws-remote");
        try (ScaleOut so = ScaleOut.create("remote")) {
            ScaleOut.Worker slow = so.worker(ws, 700);
            ScaleOut.Worker other = so.worker(ws, 0);
            CliProcess manager = so.qcManager(ws, cohort, "partition_slides=2", "remote_timeout_s=1200");
            // The slow worker finishes one partition, starts another, and dies in it.
            slow.awaitLines("[worker] qc.slides:partition", 1, Duration.ofMinutes(6));
            slow.awaitLines("[worker] running ", 2, Duration.ofMinutes(6));
            slow.process().kill9();
            Matcher killed = Pattern.compile("\\[worker] running (qc\\.slides:partition\\d+) \\(step execution (\\d+)")
                .matcher(slow.process().output().lines().filter(l -> l.startsWith("[worker] running ")).reduce((a, b) -> b).orElseThrow());
            assertThat(killed.find()).isTrue();
            assertThat(manager.waitFor(Duration.ofMinutes(15))).as(manager.output()).isZero();
            assertThat(manager.output()).contains("finished: COMPLETED").contains("30 partition request(s) for qc.slides go to queue");

            RepositoryQueries db = so.queries();
            assertThat(db.executionStatuses("qc")).containsExactly("COMPLETED");
            assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'qc'")).isEqualTo(SLIDES);
            assertThat(db.count("SELECT COUNT(DISTINCT slide_id) FROM slide_step_status WHERE step_name = 'qc'")).isEqualTo(SLIDES);
            // Σ items written over every partition step execution: each slide committed exactly once.
            assertThat(db.count("SELECT SUM(write_count) FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%'"))
                .isEqualTo(SLIDES);
            assertThat(db.strings("SELECT DISTINCT status FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%'"))
                .containsExactly("COMPLETED");
            assertThat(db.count("SELECT COUNT(*) FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%'")).isEqualTo(30);
            // Both workers took work; the passports say which worker ran which partition.
            List<Long> pids = db.longs("SELECT DISTINCT pid FROM compute_passport WHERE step_name LIKE 'qc.slides:partition%'");
            assertThat(pids).containsExactlyInAnyOrder(slow.pid(), other.pid());
            assertThat(db.strings("SELECT notes FROM compute_passport WHERE step_name LIKE 'qc.slides:partition%'"))
                .allMatch(n -> n.startsWith("remote worker on ") && n.contains("(queue " + so.queue() + ")"));
            // The partition the slow worker died in was finished by the other one, in the same step execution.
            long interrupted = Long.parseLong(killed.group(2));
            assertThat(db.strings("SELECT status FROM batch_step_execution WHERE step_execution_id = " + interrupted))
                .containsExactly("COMPLETED");
            assertThat(db.longs("SELECT pid FROM compute_passport WHERE step_execution_id = " + interrupted))
                .containsExactly(other.pid());
            // No password in any output or passport.
            assertThat(manager.output() + slow.process().output() + other.process().output()).doesNotContain(ScaleOut.DB_SECRET)
                .doesNotContain("guest:guest");
            assertThat(String.join("\n", db.strings("SELECT job_parameters || notes FROM compute_passport WHERE notes IS NOT NULL")))
                .doesNotContain(ScaleOut.DB_SECRET);

            // The same job in one process (threads, the embedded H2): the same files.
            Path local = tmp.resolve("ws-local");
            ScaleOut.Result single = ScaleOut.inProcess(List.of("--workspace", local.toString()), "run", "qc",
                "--param", "roots=" + cohort);
            assertThat(single.exitCode()).as(single.output()).isZero();
            // The tables name each overlay by its path, which holds the workspace folder: the only difference allowed.
            for (String f : List.of("qc/qc_metrics.csv", "qc/exclusions.csv")) {
                assertThat(Files.readString(ws.resolve(f))).as(f)
                    .isEqualTo(Files.readString(local.resolve(f)).replace(local.toString(), ws.toString()));
            }
            assertThat(rows(ws.resolve("qc/qc_metrics.parquet"), ws))
                .isEqualTo(rows(local.resolve("qc/qc_metrics.parquet"), local)).hasSize(SLIDES);
            List<Path> overlays = files(local.resolve("qc/overlays"));
            assertThat(overlays).hasSize(SLIDES);
            for (Path o : overlays) {
                assertThat(Files.readAllBytes(ws.resolve("qc/overlays").resolve(o.getFileName()))).as(o.toString())
                    .isEqualTo(Files.readAllBytes(o));
            }
        }
    }

    /**
     * The manager times out with no worker running (its requests stay queued, its partitions STARTING); a worker then
     * starts and drops every stale request (their job execution ended); {@code restart} recovers the partitions,
     * sends them again, and the job completes with each slide once.
     */
    @Test
    void aTimedOutManagerIsRestartedOnceAWorkerRuns() throws Exception {
        Path few = TestCohorts.small(tmp.resolve("cohort-few"), 4, 7);
        Path ws = tmp.resolve("ws-timeout");
        try (ScaleOut so = ScaleOut.create("timeout")) {
            List<String> options = so.options(ws);
            ScaleOut.Result first = ScaleOut.inProcess(options, "run", "qc", "--param", "roots=" + few, "--param",
                "partitioning=remote", "--param", "remote_queue=" + so.queue(), "--param", "partition_slides=2",
                "--param", "remote_timeout_s=40", "--param", "remote_poll_ms=200");
            assertThat(first.exitCode()).as(first.output()).isEqualTo(1);
            assertThat(first.output()).contains("finished: FAILED");
            RepositoryQueries db = so.queries();
            long execution = db.executionIds("qc").getFirst();
            assertThat(db.strings("SELECT status FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%'"))
                .containsExactly("STARTING", "STARTING");
            assertThat(so.queued()).isEqualTo(2);

            // doctor: the broker answers (two requests waiting, no worker yet) and the database can be shared
            ScaleOut.Result doctor = ScaleOut.inProcess(options, "doctor", "--queue", so.queue());
            assertThat(doctor.output()).contains("ok    broker     amqp://guest:***@127.0.0.1:5672 (queue " + so.queue()
                + ": 2 request(s) waiting, 0 worker(s) listening)").contains("ok    shared-db");

            // This worker is configured by Spring Boot's environment variables alone.
            ScaleOut.Worker worker = so.workerFromEnvironment(ws);
            assertThat(worker.process().output()).contains("job repository jdbc:postgresql://127.0.0.1:5432/");
            worker.awaitLines("[worker] dropped the request for qc.slides", 2, Duration.ofMinutes(2));
            assertThat(worker.process().output()).contains("its job execution " + execution + " is FAILED");
            assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'qc'")).isZero();

            ScaleOut.Result restart = ScaleOut.inProcess(options, "restart", Long.toString(execution));
            assertThat(restart.exitCode()).as(restart.output()).isZero();
            assertThat(restart.output()).contains("2 partition(s) still STARTING/STARTED").contains("finished: COMPLETED");
            assertThat(db.executionStatuses("qc")).containsExactly("FAILED", "COMPLETED");
            assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'qc'")).isEqualTo(4);
            assertThat(db.count("SELECT SUM(write_count) FROM batch_step_execution WHERE step_name LIKE 'qc.slides:partition%'"))
                .isEqualTo(4);
            assertThat(db.longs("SELECT DISTINCT pid FROM compute_passport WHERE step_name LIKE 'qc.slides:partition%'"))
                .containsExactly(worker.pid());
            ScaleOut.Result history = ScaleOut.inProcess(options, "history");
            ScaleOut.Result show = ScaleOut.inProcess(options, "show", Long.toString(db.executionIds("qc").get(1)));
            assertThat(show.output()).contains("ran on ").contains("pid " + worker.pid());
            assertThat(first.output() + restart.output() + worker.process().output() + doctor.output() + history.output()
                + show.output()).doesNotContain(ScaleOut.DB_SECRET).doesNotContain("guest:guest");
        }
    }

    /** The Parquet file's rows, each value as text with the workspace folder written as WS. */
    static List<Map<String, String>> rows(Path parquet, Path workspace) throws Exception {
        @SuppressWarnings({"unchecked", "rawtypes"})
        List<Map<Object, Object>> rows = (List) new CarpetReader<>(parquet.toFile(), Map.class).toList();
        return rows.stream().map(r -> {
            Map<String, String> m = new java.util.TreeMap<>();
            r.forEach((k, v) -> m.put(String.valueOf(k), String.valueOf(v).replace(workspace.toString(), "WS")));
            return m;
        }).toList();
    }

    static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
