package org.slidebatch.tiling;

import java.util.ArrayList;
import java.util.List;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.SlideReader;

/** Pyramids without pixels for coordinate tests: reading a region fails, so tiling is proven to read nothing. */
final class FakeSlides {

    private FakeSlides() {
    }

    /** Levels of {@code w × h} at level 0 with the given downsamples; level sizes are {@code floor(w / ds)}. */
    static SlideReader pyramid(long w, long h, double... downsamples) {
        List<LevelInfo> levels = new ArrayList<>();
        for (int i = 0; i < downsamples.length; i++) {
            levels.add(new LevelInfo(i, (long) Math.floor(w / downsamples[i]), (long) Math.floor(h / downsamples[i]),
                downsamples[i]));
        }
        return reader(levels);
    }

    static SlideReader reader(List<LevelInfo> levels) {
        return new org.slidebatch.support.FakeSlideReader(levels);
    }

    /** A w × h mask, 255 where {@code x0 ≤ x < x1 ∧ y0 ≤ y < y1}. */
    static byte[] mask(int w, int h, int x0, int y0, int x1, int y1) {
        byte[] m = new byte[w * h];
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                m[y * w + x] = (byte) 255;
            }
        }
        return m;
    }

    static byte[] full(int w, int h) {
        return mask(w, h, 0, 0, w, h);
    }
}
