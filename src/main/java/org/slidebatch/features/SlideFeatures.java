package org.slidebatch.features;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.BiFunction;

import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.tiling.TileCoord;

/**
 * Features of one slide's tiles: reader threads decode and normalise the next batch while the model runs on the
 * current one (at most two batches of pixels in memory). Row i of the result belongs to tile i.
 */
public final class SlideFeatures {

    public static final int MODEL_INPUT = 224;

    private SlideFeatures() {
    }

    /**
     * @param model (batch of N×3×224×224 floats, N) → N×dim floats, row-major
     */
    public static float[] extract(SlideReader reader, List<TileCoord> tiles, int batchSize, ExecutorService readers,
                                  BiFunction<float[], Integer, float[]> model, int dim) throws InterruptedException {
        float[] out = new float[tiles.size() * dim];
        int per = 3 * MODEL_INPUT * MODEL_INPUT;
        List<List<Future<float[]>>> batches = new ArrayList<>();
        for (int start = 0; start < tiles.size(); start += batchSize) {
            batches.add(null);
        }
        for (int b = 0; b < batches.size(); b++) {
            if (batches.get(b) == null) {
                batches.set(b, submit(reader, tiles, b, batchSize, readers));
            }
            if (b + 1 < batches.size()) {
                batches.set(b + 1, submit(reader, tiles, b + 1, batchSize, readers)); // overlap reads with compute
            }
            List<Future<float[]>> current = batches.get(b);
            float[] input = new float[current.size() * per];
            for (int i = 0; i < current.size(); i++) {
                try {
                    System.arraycopy(current.get(i).get(), 0, input, i * per, per);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
            batches.set(b, List.of()); // release the pixels
            float[] features = model.apply(input, current.size());
            System.arraycopy(features, 0, out, b * batchSize * dim, features.length);
        }
        return out;
    }

    private static List<Future<float[]>> submit(SlideReader reader, List<TileCoord> tiles, int batch, int batchSize,
                                                ExecutorService readers) {
        List<Future<float[]>> futures = new ArrayList<>();
        int end = Math.min(tiles.size(), (batch + 1) * batchSize);
        for (int i = batch * batchSize; i < end; i++) {
            TileCoord t = tiles.get(i);
            futures.add(readers.submit(() -> tilePixels(reader, t, MODEL_INPUT)));
        }
        return futures;
    }

    /** One tile as the model sees it: read at its level, resized to {@code size}, ImageNet-normalised, 3×size×size. */
    public static float[] tilePixels(SlideReader reader, TileCoord t, int size) {
        RgbImage img = reader.readRegion(new RegionRequest(t.x0(), t.y0(), t.level(), t.tileSize(), t.tileSize()));
        float[] chw = new float[3 * size * size];
        TilePreprocessor.normalizeInto(img, size, chw, 0);
        return chw;
    }

    /**
     * The model input of these tiles, read exactly as the features step reads them, N×3×size×size in tile order
     * (pretraining phase 2 feeds raw tiles to the backbone). Reads run on {@code readers}.
     */
    public static float[] pixels(SlideReader reader, List<TileCoord> tiles, int size, ExecutorService readers)
        throws InterruptedException {
        int per = 3 * size * size;
        List<Future<float[]>> futures = new ArrayList<>();
        for (TileCoord t : tiles) {
            futures.add(readers.submit(() -> tilePixels(reader, t, size)));
        }
        float[] out = new float[tiles.size() * per];
        for (int i = 0; i < futures.size(); i++) {
            try {
                System.arraycopy(futures.get(i).get(), 0, out, i * per, per);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        return out;
    }
}
