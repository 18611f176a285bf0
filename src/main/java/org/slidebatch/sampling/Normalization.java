package org.slidebatch.sampling;

import org.slidebatch.slide.RgbImage;

/**
 * Per-channel normalisation to a float32 CHW tensor, NumPy's float32 arithmetic of wsistream's
 * {@code NormalizeTransform}: {@code (v / 255 − mean) / std}. Always the last step.
 */
public record Normalization(String name, float[] mean, float[] std) {

    /** ImageNet statistics (SPEC §5, GPFM): mean (0.485, 0.456, 0.406), std (0.229, 0.224, 0.225). */
    public static final Normalization IMAGENET = new Normalization("imagenet",
        new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});

    public Normalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (RGB)");
        }
        for (float s : std) {
            if (!(s != 0)) {
                throw new IllegalArgumentException("std must not contain 0");
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    public static Normalization named(String name) {
        if (name.trim().equalsIgnoreCase("imagenet")) {
            return IMAGENET;
        }
        throw new IllegalArgumentException("unknown normalisation '" + name + "' (known: imagenet)");
    }

    public FloatTensor apply(RgbImage image) {
        int w = image.width();
        int h = image.height();
        int plane = w * h;
        float[] out = new float[3 * plane];
        byte[] rgb = image.rgb();
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float s = std[c];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                float v = (rgb[i * 3 + c] & 0xff) / 255.0f;
                out[base + i] = (v - m) / s;
            }
        }
        return new FloatTensor(3, h, w, out);
    }

    /** The inverse, for display: {@code round(clamp((t · std + mean) · 255))}. */
    public RgbImage invert(FloatTensor t) {
        if (t.channels() != 3) {
            throw new IllegalArgumentException("expected 3 channels, got " + t.channels());
        }
        int plane = t.width() * t.height();
        byte[] rgb = new byte[plane * 3];
        float[] d = t.data();
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                double v = (d[c * plane + i] * std[c] + mean[c]) * 255.0;
                rgb[i * 3 + c] = (byte) Math.max(0, Math.min(255, Math.round(v)));
            }
        }
        return new RgbImage(t.width(), t.height(), rgb);
    }

    @Override
    public String toString() {
        return name;
    }
}
