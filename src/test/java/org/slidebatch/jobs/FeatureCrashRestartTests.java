package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The whole OpenSlideFM chain (manifest → qc → tile → features) killed with SIGKILL during the feature step, then
 * restarted: feature files byte-identical to an uninterrupted run, each slide's features committed once.
 */
class FeatureCrashRestartTests {

    static final int SLIDES = 10;
    static final Duration LONG = Duration.ofMinutes(8);
    static final Pattern PROGRESS = Pattern.compile("\\[features\\.slides:partition0] (\\d+)/(\\d+) slides");

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 53);
    }

    static String[] run(Path ws) {
        return new String[] {"--workspace", ws.toString(), "run", "openslidefm", "--param", "roots=" + cohort,
            "--param", "random_weights=true", "--param", "selftest=off", "--param", "workers=1",
            "--param", "qc_policy=none", "--param", "assume_mpp=0.5", "--param", "batch=8"};
    }

    @Test
    void killMinus9DuringFeaturesThenRestartGivesIdenticalFeatureFiles() throws Exception {
        Path crashed = tmp.resolve("ws-crashed");
        try (CliProcess first = CliProcess.start(200, run(crashed))) {
            first.awaitLine(l -> {
                Matcher m = PROGRESS.matcher(l);
                return m.find() && Integer.parseInt(m.group(1)) >= 3;
            }, LONG);
            first.kill9();
        }
        RepositoryQueries db = new RepositoryQueries(crashed);
        assertThat(db.executionStatuses("openslidefm")).containsExactly("STARTED");
        long before = db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'features'");
        assertThat(before).isBetween(1L, (long) SLIDES - 1);
        long execution = db.executionIds("openslidefm").getFirst();
        CliProcess restart = CliProcess.run(LONG, "--workspace", crashed.toString(), "restart", Long.toString(execution));
        assertThat(restart.exitCode()).as(restart.output()).isZero();
        assertThat(db.executionStatuses("openslidefm")).containsExactly("FAILED", "COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'features'")).isEqualTo(SLIDES);
        assertThat(db.count("SELECT COALESCE(SUM(WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE 'features.slides:partition%'"))
            .isEqualTo(SLIDES);

        Path clean = tmp.resolve("ws-uninterrupted");
        CliProcess p = CliProcess.run(LONG, run(clean));
        assertThat(p.exitCode()).as(p.output()).isZero();
        List<Path> expected = npy(clean);
        assertThat(expected).isNotEmpty();
        assertThat(npy(crashed).stream().map(f -> crashed.relativize(f).toString()).toList())
            .isEqualTo(expected.stream().map(f -> clean.relativize(f).toString()).toList());
        for (Path e : expected) {
            Path c = crashed.resolve(clean.relativize(e));
            assertThat(Files.readAllBytes(c)).as(c + " equals the uninterrupted run's").isEqualTo(Files.readAllBytes(e));
        }
    }

    static List<Path> npy(Path ws) throws Exception {
        try (Stream<Path> s = Files.walk(ws.resolve("features"))) {
            return s.filter(p -> p.toString().endsWith(".npy")).sorted().toList();
        }
    }
}
