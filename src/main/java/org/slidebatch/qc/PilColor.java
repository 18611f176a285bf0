package org.slidebatch.qc;

/**
 * Pillow's colour conversions, bit for bit, so that thresholds tuned on PIL output (OpenSlideFM NB03/NB04)
 * select exactly the same pixels. OpenCV has both conversions but with other rounding: its
 * {@code COLOR_RGB2GRAY} uses 14-bit coefficients and {@code COLOR_RGB2HSV_FULL} rounds instead of
 * truncating, so a handful of pixels per thumbnail would land on the other side of a threshold. These two
 * per-pixel formulas are therefore ported from Pillow's {@code libImaging/Convert.c} (checked against
 * Pillow 9.4 over the whole 2^24 RGB cube in {@code PilColorParityTest}).
 */
public final class PilColor {

    private PilColor() {
    }

    /**
     * Pillow {@code convert('L')}: ITU-R 601-2 luma in 16-bit fixed point,
     * {@code (r*19595 + g*38470 + b*7471 + 0x8000) >> 16}.
     */
    public static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    /** Interleaved RGB to one grey byte per pixel, Pillow {@code L} rule. */
    public static byte[] rgbToL(byte[] rgb) {
        byte[] out = new byte[rgb.length / 3];
        for (int i = 0, o = 0; o < out.length; i += 3, o++) {
            out[o] = (byte) luma(rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff);
        }
        return out;
    }

    /**
     * Interleaved RGB to interleaved HSV with 0-255 channels, Pillow {@code convert('HSV')} ({@code rgb2hsv_row}).
     * The float/double mix mirrors the C source: {@code h, s, rc, gc, bc, cr} are {@code float}, while
     * {@code 2.0 + rc - bc}, {@code h / 6.0 + 1.0}, {@code fmod} and {@code * 255.0} are evaluated in
     * {@code double}; the final {@code (int)} cast truncates. V is max(r, g, b); grey pixels get H = S = 0.
     */
    public static byte[] rgbToHsv(byte[] rgb) {
        byte[] out = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i += 3) {
            int r = rgb[i] & 0xff;
            int g = rgb[i + 1] & 0xff;
            int b = rgb[i + 2] & 0xff;
            int maxc = Math.max(r, Math.max(g, b));
            int minc = Math.min(r, Math.min(g, b));
            int uh = 0;
            int us = 0;
            if (minc != maxc) {
                float cr = (float) (maxc - minc);
                float s = cr / (float) maxc;
                float rc = ((float) (maxc - r)) / cr;
                float gc = ((float) (maxc - g)) / cr;
                float bc = ((float) (maxc - b)) / cr;
                float h;
                if (r == maxc) {
                    h = bc - gc;
                } else if (g == maxc) {
                    h = (float) (2.0 + rc - bc);
                } else {
                    h = (float) (4.0 + gc - rc);
                }
                // Java's floating-point % is C's fmod (result has the sign of the dividend).
                h = (float) ((h / 6.0 + 1.0) % 1.0);
                uh = clip8((int) (h * 255.0));
                us = clip8((int) (s * 255.0));
            }
            out[i] = (byte) uh;
            out[i + 1] = (byte) us;
            out[i + 2] = (byte) maxc;
        }
        return out;
    }

    private static int clip8(int v) {
        return v <= 0 ? 0 : Math.min(v, 255);
    }
}
