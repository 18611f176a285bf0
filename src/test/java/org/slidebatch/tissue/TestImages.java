package org.slidebatch.tissue;

import java.util.List;
import java.util.function.Function;

import org.slidebatch.slide.LevelInfo;
import org.slidebatch.slide.RegionRequest;
import org.slidebatch.slide.RgbImage;
import org.slidebatch.slide.SlideReader;

/** Hand-built images and masks, and a slide reader over them. */
final class TestImages {

    /** A saturated H&E-like pink: OpenCV S = 191, H ≈ 160. */
    static final int[] PINK = {200, 50, 150};
    static final int[] WHITE = {255, 255, 255};

    private TestImages() {
    }

    static RgbImage filled(int w, int h, int[] rgb) {
        byte[] px = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            px[3 * i] = (byte) rgb[0];
            px[3 * i + 1] = (byte) rgb[1];
            px[3 * i + 2] = (byte) rgb[2];
        }
        return new RgbImage(w, h, px);
    }

    static void disc(RgbImage img, int cx, int cy, int r, int[] rgb) {
        for (int y = Math.max(0, cy - r); y <= Math.min(img.height() - 1, cy + r); y++) {
            for (int x = Math.max(0, cx - r); x <= Math.min(img.width() - 1, cx + r); x++) {
                if ((long) (x - cx) * (x - cx) + (long) (y - cy) * (y - cy) <= (long) r * r) {
                    set(img, x, y, rgb);
                }
            }
        }
    }

    static void rect(RgbImage img, int x0, int y0, int x1, int y1, int[] rgb) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                set(img, x, y, rgb);
            }
        }
    }

    static void set(RgbImage img, int x, int y, int[] rgb) {
        int o = (y * img.width() + x) * 3;
        img.rgb()[o] = (byte) rgb[0];
        img.rgb()[o + 1] = (byte) rgb[1];
        img.rgb()[o + 2] = (byte) rgb[2];
    }

    /** Sets mask[y][x] for x0 <= x < x1, y0 <= y < y1. */
    static void rect(byte[] mask, int w, int x0, int y0, int x1, int y1, int value) {
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                mask[y * w + x] = (byte) value;
            }
        }
    }

    static int count(byte[] mask) {
        int n = 0;
        for (byte b : mask) {
            if (b != 0) {
                n++;
            }
        }
        return n;
    }

    /**
     * A reader with the given levels; readRegion returns {@code pixels.apply(level)} for whole-level reads and
     * fails for anything else (and for any read if pixels is null, so a refusal is proven to read nothing).
     */
    static SlideReader reader(List<LevelInfo> levels, Function<Integer, RgbImage> pixels) {
        return new org.slidebatch.support.FakeSlideReader(levels) {
            @Override
            public RgbImage readRegion(RegionRequest r) {
                if (pixels == null) {
                    throw new AssertionError("no pixels should be read: " + r);
                }
                LevelInfo l = levels.get(r.level());
                if (r.x() != 0 || r.y() != 0 || r.width() != l.width() || r.height() != l.height()) {
                    throw new AssertionError("expected a whole-level read, got " + r);
                }
                return pixels.apply(r.level());
            }
        };
    }
}
