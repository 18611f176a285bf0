package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.FaultInjection;
import org.slidebatch.support.TestCohorts;
import org.slidebatch.synth.SyntheticCohort;

/**
 * kill -9 at seeded moments (a temporary output written, an output rename, a chunk's rows before their commit, a
 * training step; see {@code workspace.CrashPoints}) and restart until the job completes; then every output file,
 * every result row and every slide's single write equal an uninterrupted run's ({@link FaultInjection}).
 * The default run plans three kills (at least two land: a moment a parallel partition already passed is not reached) in {@code tile} (manifest → tile) on four slides; with
 * {@code SLIDEBATCH_HEAVY_TESTS=1} the whole {@code openslidefm} chain on a labelled cohort is killed
 * at {@code FAULT_KILLS} seeded moments (default 26, seed {@code FAULT_SEED}, default 1) plus one of every kind of
 * moment those missed: {@code scripts/fault-injection}. Files that name their run are compared with that masked.
 * Each run writes its figures as JSON under {@code target/}.
 */
class ChainFaultInjectionTests {

    @TempDir
    Path tmp;

    static void write(String name, FaultInjection.Report r) throws Exception {
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Files.writeString(out, r.json());
        System.out.println("[fault-injection] " + out.toAbsolutePath() + "\n" + r.json());
    }

    static void check(FaultInjection.Report r, int minKills) {
        assertThat(r.killsMade()).as(r.json()).isGreaterThanOrEqualTo(minKills);
        assertThat(r.fileDifferences()).as(r.json()).isEmpty();
        assertThat(r.rowDifferences()).as(r.json()).isEmpty();
        assertThat(r.slideWritesByStep()).as(r.json()).allSatisfy((step, w) -> assertThat(w[1]).as(step).isEqualTo(w[0]));
        assertThat(r.killsSurvived()).isEqualTo(r.killsMade());
    }

    @Test
    void killsInTheTileJobLeaveEveryFileAndRowAsAnUninterruptedRun() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        Path cohort = TestCohorts.small(tmp.resolve("cohort"), 4, 61);
        FaultInjection harness = new FaultInjection(tmp, "tile", List.of("--param", "roots=" + cohort,
            "--param", "qc_policy=none", "--param", "workers=2"), "384m", Duration.ofMinutes(4));
        FaultInjection.Report r = harness.run(3, 7);
        write("fault-injection-tile.json", r);
        check(r, 2);
        assertThat(r.filesCompared()).isEqualTo(r.filesIdentical() + r.parquetFilesComparedByRows() + r.filesEqualMasked());
        assertThat(r.slideWritesByStep()).containsKeys("tile.slides", "manifest.record");
    }

    @Test
    void killsAcrossTheWholeOpenslidefmChainLeaveEveryFileAndRowAsAnUninterruptedRun() throws Exception {
        assumeTrue("1".equals(System.getenv("SLIDEBATCH_HEAVY_TESTS")),
            "the whole chain killed 40-odd times takes 10-30 minutes on 2 cores: set SLIDEBATCH_HEAVY_TESTS=1 "
                + "(scripts/fault-injection); killsInTheTileJob… is the light twin");
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        int kills = Integer.parseInt(System.getenv().getOrDefault("FAULT_KILLS", "26"));
        long seed = Long.parseLong(System.getenv().getOrDefault("FAULT_SEED", "1"));
        int slides = Integer.parseInt(System.getenv().getOrDefault("FAULT_SLIDES", "6"));
        Path cohort = tmp.resolve("cohort");
        SyntheticCohort.write(cohort, new SyntheticCohort.Options(slides, 71, 512, 768, 2, null, true), null);
        List<String> args = org.slidebatch.support.FaultInjectionMain.chainArgs(cohort);
        FaultInjection harness = new FaultInjection(tmp, "openslidefm", args, "1g", Duration.ofMinutes(10));
        FaultInjection.Report r = harness.run(kills, seed, true);
        write("fault-injection-chain.json", r);
        check(r, Math.min(20, kills));
    }
}
