package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.RepositoryQueries;
import org.slidebatch.support.TestCohorts;
import org.slidebatch.synth.SyntheticCohort;

/**
 * Several processes on one workspace: two different jobs at once, two launchers racing for the same job instance,
 * and {@code stop} from another process during a per-slide step (and, with SLIDEBATCH_HEAVY_TESTS=1, during every
 * step of the openslidefm chain in turn). No corruption: every slide once, clear refusals, stopped runs continue.
 */
class ConcurrencyFunctionalTests {

    static final int SLIDES = 6;
    static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 43);
    }

    @Test
    void twoDifferentJobsOnOneWorkspaceAtOnceBothCompleteAndEverySlideIsRecordedOncePerStep() throws Exception {
        Path ws = tmp.resolve("ws-two-jobs");
        String[] segment = {"--workspace", ws.toString(), "run", "segment", "--param", "roots=" + cohort,
            "--param", "preset=clam-tcga", "--param", "a_t=0", "--param", "qc_policy=none", "--param", "workers=2"};
        String[] tile = {"--workspace", ws.toString(), "run", "tile", "--param", "roots=" + cohort,
            "--param", "qc_policy=none", "--param", "workers=2"};
        // segment opens the embedded repository first and serves it (H2 AUTO_SERVER); tile, started once segment runs
        // and slowed to outlast it, is its guest. Segment finishing must not break tile's open transaction: it waits.
        try (CliProcess a = CliProcess.start(2000, segment)) {
            a.awaitLine(l -> l.startsWith("[slidebatch] segment execution"), LONG);
            try (CliProcess b = CliProcess.start(6000, tile)) {
                assertThat(a.waitFor(LONG)).as(a.output()).isZero();
                assertThat(b.waitFor(LONG)).as(b.output()).isZero();
                assertThat(a.output()).as("the serving process waited for its guest's job")
                    .contains("serves the workspace's job repository to other processes");
            }
        }
        RepositoryQueries db = new RepositoryQueries(ws);
        assertThat(db.executionStatuses("segment")).containsExactly("COMPLETED");
        assertThat(db.executionStatuses("tile")).containsExactly("COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM slide")).isEqualTo(SLIDES);
        for (String step : List.of("segment", "tile")) {
            assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = '" + step + "'")).as(step).isEqualTo(SLIDES);
            assertThat(db.count("SELECT COALESCE(SUM(WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE '"
                + step + ".slides:partition%'")).as(step + " written once per slide").isEqualTo(SLIDES);
        }
        assertThat(db.count("SELECT COUNT(*) FROM tissue_segmentation WHERE is_current")).isEqualTo(SLIDES);
        try (var s = Files.list(ws.resolve("tissue"))) {
            assertThat(s.filter(p -> p.toString().endsWith(".geojson"))).hasSize(SLIDES);
        }
    }

    @Test
    void twoLaunchersRacingForTheSameInstanceOneRunsTheOtherIsRefused() throws Exception {
        Path ws = tmp.resolve("ws-race");
        String[] run = {"--workspace", ws.toString(), "run", "manifest", "--param", "roots=" + cohort};
        List<CliProcess> both = new ArrayList<>();
        try {
            both.add(CliProcess.start(3000, run));
            both.add(CliProcess.start(3000, run));
            int x = both.get(0).waitFor(LONG);
            int y = both.get(1).waitFor(LONG);
            String out = both.get(0).output() + "\n-----\n" + both.get(1).output();
            assertThat(List.of(x, y)).as(out).containsExactlyInAnyOrder(0, 3);
            CliProcess refused = x == 3 ? both.get(0) : both.get(1);
            assertThat(refused.output()).contains("refused").contains("already running");
        } finally {
            both.forEach(CliProcess::close);
        }
        RepositoryQueries db = new RepositoryQueries(ws);
        assertThat(db.executionStatuses("manifest")).containsExactly("COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM slide")).isEqualTo(SLIDES);
        assertThat(db.totalWrites("manifest.record")).isEqualTo(SLIDES);
    }

    @Test
    void stopDuringAPartitionedPerSlideStepStopsItAndTheRestartFinishesEverySlideOnce() throws Exception {
        Path ws = tmp.resolve("ws-stop");
        CliProcess manifest = CliProcess.run(LONG, "--workspace", ws.toString(), "run", "manifest", "--param", "roots=" + cohort);
        assertThat(manifest.exitCode()).as(manifest.output()).isZero();
        String[] run = {"--workspace", ws.toString(), "run", "segment",
            "--param", "preset=clam-tcga", "--param", "a_t=0", "--param", "qc_policy=none", "--param", "workers=2"};
        // 20 s a slide (60 s a partition): the stop, a JVM of its own, lands while the step runs even on a loaded machine
        try (CliProcess first = CliProcess.start(20000, run)) {
            first.awaitLine(l -> l.startsWith("[slidebatch] segment execution"), LONG);
            long execution = new RepositoryQueries(ws).executionIds("segment").getFirst();
            CliProcess stop = CliProcess.run(LONG, "--workspace", ws.toString(), "stop", Long.toString(execution));
            assertThat(stop.exitCode()).as(stop.output()).isZero();
            assertThat(first.waitFor(LONG)).as(first.output()).isEqualTo(1);
            assertThat(first.output()).contains("finished: STOPPED");
        }
        RepositoryQueries db = new RepositoryQueries(ws);
        long stoppedAt = db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'segment'");
        assertThat(stoppedAt).isLessThan(SLIDES);
        long execution = db.executionIds("segment").getFirst();
        CliProcess again = CliProcess.run(LONG, "--workspace", ws.toString(), "restart", Long.toString(execution));
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(db.executionStatuses("segment")).containsExactly("STOPPED", "COMPLETED");
        assertThat(db.count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = 'segment'")).isEqualTo(SLIDES);
        assertThat(db.count("SELECT COALESCE(SUM(WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE "
            + "'segment.slides:partition%'")).isEqualTo(SLIDES);
    }

    private static final Pattern STEP_LINE = Pattern.compile("^\\[([a-z0-9_.]+?)(?:\\.slides:partition\\d+)?]");

    /**
     * The whole chain, stopped from another process as each of its steps begins (items slowed so a stop can land),
     * then restarted, until it completes: every stop ends STOPPED (or the step finished first, reported), no slide twice.
     */
    @Test
    void stopDuringEveryStepOfTheChainThenRestartCompletes() throws Exception {
        assumeTrue("1".equals(System.getenv("SLIDEBATCH_HEAVY_TESTS")),
            "a stop in each of the chain's steps takes 20+ minutes on 2 cores: set SLIDEBATCH_HEAVY_TESTS=1; "
                + "stopDuringAPartitionedPerSlideStep… is the light twin");
        Path labelled = tmp.resolve("labelled");
        SyntheticCohort.write(labelled, new SyntheticCohort.Options(SLIDES, 71, 512, 768, 2, null, true), null);
        Path ws = tmp.resolve("ws-chain-stop");
        List<String> args = new ArrayList<>(List.of("--workspace", ws.toString(), "run", "openslidefm",
            "--config", Path.of("jobs-config/pretrain-demo.properties").toAbsolutePath().toString()));
        for (String kv : List.of("roots=" + labelled, "qc_policy=none", "assume_mpp=0.5", "random_weights=true",
            "selftest=off", "batch=8", "dpi=72", "labels=" + labelled.resolve("labels.csv"), "protocol=binary-cv",
            "folds=2", "boots=50")) {
            args.add("--param");
            args.add(kv);
        }
        List<String> stoppedIn = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        String[] next = args.toArray(String[]::new);
        for (int round = 0; round < 30; round++) {
            try (CliProcess p = CliProcess.start("1g", Map.of(), 700, next)) {
                String line = p.awaitLineOrExit(l -> {
                    Matcher m = STEP_LINE.matcher(l);
                    return m.find() && !l.startsWith("[slidebatch]") && !l.startsWith("[crash-point]") && !seen.contains(m.group(1));
                }, Duration.ofMinutes(10));
                if (line == null) {
                    assertThat(p.exitCode()).as(p.output()).isZero();
                    break;
                }
                Matcher m = STEP_LINE.matcher(line);
                m.find();
                seen.add(m.group(1));
                long execution = new RepositoryQueries(ws).executionIds("openslidefm").getLast();
                CliProcess stop = CliProcess.run(LONG, "--workspace", ws.toString(), "stop", Long.toString(execution));
                int code = p.waitFor(Duration.ofMinutes(10));
                stoppedIn.add(m.group(1) + (code == 0 ? " (completed before the stop landed)" : ""));
                if (code == 0) {
                    break;
                }
                assertThat(p.output()).contains("finished: STOPPED");
                next = new String[] {"--workspace", ws.toString(), "restart", Long.toString(execution)};
            }
        }
        System.out.println("[stop-every-step] stopped in: " + stoppedIn);
        RepositoryQueries db = new RepositoryQueries(ws);
        assertThat(db.executionStatuses("openslidefm").getLast()).isEqualTo("COMPLETED");
        assertThat(stoppedIn.size()).isGreaterThanOrEqualTo(5);
        for (String step : List.of("qc", "tile", "features", "embed")) {
            assertThat(db.count("SELECT COALESCE(SUM(WRITE_COUNT), 0) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE '"
                + step + ".slides:partition%'")).as(step).isEqualTo(SLIDES);
        }
    }
}
