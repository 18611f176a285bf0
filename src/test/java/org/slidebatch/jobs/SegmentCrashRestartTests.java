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
 * kill -9 during the partitioned segmentation step over 100 generated slides, then restart: the job finishes,
 * every slide is segmented (committed) exactly once, and masks and GeoJSON are byte-identical to an
 * uninterrupted run's.
 */
class SegmentCrashRestartTests {

    static final int SLIDES = 100;
    static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 17);
    }

    static String[] run(Path ws) {
        return new String[] {"--workspace", ws.toString(), "run", "segment", "--param", "roots=" + cohort,
            "--param", "preset=clam-tcga", "--param", "a_t=0", "--param", "workers=2"};
    }

    @Test
    void killMinus9DuringSegmentationThenRestartGivesIdenticalOutputs() throws Exception {
        Path crashed = tmp.resolve("ws-crashed");
        CrashRestart.Result r = CrashRestart.killThenRestart(crashed, "segment", "segment", 12, 40, LONG, run(crashed));
        assertThat(r.committedBeforeRestart()).isBetween(10L, (long) SLIDES - 1);
        RepositoryQueries db = r.db();
        assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'segment'")).isEqualTo(SLIDES);
        assertThat(db.count("SELECT COUNT(*) FROM tissue_segmentation")).isEqualTo(SLIDES);
        // Exactly once: the committed writes of all partition executions (crashed and restarted) add up to the slides.
        assertThat(r.partitionWrites("segment")).isEqualTo(SLIDES);

        Path clean = tmp.resolve("ws-uninterrupted");
        CliProcess uninterrupted = CliProcess.run(LONG, run(clean));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.output()).isZero();

        List<Path> expected = tissueFiles(clean);
        assertThat(expected).hasSize(2 * SLIDES);
        assertThat(tissueFiles(crashed).stream().map(p -> p.getFileName().toString()).toList())
            .isEqualTo(expected.stream().map(p -> p.getFileName().toString()).toList());
        for (Path e : expected) {
            assertThat(Files.readAllBytes(crashed.resolve("tissue").resolve(e.getFileName())))
                .as(e.getFileName() + " after crash + restart equals the uninterrupted run's")
                .isEqualTo(Files.readAllBytes(e));
        }
    }

    static List<Path> tissueFiles(Path ws) throws Exception {
        try (Stream<Path> s = Files.list(ws.resolve("tissue"))) {
            return s.filter(p -> p.toString().endsWith(".geojson") || p.toString().endsWith(".png")).sorted().toList();
        }
    }
}
