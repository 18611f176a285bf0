package org.slidebatch.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.jerolba.carpet.CarpetReader;
import com.jerolba.carpet.FieldMatchingStrategy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.support.CliProcess;
import org.slidebatch.support.CrashRestart;
import org.slidebatch.support.TestCohorts;
import org.slidebatch.tiling.CoordinateFiles;
import org.slidebatch.tiling.TileCoord;

/** kill -9 during the tiling steps (tokens and grid), restart: coordinate files identical to an uninterrupted run. */
class CoordinatesCrashRestartTests {

    static final int SLIDES = 50;
    static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    static Path tmp;
    static Path cohort;

    @BeforeAll
    static void cohort() throws Exception {
        assumeTrue(OpenSlideReader.isAvailable(), "libopenslide0 is not installed (scripts/setup installs it)");
        cohort = TestCohorts.small(tmp.resolve("cohort"), SLIDES, 31);
    }

    /** Runs the job, kills it once a partition has done {@code after} slides, restarts it; returns the workspace. */
    static Path crashAndRestart(String job, String step, int after, String... params) throws Exception {
        Path ws = tmp.resolve(job + "-crashed");
        CrashRestart.Result r = CrashRestart.killThenRestart(ws, job, step, after, 60, LONG, args(ws, job, params));
        assertThat(r.db().count("SELECT COUNT(*) FROM slide_step_status WHERE step_name = '" + step + "'")).isEqualTo(SLIDES);
        assertThat(r.partitionWrites(step)).isEqualTo(SLIDES);
        return ws;
    }

    static Path uninterrupted(String job, String... params) throws Exception {
        Path ws = tmp.resolve(job + "-uninterrupted");
        CliProcess p = CliProcess.run(LONG, args(ws, job, params));
        assertThat(p.exitCode()).as(p.output()).isZero();
        return ws;
    }

    static String[] args(Path ws, String job, String... params) {
        List<String> a = new ArrayList<>(List.of("--workspace", ws.toString(), "run", job, "--param", "roots=" + cohort,
            "--param", "workers=2"));
        for (String p : params) {
            a.add("--param");
            a.add(p);
        }
        return a.toArray(String[]::new);
    }

    static List<Path> files(Path dir, String suffix) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void tokenTilingRestartGivesIdenticalCoordinates() throws Exception {
        String[] params = {"seed=1337", "assume_mpp=0.5"};
        Path crashed = crashAndRestart("tile", "tile", 8, params);
        Path clean = uninterrupted("tile", params);
        List<Path> expected = files(clean.resolve("tiles"), ".parquet");
        assertThat(expected).hasSizeGreaterThan(2 * SLIDES - 1); // two scales per slide + the summary
        for (Path e : expected) {
            Path c = crashed.resolve("tiles").resolve(clean.resolve("tiles").relativize(e));
            if (e.getFileName().toString().equals("tiling_summary.parquet")) {
                continue; // holds output paths, which name the workspace
            }
            assertThat(read(c)).as(c.toString()).isEqualTo(read(e));
        }
        assertThat(files(clean.resolve("tiles"), ".parquet").stream().mapToLong(p -> {
            try {
                return read(p).size();
            } catch (Exception ex) {
                return 0;
            }
        }).sum()).isPositive();
    }

    @Test
    void gridRestartGivesIdenticalCoordinateFiles() throws Exception {
        String[] params = {"preset=gpfm-tcga", "a_t=0", "patch_size=64", "step_size=64"};
        Path crashed = crashAndRestart("grid", "grid", 8, params);
        Path clean = uninterrupted("grid", params);
        List<Path> expected = files(clean.resolve("grid"), ".h5");
        assertThat(expected).hasSize(SLIDES);
        for (Path e : expected) {
            Path c = crashed.resolve("grid").resolve(e.getFileName());
            assertThat(h5Content(c)).as(c + " equals the uninterrupted run's").isEqualTo(h5Content(e));
        }
        assertThat(expected).anyMatch(e -> h5Content(e).contains("coords=[["));
        for (Path e : files(clean.resolve("grid"), ".parquet")) {
            Path c = crashed.resolve("grid").resolve(e.getFileName());
            assertThat(new CarpetReader<>(c.toFile(), CoordinateFiles.GridCoordRow.class)
                .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList())
                .isEqualTo(new CarpetReader<>(e.toFile(), CoordinateFiles.GridCoordRow.class)
                    .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList());
        }
    }

    /** Dataset and attributes of a coordinate h5, as text; CLAM's save_path names the workspace, so it is left out. */
    static String h5Content(Path h5) {
        StringBuilder sb = new StringBuilder();
        try (io.jhdf.HdfFile f = new io.jhdf.HdfFile(h5)) {
            for (var a : new java.util.TreeMap<>(f.getAttributes()).entrySet()) {
                sb.append("/@").append(a.getKey()).append('=').append(java.util.Objects.toString(deep(a.getValue().getData()))).append('\n');
            }
            if (f.getChildren().containsKey("coords")) {
                var coords = f.getDatasetByPath("coords");
                sb.append("coords=").append(deep(coords.getData())).append('\n');
                for (var a : new java.util.TreeMap<>(coords.getAttributes()).entrySet()) {
                    if (!a.getKey().equals("save_path")) {
                        sb.append("coords@").append(a.getKey()).append('=').append(deep(a.getValue().getData())).append('\n');
                    }
                }
            }
        }
        return sb.toString();
    }

    static String deep(Object o) {
        return o instanceof Object[] arr ? java.util.Arrays.deepToString(arr)
            : o != null && o.getClass().isArray() ? java.util.Arrays.deepToString(new Object[] {o}) : String.valueOf(o);
    }

    static List<TileCoord> read(Path parquet) throws Exception {
        return new CarpetReader<>(parquet.toFile(), TileCoord.class).withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
    }
}
