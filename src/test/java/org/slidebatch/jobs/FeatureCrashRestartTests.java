package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.CrashRestart;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.support.TestCohorts;

/**
 * The whole OpenSlideFM chain (manifest → qc → tile → features) killed with SIGKILL during the feature step, then
 * restarted: feature files byte-identical to an uninterrupted run, each slide's features committed once.
 */
class FeatureCrashRestartTests {

    static final int SLIDES = 10;
    static final Duration LONG = Duration.ofMinutes(8);

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 53);
    }

    static String[] run(Path ws) {
        // The chain ends with pretrain → embed: the demo's CPU-sized phase 1 keeps this test about features.
        return new String[] {"--workspace", ws.toString(), "run", "openslidefm", "--config", "jobs-config/pretrain-demo.properties",
            "--param", "roots=" + cohort,
            "--param", "random_weights=true", "--param", "selftest=off", "--param", "workers=1",
            "--param", "qc_policy=none", "--param", "assume_mpp=0.5", "--param", "batch=8"};
    }

    @Test
    void killMinus9DuringFeaturesThenRestartGivesIdenticalFeatureFiles() throws Exception {
        Path crashed = tmp.resolve("ws-crashed");
        CrashRestart.Result r = CrashRestart.killThenRestart(crashed, "openslidefm", "features", 3, 200, LONG, run(crashed));
        assertThat(r.committedBeforeRestart()).isBetween(1L, (long) SLIDES - 1);
        RepositoryQueries db = r.db();
        assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'features'")).isEqualTo(SLIDES);
        assertThat(r.partitionWrites("features")).isEqualTo(SLIDES);

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
