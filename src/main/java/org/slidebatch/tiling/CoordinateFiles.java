package org.slidebatch.tiling;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.jerolba.carpet.CarpetWriter;
import com.jerolba.carpet.ColumnNamingStrategy;

import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableDataset;
import io.jhdf.api.WritableNode;

import org.slidebatch.tiling.ClamGridPatcher.GridParams;
import org.slidebatch.workspace.AtomicFiles;

/**
 * Coordinate outputs, each written atomically ({@link AtomicFiles}):
 * <ul>
 *   <li>tokens Parquet: one {@link TileCoord} per row, snake_case columns; an empty list still gives a file with
 *       the full schema and zero rows (⚠ OpenSlideFM writes a column-less file that crashes its feature step);</li>
 *   <li>grid Parquet: one {@link GridCoordRow} per CLAM/GPFM patch;</li>
 *   <li>grid h5 for interchange with CLAM/TRIDENT readers: dataset {@code coords} (N×2 int64, level-0 x, y) with
 *       CLAM's attributes ({@code patch_size, patch_level, downsample, downsampled_level_dim, level_dim, name,
 *       save_path}) and TRIDENT's {@code patch_size_level0}, plus {@code step_size, contour_fn, n_patches}.</li>
 * </ul>
 *
 * <p>Empty grids: jhdf 0.11.0 cannot write a dataset with a zero dimension (its type detection reads element 0 and
 * throws ArrayIndexOutOfBoundsException for {@code long[0][2]}). An empty grid therefore gives an h5 <b>without</b> a
 * {@code coords} dataset whose root carries {@code n_patches = 0} and the same metadata attributes. (CLAM itself
 * writes no h5 at all in that case.) Readers must check {@code n_patches} (on the root of every file we write)
 * before opening {@code coords}.
 */
public final class CoordinateFiles {

    /** One CLAM/GPFM grid patch; x, y are level-0 pixels of the top-left corner. */
    public record GridCoordRow(String slideId, int patchIdx, long x, long y, int patchLevel, int patchSize,
                               long patchSizeLevel0, int stepSize, String contourFn, boolean usePadding) {
    }

    private CoordinateFiles() {
    }

    /**
     * One row of the tokens Parquet: OpenSlideFM NB04's columns first, under its names ({@code slide_id, cancer_code,
     * scale_um_per_px, level, x, y} in level pixels, {@code tile_size, overlap, approx_mpp, tile_idx, seed}) plus
     * {@code tile_px} (a name NB05's loader also accepts), then ours ({@code x0, y0} level 0, {@code level_x, level_y}).
     * {@code x}/{@code level_x} and {@code tile_px}/{@code tile_size} carry the same values, so OpenSlideFM's loaders
     * and ours both read the file.
     */
    public record TokenRow(String slideId, String cancerCode, double scaleUmPerPx, int level, long x, long y, int tileSize,
                           int overlap, double approxMpp, int tileIdx, long seed, int tilePx, long x0, long y0, long levelX,
                           long levelY) {

        static TokenRow of(TileCoord t, String cancerCode) {
            return new TokenRow(t.slideId(), cancerCode, t.scaleUmPerPx(), t.level(), t.levelX(), t.levelY(), t.tileSize(),
                t.overlap(), t.approxMpp(), t.tileIdx(), t.seed(), t.tileSize(), t.x0(), t.y0(), t.levelX(), t.levelY());
        }
    }

    /** The tokens Parquet without a cancer code ({@code UNKNOWN}, as the QC table writes it). */
    public static void writeTokensParquet(Path target, List<TileCoord> tiles) throws IOException {
        writeTokensParquet(target, tiles, null);
    }

    /** The tokens Parquet of one slide and scale ({@link TokenRow}); {@code cancerCode} null → {@code UNKNOWN}. */
    public static void writeTokensParquet(Path target, List<TileCoord> tiles, String cancerCode) throws IOException {
        String code = cancerCode == null ? "UNKNOWN" : cancerCode;
        List<TokenRow> rows = tiles.stream().map(t -> TokenRow.of(t, code)).toList();
        AtomicFiles.write(target, out -> {
            try (CarpetWriter<TokenRow> w = new CarpetWriter.Builder<>(out, TokenRow.class)
                .withColumnNamingStrategy(ColumnNamingStrategy.SNAKE_CASE).build()) {
                w.write(rows);
            }
        });
    }

    /**
     * @param patchSizeLevel0 the patch side in level-0 px ({@link ClamGridPatcher#patchSizeLevel0})
     */
    public static void writeGridParquet(Path target, String slideId, List<long[]> coords, GridParams p,
                                        long patchSizeLevel0) throws IOException {
        List<GridCoordRow> rows = new ArrayList<>(coords.size());
        for (int i = 0; i < coords.size(); i++) {
            long[] c = coords.get(i);
            rows.add(new GridCoordRow(slideId, i, c[0], c[1], p.patchLevel(), p.patchSize(), patchSizeLevel0,
                p.stepSize(), p.contourFn(), p.usePadding()));
        }
        AtomicFiles.write(target, out -> {
            try (CarpetWriter<GridCoordRow> w = new CarpetWriter.Builder<>(out, GridCoordRow.class)
                .withColumnNamingStrategy(ColumnNamingStrategy.SNAKE_CASE).build()) {
                w.write(rows);
            }
        });
    }

    /** {@link #writeGridH5(Path, String, List, GridParams, long, long, double)} named after the file (CLAM's
     *  {@code name} is the slide id, the file's name without {@code .h5}). */
    public static void writeGridH5(Path target, List<long[]> coords, GridParams p, int levelWidth, int levelHeight,
                                   double downsample) throws IOException {
        String file = target.getFileName().toString();
        String name = file.endsWith(".h5") ? file.substring(0, file.length() - 3) : file;
        writeGridH5(target, name, coords, p, levelWidth, levelHeight, downsample);
    }

    /**
     * The CLAM/TRIDENT coordinate file.
     *
     * @param levelWidth  width of the patch level (CLAM's {@code level_dim})
     * @param levelHeight height of the patch level
     * @param downsample  the patch level's downsample (CLAM's estimate; written as {@code (ds, ds)} like CLAM's tuple);
     *                    {@code patch_size_level0 = patch_size · int(downsample)}, CLAM's {@code ref_patch_size}
     */
    public static void writeGridH5(Path target, String name, List<long[]> coords, GridParams p, long levelWidth,
                                   long levelHeight, double downsample) throws IOException {
        writeGridH5(target, name, coords, p, levelWidth, levelHeight, downsample, downsample);
    }

    /**
     * As {@link #writeGridH5(Path, String, List, GridParams, long, long, double)} with CLAM's per-axis downsample
     * estimate ({@code level0 dim / level dim}, {@link org.slidebatch.tissue.ClamSegmenter#clamDownsample}), written
     * as the pair {@code (dsX, dsY)}; {@code patch_size_level0 = patch_size · int(dsX)}.
     */
    public static void writeGridH5(Path target, String name, List<long[]> coords, GridParams p, long levelWidth,
                                   long levelHeight, double downsampleX, double downsampleY) throws IOException {
        long[][] data = new long[coords.size()][];
        for (int i = 0; i < data.length; i++) {
            long[] c = coords.get(i);
            data[i] = new long[] {c[0], c[1]};
        }
        Path dir = target.toAbsolutePath().getParent();
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("patch_size", (long) p.patchSize());
        attrs.put("patch_level", (long) p.patchLevel());
        attrs.put("downsample", new double[] {downsampleX, downsampleY});
        attrs.put("downsampled_level_dim", new long[] {levelWidth, levelHeight});
        attrs.put("level_dim", new long[] {levelWidth, levelHeight});
        attrs.put("name", name);
        attrs.put("save_path", dir.toString());
        attrs.put("patch_size_level0", (long) p.patchSize() * (long) downsampleX);
        attrs.put("step_size", (long) p.stepSize());
        attrs.put("contour_fn", p.contourFn());
        attrs.put("n_patches", (long) data.length);
        AtomicFiles.writeVia(target, tmp -> {
            try (WritableHdfFile f = HdfFile.write(tmp)) {
                f.putAttribute("n_patches", (long) data.length);
                if (data.length == 0) {
                    put(f, attrs);
                } else {
                    WritableDataset ds = f.putDataset("coords", data);
                    put(ds, attrs);
                }
            } catch (RuntimeException e) {
                throw new IOException("could not write HDF5 coordinates " + target + ": " + e, e);
            }
        });
    }

    private static void put(WritableNode node, Map<String, Object> attrs) {
        attrs.forEach(node::putAttribute);
    }
}
