package org.slidebatch.tiling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.jerolba.carpet.CarpetReader;
import com.jerolba.carpet.FieldMatchingStrategy;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;

import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slidebatch.tiling.ClamGridPatcher.GridParams;
import org.slidebatch.tiling.CoordinateFiles.GridCoordRow;

class CoordinateFilesTest {

    @TempDir
    Path dir;

    static final GridParams GPFM = new GridParams(512, 512, 0, "four_pt", true);

    static final List<long[]> COORDS = List.of(new long[] {0, 0}, new long[] {0, 512}, new long[] {512, 0},
        new long[] {3_000_000_000L, 7});

    @Test
    void gridH5RoundTripsCoordsAndClamTridentAttributes() throws IOException {
        Path h5 = dir.resolve("slide-1.h5");
        CoordinateFiles.writeGridH5(h5, COORDS, GPFM, 46_000, 32_000, 1.0);
        try (HdfFile f = new HdfFile(h5)) {
            Dataset coords = f.getDatasetByPath("coords");
            assertThat(coords.getDimensions()).containsExactly(4, 2);
            assertThat(coords.getJavaType()).isEqualTo(long.class);
            long[][] data = (long[][]) coords.getData();
            assertThat(data).isDeepEqualTo(new long[][] {{0, 0}, {0, 512}, {512, 0}, {3_000_000_000L, 7}});
            assertThat(attr(coords, "patch_size")).isEqualTo(512L);
            assertThat(attr(coords, "patch_level")).isEqualTo(0L);
            assertThat((double[]) attr(coords, "downsample")).containsExactly(1.0, 1.0);
            assertThat((long[]) attr(coords, "level_dim")).containsExactly(46_000L, 32_000L);
            assertThat((long[]) attr(coords, "downsampled_level_dim")).containsExactly(46_000L, 32_000L);
            assertThat(attr(coords, "patch_size_level0")).isEqualTo(512L);
            assertThat(attr(coords, "name")).isEqualTo("slide-1");
            assertThat(attr(coords, "save_path")).isEqualTo(dir.toAbsolutePath().toString());
            assertThat(attr(coords, "contour_fn")).isEqualTo("four_pt");
            assertThat(attr(coords, "step_size")).isEqualTo(512L);
            assertThat(attr(coords, "n_patches")).isEqualTo(4L);
            assertThat(attr(f, "n_patches")).isEqualTo(4L);
        }
        try (var s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("slide-1.h5");   // no temp left
        }
    }

    @Test
    void patchSizeLevel0FollowsTheLevelDownsample() throws IOException {
        Path h5 = dir.resolve("lvl1.h5");
        // CLAM's estimated per-axis downsample, e.g. 46000/11488 and 32000/8000
        CoordinateFiles.writeGridH5(h5, "named", COORDS, new GridParams(256, 256, 1, "center", false), 11_488, 8_000,
            46_000 / 11_488.0, 4.0);
        try (HdfFile f = new HdfFile(h5)) {
            Dataset coords = f.getDatasetByPath("coords");
            assertThat(attr(coords, "patch_size_level0")).isEqualTo(1024L);
            assertThat(attr(coords, "patch_level")).isEqualTo(1L);
            assertThat((double[]) attr(coords, "downsample")).containsExactly(46_000 / 11_488.0, 4.0);
            assertThat((long[]) attr(coords, "level_dim")).containsExactly(11_488L, 8_000L);
            assertThat(attr(coords, "name")).isEqualTo("named");
        }
    }

    @Test
    void anEmptyGridGivesAValidH5WithNPatchesZero() throws IOException {
        Path h5 = dir.resolve("empty.h5");
        CoordinateFiles.writeGridH5(h5, List.of(), GPFM, 1000, 1000, 1.0);
        try (HdfFile f = new HdfFile(h5)) {
            assertThat(f.getChildren()).doesNotContainKey("coords");
            assertThat(attr(f, "n_patches")).isEqualTo(0L);
            assertThat(attr(f, "patch_size")).isEqualTo(512L);
            assertThat(attr(f, "name")).isEqualTo("empty");
        }
    }

    @Test
    void h5pyReadsTheFileWhenAvailable() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        assumeTrue(run(python.toString(), "-c", "import h5py").exitCode == 0, "h5py not installed");
        Path h5 = dir.resolve("py.h5");
        Path empty = dir.resolve("py-empty.h5");
        CoordinateFiles.writeGridH5(h5, COORDS, GPFM, 46_000, 32_000, 1.0);
        CoordinateFiles.writeGridH5(empty, List.of(), GPFM, 46_000, 32_000, 1.0);
        String script = String.join("\n",
            "import h5py, sys",
            "with h5py.File(sys.argv[1], 'r') as f:",
            "    d = f['coords']",
            "    print(d.shape, d.dtype, d[:].tolist())",
            "    print(int(d.attrs['patch_size']), int(d.attrs['patch_level']), list(d.attrs['downsample']),",
            "          [int(v) for v in d.attrs['level_dim']], int(d.attrs['patch_size_level0']), d.attrs['name'])",
            "with h5py.File(sys.argv[2], 'r') as f:",
            "    print('coords' in f, int(f.attrs['n_patches']))");
        Result r = run(python.toString(), "-c", script, h5.toString(), empty.toString());
        assertThat(r.exitCode).as(r.output).isZero();
        assertThat(r.output).contains("(4, 2) int64 [[0, 0], [0, 512], [512, 0], [3000000000, 7]]");
        assertThat(r.output).contains("512 0 [1.0, 1.0] [46000, 32000] 512 b'py'");
        assertThat(r.output).contains("False 0");
    }

    @Test
    void tokensParquetRoundTripsWithSnakeCaseColumns() throws IOException {
        Path pq = dir.resolve("s_scale0p5.parquet");
        List<TileCoord> tiles = List.of(
            new TileCoord("s", 0.5, 0, 0, 0, 0, 0, 256, 32, 0.2527, 0, 42L),
            new TileCoord("s", 0.5, 1, 896, 0, 224, 0, 256, 32, 1.0108, 1, 42L));
        CoordinateFiles.writeTokensParquet(pq, tiles, "BRCA");
        List<TileCoord> back = new CarpetReader<>(pq.toFile(), TileCoord.class)
            .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
        assertThat(back).isEqualTo(tiles);
        assertThat(columns(pq)).containsExactly("slide_id", "cancer_code", "scale_um_per_px", "level", "x", "y",
            "tile_size", "overlap", "approx_mpp", "tile_idx", "seed", "tile_px", "x0", "y0", "level_x", "level_y");
        // OpenSlideFM's names carry OpenSlideFM's values: x, y in level pixels, tile_px = tile_size
        List<CoordinateFiles.TokenRow> rows = new CarpetReader<>(pq.toFile(), CoordinateFiles.TokenRow.class)
            .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
        assertThat(rows.get(1)).isEqualTo(new CoordinateFiles.TokenRow("s", "BRCA", 0.5, 1, 224, 0, 256, 32, 1.0108, 1, 42L,
            256, 896, 0, 224, 0));
        CoordinateFiles.writeTokensParquet(pq, tiles);
        assertThat(new CarpetReader<>(pq.toFile(), CoordinateFiles.TokenRow.class)
            .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList().getFirst().cancerCode()).isEqualTo("UNKNOWN");
    }

    @Test
    void anEmptyTokenListStillHasTheSchema() throws IOException {
        Path pq = dir.resolve("empty.parquet");
        CoordinateFiles.writeTokensParquet(pq, List.of());
        assertThat(new CarpetReader<>(pq.toFile(), TileCoord.class)
            .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList()).isEmpty();
        assertThat(columns(pq)).contains("slide_id", "level_x", "tile_idx");
    }

    @Test
    void gridParquetRoundTrips() throws IOException {
        Path pq = dir.resolve("grid.parquet");
        CoordinateFiles.writeGridParquet(pq, "s", COORDS, GPFM, 512);
        List<GridCoordRow> back = new CarpetReader<>(pq.toFile(), GridCoordRow.class)
            .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
        assertThat(back).hasSize(4);
        assertThat(back.get(3)).isEqualTo(new GridCoordRow("s", 3, 3_000_000_000L, 7, 0, 512, 512, 512, "four_pt", true));
        assertThat(columns(pq)).containsExactly("slide_id", "patch_idx", "x", "y", "patch_level", "patch_size",
            "patch_size_level0", "step_size", "contour_fn", "use_padding");
    }

    private static Object attr(Node node, String name) {
        assertThat(node.getAttributes()).containsKey(name);
        return node.getAttribute(name).getData();
    }

    private static List<String> columns(Path parquet) throws IOException {
        try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(parquet))) {
            return r.getFooter().getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList();
        }
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }
}
