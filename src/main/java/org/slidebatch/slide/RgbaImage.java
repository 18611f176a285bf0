package org.slidebatch.slide;

/**
 * Interleaved 8-bit RGBA pixels, not premultiplied, row-major: what openslide-python's {@code read_region}
 * returns. Pixels outside the scanned area are {@code (0, 0, 0, 0)}.
 */
public record RgbaImage(int width, int height, byte[] rgba) {

    public RgbaImage {
        if (rgba.length != width * height * 4) {
            throw new IllegalArgumentException("rgba buffer has " + rgba.length + " bytes, expected " + (width * height * 4));
        }
    }

    /** An opaque copy of RGB pixels (alpha 255 everywhere). */
    public static RgbaImage opaque(RgbImage rgb) {
        int n = rgb.width() * rgb.height();
        byte[] src = rgb.rgb();
        byte[] out = new byte[n * 4];
        for (int i = 0; i < n; i++) {
            out[i * 4] = src[i * 3];
            out[i * 4 + 1] = src[i * 3 + 1];
            out[i * 4 + 2] = src[i * 3 + 2];
            out[i * 4 + 3] = (byte) 255;
        }
        return new RgbaImage(rgb.width(), rgb.height(), out);
    }
}
