package org.slidebatch.slide;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;

/**
 * Interleaved 8-bit RGB pixels, row-major, no padding. Our readers return this rather than a
 * BufferedImage so that pixels can be compared, hashed and handed to OpenCV without a colour model.
 */
public record RgbImage(int width, int height, byte[] rgb) {

    public RgbImage {
        if (rgb.length != width * height * 3) {
            throw new IllegalArgumentException("rgb buffer has " + rgb.length + " bytes, expected " + (width * height * 3));
        }
    }

    public int red(int x, int y) {
        return rgb[(y * width + x) * 3] & 0xff;
    }

    public int green(int x, int y) {
        return rgb[(y * width + x) * 3 + 1] & 0xff;
    }

    public int blue(int x, int y) {
        return rgb[(y * width + x) * 3 + 2] & 0xff;
    }

    /** A TYPE_3BYTE_BGR image (the layout ImageIO writes fastest) holding a copy of these pixels. */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            bgr[i] = rgb[i + 2];
            bgr[i + 1] = rgb[i + 1];
            bgr[i + 2] = rgb[i];
        }
        return image;
    }

    public static RgbImage fromBufferedImage(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] out = new byte[w * h * 3];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                int o = (y * w + x) * 3;
                out[o] = (byte) (p >> 16);
                out[o + 1] = (byte) (p >> 8);
                out[o + 2] = (byte) p;
            }
        }
        return new RgbImage(w, h, out);
    }
}
