package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.util.List;

import com.jerolba.carpet.CarpetReader;
import com.jerolba.carpet.FieldMatchingStrategy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.manifest.ManifestRow;
import org.slidebatch.manifest.ManifestStepConfiguration;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.support.TestCohorts;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Process-level restart guarantees of the manifest job over 200 generated slides: a JVM killed with SIGKILL in
 * the middle of {@code manifest.record} is restarted by {@code slidebatch restart} and ends with every slide
 * recorded exactly once and outputs identical to an uninterrupted run; a second launch of the running instance
 * is refused; {@code stop} from another process stops it at a chunk boundary.
 */
class ManifestCrashRestartTests {

    static final int SLIDES = 200;
    static final Pattern PROGRESS = Pattern.compile("\\[manifest\\.record] (\\d+)/(\\d+) slides");
    static final Duration LONG = Duration.ofMinutes(4);

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 42);
    }

    static boolean progressAtLeast(String line, int n) {
        Matcher m = PROGRESS.matcher(line);
        return m.find() && Integer.parseInt(m.group(1)) >= n;
    }

    @Test
    void killMinus9DuringRecordThenRestartRecordsEverySlideExactlyOnce() throws Exception {
        Path crashed = tmp.resolve("ws-crashed");
        try (CliProcess first = CliProcess.start(30, "--workspace", crashed.toString(), "run", "manifest",
            "--param", "roots=" + cohort)) {
            first.awaitLine(l -> progressAtLeast(l, 60), LONG);
            first.kill9();
        }
        RepositoryQueries db = new RepositoryQueries(crashed);
        assertThat(db.executionStatuses("manifest")).containsExactly("STARTED");
        long recordedBeforeRestart = db.count("SELECT COUNT(*) FROM slide");
        // Killed mid-step: progress is printed before the chunk commits, so up to one chunk may be lost (and redone).
        assertThat(recordedBeforeRestart).isBetween(40L, (long) SLIDES - 1);
        long execution = db.executionIds("manifest").getFirst();

        CliProcess restart = CliProcess.run(LONG, "--workspace", crashed.toString(), "restart", Long.toString(execution));
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(restart.output()).contains("which is gone").contains("finished: COMPLETED");

        assertThat(db.executionStatuses("manifest")).containsExactly("FAILED", "COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM slide")).isEqualTo(SLIDES);
        assertThat(db.count("SELECT COUNT(DISTINCT slide_id) FROM slide")).isEqualTo(SLIDES);
        assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'manifest.record'")).isEqualTo(SLIDES);
        // Exactly once: the writes of both executions add up to the slide count.
        assertThat(db.totalWrites(ManifestStepConfiguration.RECORD_STEP)).isEqualTo(SLIDES);
        // Every step execution that ended has a passport (the killed one could not write its own).
        assertThat(db.count("SELECT COUNT(*) FROM compute_passport"))
            .isEqualTo(db.count("SELECT COUNT(*) FROM BATCH_STEP_EXECUTION WHERE STATUS = 'COMPLETED'"))
            .isEqualTo(3);

        Path clean = tmp.resolve("ws-uninterrupted");
        CliProcess uninterrupted = CliProcess.run(LONG, "--workspace", clean.toString(), "run", "manifest",
            "--param", "roots=" + cohort);
        assertThat(uninterrupted.exitCode()).as(uninterrupted.output()).isZero();
        assertThat(new RepositoryQueries(clean).totalWrites(ManifestStepConfiguration.RECORD_STEP)).isEqualTo(SLIDES);

        for (String file : new String[] {"manifest.csv", "failed-slides.csv"}) {
            assertThat(Files.readAllBytes(crashed.resolve("manifest").resolve(file)))
                .as(file + " after crash + restart equals the uninterrupted run's")
                .isEqualTo(Files.readAllBytes(clean.resolve("manifest").resolve(file)));
        }
        // parquet-mr writes each column's encoding set in hash order, so the bytes may differ between JVMs: compare rows.
        assertThat(parquetRows(crashed)).hasSize(SLIDES).isEqualTo(parquetRows(clean));
        assertThat(Files.readAllLines(clean.resolve("manifest/manifest.csv"))).hasSize(SLIDES + 1);
    }

    static List<ManifestRow> parquetRows(Path workspace) throws Exception {
        return new CarpetReader<>(workspace.resolve("manifest/manifest.parquet").toFile(), ManifestRow.class)
            .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
    }

    @Test
    void secondLaunchOfARunningInstanceIsRefusedAndStopFromAnotherProcessStopsIt() throws Exception {
        Path ws = tmp.resolve("ws-concurrent");
        String[] run = {"--workspace", ws.toString(), "run", "manifest", "--param", "roots=" + cohort};
        // Slow items (400 ms each: 80 s in all) leave time for two more JVMs to start while the first one runs, even
        // on a loaded 2-core machine where a JVM takes ~25 s to start.
        try (CliProcess first = CliProcess.start(400, run)) {
            first.awaitLine(l -> progressAtLeast(l, 20), LONG);

            CliProcess second = CliProcess.run(LONG, run);
            assertThat(second.exitCode()).as(second.output()).isEqualTo(3);
            assertThat(second.output()).contains("refused").contains("already running");

            long execution = new RepositoryQueries(ws).executionIds("manifest").getFirst();
            CliProcess stop = CliProcess.run(LONG, "--workspace", ws.toString(), "stop", Long.toString(execution));
            assertThat(stop.exitCode()).as(stop.output()).isZero();

            assertThat(first.waitFor(LONG)).as(first.output()).isEqualTo(1);
            assertThat(first.output()).contains("finished: STOPPED");
        }
        RepositoryQueries db = new RepositoryQueries(ws);
        assertThat(db.count("SELECT COUNT(*) FROM slide")).isLessThan(SLIDES);

        CliProcess again = CliProcess.run(LONG, run);
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(db.executionStatuses("manifest")).containsExactly("STOPPED", "COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM slide")).isEqualTo(SLIDES);
        assertThat(db.totalWrites(ManifestStepConfiguration.RECORD_STEP)).isEqualTo(SLIDES);
    }
}
