package org.slidebatch.qc;

import java.util.Random;

import org.slidebatch.slide.RgbImage;

/** Hand-built thumbnails for the QC tests. */
final class TestImages {

    /** S = 0, V = 245: white background. */
    static final int[] WHITE = {245, 245, 245};
    /** Pale pink tissue: Pillow H 230, S 39, V 225 — tissue, not pen (S &lt; 60). */
    static final int[] PINK = {225, 190, 210};
    /** Blue ink: Pillow H 172, S 216, V 200 — pen under OpenSlideFM's rule, and tissue (S ≥ 20, V &lt; 230). */
    static final int[] BLUE_PEN = {40, 30, 200};

    private TestImages() {
    }

    static RgbImage filled(int w, int h, int[] c) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < rgb.length; i += 3) {
            rgb[i] = (byte) c[0];
            rgb[i + 1] = (byte) c[1];
            rgb[i + 2] = (byte) c[2];
        }
        return new RgbImage(w, h, rgb);
    }

    static void set(RgbImage img, int x, int y, int[] c) {
        int o = (y * img.width() + x) * 3;
        img.rgb()[o] = (byte) c[0];
        img.rgb()[o + 1] = (byte) c[1];
        img.rgb()[o + 2] = (byte) c[2];
    }

    /** Alternating tissue colours of different luma, cell size {@code cell} pixels. */
    static RgbImage checkerboard(int w, int h, int cell, int[] a, int[] b) {
        RgbImage img = filled(w, h, a);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (((x / cell) + (y / cell)) % 2 == 1) {
                    set(img, x, y, b);
                }
            }
        }
        return img;
    }

    /**
     * A mixed, seeded image: uniform noise, near-white noise, pink tissue noise, a blue-purple band and a
     * few saturated pen strokes, so every mask and threshold boundary is exercised.
     */
    static RgbImage synthetic(int w, int h, long seed) {
        Random rnd = new Random(seed);
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                int r;
                int g;
                int b;
                int zone = (x * 5) / w;
                switch (zone) {
                    case 0 -> { r = rnd.nextInt(256); g = rnd.nextInt(256); b = rnd.nextInt(256); }
                    case 1 -> { r = 215 + rnd.nextInt(41); g = 215 + rnd.nextInt(41); b = 215 + rnd.nextInt(41); }
                    case 2 -> { r = 180 + rnd.nextInt(60); g = 100 + rnd.nextInt(90); b = 150 + rnd.nextInt(80); }
                    case 3 -> { r = 60 + rnd.nextInt(80); g = 40 + rnd.nextInt(70); b = 120 + rnd.nextInt(100); }
                    default -> { r = 200 + (x + y) % 56; g = 120 + (x * y) % 100; b = 190 + y % 60; }
                }
                if ((y / 7) % 9 == 4 && zone >= 2) { // pen strokes across tissue
                    r = rnd.nextInt(60); g = rnd.nextInt(80); b = 150 + rnd.nextInt(100);
                }
                rgb[o] = (byte) r;
                rgb[o + 1] = (byte) g;
                rgb[o + 2] = (byte) b;
            }
        }
        return new RgbImage(w, h, rgb);
    }
}
