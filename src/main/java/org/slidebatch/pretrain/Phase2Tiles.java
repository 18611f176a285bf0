package org.slidebatch.pretrain;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;

import org.slidebatch.features.SlideFeatures;
import org.slidebatch.model.train.StepSeeds;
import org.slidebatch.slide.SlideReader;
import org.slidebatch.tiling.TileCoord;

/**
 * The raw tiles of one slide for phase 2 (OSFM-spec §8e): {@code n5 = min(int(0.75·96), tiles at 0.5 µm/px)} and
 * {@code n2 = min(96 − n5, tiles at 2.0)}, normally 72 + 24, drawn without replacement from the slide's token tiles.
 * OpenSlideFM draws them with {@code DataFrame.sample(n, random_state=13)}, so a slide gets the same tiles in every
 * epoch; here the draw comes from (the recorded {@code seed}, the slide id) the same way, and is the same in every
 * epoch and after a restart. Sequence layout as phase 1: all 0.5 µm tiles, then all 2.0 µm tiles.
 *
 * @param tiles the chosen tiles, 0.5 µm/px first, each in draw order
 */
public record Phase2Tiles(String slideId, long seed, List<TileCoord> tiles) {

    /** OpenSlideFM's {@code p2_tiles_per_slide}. */
    public static final int TILES_PER_SLIDE = 96;
    /** Share of the fine scale: {@code int(0.75 · 96) = 72}. */
    public static final double FINE_SHARE = 0.75;
    static final long PURPOSE = 0x5032_54494C45L; // "P2TILE"

    public static Phase2Tiles choose(String slideId, List<TileCoord> fine, List<TileCoord> coarse, int perSlide, long seed) {
        if (perSlide < 1) {
            throw new IllegalArgumentException("p2_tiles_per_slide must be at least 1, got " + perSlide);
        }
        int n5 = Math.min((int) (FINE_SHARE * perSlide), fine.size());
        int n2 = Math.min(perSlide - n5, coarse.size());
        SplittableRandom r = StepSeeds.random(seed, PURPOSE, slideKey(slideId));
        List<TileCoord> out = new ArrayList<>(n5 + n2);
        for (int i : StepSeeds.choose(r, fine.size(), n5)) {
            out.add(fine.get(i));
        }
        for (int i : StepSeeds.choose(r, coarse.size(), n2)) {
            out.add(coarse.get(i));
        }
        return new Phase2Tiles(slideId, seed, List.copyOf(out));
    }

    /** A stable 64-bit key of the slide id (FNV-1a over its UTF-8 bytes): independent of the cohort's order. */
    static long slideKey(String slideId) {
        long h = 0xcbf29ce484222325L;
        for (byte b : slideId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    public int size() {
        return tiles.size();
    }

    /**
     * Token positions T×3 as phase 1 computes them ({@link TokenPositions}, the same {@code positions} parameter):
     * {@code physical} (the tile centre in mm at the µm/px of the level read, and that µm/px) or {@code nominal}
     * (OpenSlideFM's: level pixels × 0.5 / 2.0). Phase 2 continues phase 1's aggregator, so it must feed the same kind.
     */
    public float[] positions(TokenPositions how) {
        float[] p = new float[tiles.size() * 3];
        for (int i = 0; i < tiles.size(); i++) {
            how.write(tiles.get(i), p, i * 3);
        }
        return p;
    }

    /** The tiles' pixels as the features step reads them: T×3×size×size, ImageNet-normalised (size 224 as NB05). */
    public float[] read(SlideReader reader, int size, ExecutorService readers) throws InterruptedException {
        return SlideFeatures.pixels(reader, tiles, size, readers);
    }
}
