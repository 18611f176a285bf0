package org.slidebatch.pretrain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.jerolba.carpet.CarpetReader;
import com.jerolba.carpet.FieldMatchingStrategy;

import org.slidebatch.model.Npy;
import org.slidebatch.model.train.StepSeeds;
import org.slidebatch.tiling.TileCoord;

/**
 * Tokens of both scales from the feature step's files: {@code <features>/0.5/<slide>.npy} and
 * {@code <features>/2.0/<slide>.npy} (N×768, row i = tile i of the tile step's {@code <tiles>/<scale>/<slide>.parquet},
 * which gives the positions). Slides = the sorted intersection of both scales (OSFM-spec §8b).
 */
public final class SlideTokenStore {

    public static final double[] SCALES = {0.5, 2.0};

    private final Path featuresDir;
    private final Path tilesDir;
    private final TokenPositions positions;
    /** Positions per (slide, scale), all rows: reading a Parquet file costs more than the features (LRU, bounded). */
    private final Map<String, float[]> positionCache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > POSITION_CACHE_ENTRIES;
        }
    };

    static final int POSITION_CACHE_ENTRIES = 8192;

    public SlideTokenStore(Path featuresDir, Path tilesDir, TokenPositions positions) {
        this.featuresDir = featuresDir;
        this.tilesDir = tilesDir;
        this.positions = positions;
    }

    static String folder(double scale) {
        return Double.toString(scale);
    }

    /** Slide ids with features at both scales, sorted. */
    public List<String> slides() throws IOException {
        TreeSet<String> both = null;
        for (double scale : SCALES) {
            TreeSet<String> ids = new TreeSet<>();
            Path dir = featuresDir.resolve(folder(scale));
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.map(p -> p.getFileName().toString())
                        .filter(n -> n.endsWith(".npy") && !n.endsWith("_coords.npy") && !n.startsWith("."))
                        .forEach(n -> ids.add(n.substring(0, n.length() - 4)));
                }
            }
            if (both == null) {
                both = ids;
            } else {
                both.retainAll(ids);
            }
        }
        return new ArrayList<>(both);
    }

    public Path featuresFile(String slideId, double scale) {
        return featuresDir.resolve(folder(scale)).resolve(slideId + ".npy");
    }

    public Path tilesFile(String slideId, double scale) {
        return tilesDir.resolve(folder(scale)).resolve(slideId + ".parquet");
    }

    /**
     * Loads one slide: at most {@code budget05}/{@code budget20} tokens per scale; a larger scale is subsampled
     * without replacement in draw order with {@code random} (the tile step already caps to the budgets, so normally
     * every token is used in stored order). Throws {@link IOException} naming the file and the defect.
     */
    public SlideTokens load(String slideId, int budget05, int budget20, SplittableRandom random) throws IOException {
        List<float[]> feats = new ArrayList<>();
        List<float[]> pos = new ArrayList<>();
        int[] counts = new int[2];
        int dim = -1;
        for (int s = 0; s < 2; s++) {
            double scale = SCALES[s];
            Path f = featuresFile(slideId, scale);
            Npy.Header h = Npy.readHeader(f);
            if (h.shape().length != 2 || h.shape()[0] < 1) {
                throw new IOException(f + ": shape " + h.shapeString() + ", expected N×dim with N ≥ 1");
            }
            int n = Math.toIntExact(h.shape()[0]);
            int d = Math.toIntExact(h.shape()[1]);
            if (dim >= 0 && d != dim) {
                throw new IOException(f + ": " + d + " columns, the 0.5 µm features have " + dim);
            }
            dim = d;
            float[] allPositions = positions(slideId, scale);
            if (allPositions.length != n * 3) {
                throw new IOException(tilesFile(slideId, scale) + ": " + allPositions.length / 3 + " tiles but " + f
                    + " has " + n + " feature rows");
            }
            float[] all = Npy.read(f);
            int budget = s == 0 ? budget05 : budget20;
            int[] idx;
            if (n <= budget) {
                idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = i;
                }
            } else {
                idx = StepSeeds.choose(random, n, budget);
            }
            float[] fs = new float[idx.length * d];
            float[] ps = new float[idx.length * 3];
            for (int i = 0; i < idx.length; i++) {
                System.arraycopy(all, idx[i] * d, fs, i * d, d);
                System.arraycopy(allPositions, idx[i] * 3, ps, i * 3, 3);
            }
            feats.add(fs);
            pos.add(ps);
            counts[s] = idx.length;
        }
        return new SlideTokens(slideId, counts[0], counts[1], dim, concat(feats), concat(pos));
    }

    /** cx_mm, cy_mm, scale_um of every tile of (slide, scale), in feature-row order. */
    synchronized float[] positions(String slideId, double scale) throws IOException {
        String key = slideId + "@" + scale;
        float[] cached = positionCache.get(key);
        if (cached != null) {
            return cached;
        }
        Path tp = tilesFile(slideId, scale);
        if (!Files.isRegularFile(tp)) {
            throw new IOException(tp + ": missing (the token positions of " + featuresFile(slideId, scale).getFileName() + ")");
        }
        List<TileCoord> tiles = new CarpetReader<>(tp.toFile(), TileCoord.class)
            .withFieldMatchingStrategy(FieldMatchingStrategy.SNAKE_CASE).toList();
        float[] out = new float[tiles.size() * 3];
        for (int i = 0; i < tiles.size(); i++) {
            positions.write(tiles.get(i), out, i * 3);
        }
        positionCache.put(key, out);
        return out;
    }

    private static float[] concat(List<float[]> parts) {
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
