package org.slidebatch.sampling;

import java.util.Locale;
import java.util.SplittableRandom;

import org.slidebatch.slide.RgbImage;

/**
 * wsistream's {@code RandomFlipRotate}: horizontal flip with {@code pHflip}, then vertical flip with
 * {@code pVflip}, then with {@code pRot90} a rotation by k·90° counter-clockwise (NumPy's {@code rot90}),
 * k uniform in {1, 2, 3}. Draws: one uniform per flip, one (+ one for k) for the rotation, always in that order.
 */
public record RandomFlipRotate(double pHflip, double pVflip, double pRot90) implements PatchTransform {

    public RandomFlipRotate {
        for (double p : new double[] {pHflip, pVflip, pRot90}) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException("probabilities must be in [0, 1], got " + p);
            }
        }
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        RgbImage out = image;
        if (rng.nextDouble() < pHflip) {
            out = hflip(out);
        }
        if (rng.nextDouble() < pVflip) {
            out = vflip(out);
        }
        if (rng.nextDouble() < pRot90) {
            out = rot90(out, 1 + rng.nextInt(3));
        }
        return out;
    }

    /** Mirror left–right ({@code np.flip(axis=1)}). */
    public static RgbImage hflip(RgbImage in) {
        int w = in.width();
        int h = in.height();
        byte[] src = in.rgb();
        byte[] dst = new byte[src.length];
        for (int y = 0; y < h; y++) {
            int row = y * w * 3;
            for (int x = 0; x < w; x++) {
                System.arraycopy(src, row + x * 3, dst, row + (w - 1 - x) * 3, 3);
            }
        }
        return new RgbImage(w, h, dst);
    }

    /** Mirror top–bottom ({@code np.flip(axis=0)}). */
    public static RgbImage vflip(RgbImage in) {
        int w = in.width();
        int h = in.height();
        byte[] src = in.rgb();
        byte[] dst = new byte[src.length];
        for (int y = 0; y < h; y++) {
            System.arraycopy(src, y * w * 3, dst, (h - 1 - y) * w * 3, w * 3);
        }
        return new RgbImage(w, h, dst);
    }

    /** {@code np.rot90(image, k)}: k quarter turns counter-clockwise; out[r][c] = in[c][W−1−r] for k = 1. */
    public static RgbImage rot90(RgbImage in, int k) {
        RgbImage out = in;
        for (int i = 0; i < ((k % 4) + 4) % 4; i++) {
            out = rot90Once(out);
        }
        return out;
    }

    private static RgbImage rot90Once(RgbImage in) {
        int w = in.width();
        int h = in.height();
        byte[] src = in.rgb();
        byte[] dst = new byte[src.length];
        // out has height w and width h
        for (int r = 0; r < w; r++) {
            for (int c = 0; c < h; c++) {
                int s = (c * w + (w - 1 - r)) * 3;
                int d = (r * h + c) * 3;
                dst[d] = src[s];
                dst[d + 1] = src[s + 1];
                dst[d + 2] = src[s + 2];
            }
        }
        return new RgbImage(h, w, dst);
    }

    @Override
    public String spec() {
        if (pHflip == 0.5 && pVflip == 0.5 && pRot90 == 0.5) {
            return "flip_rotate";
        }
        StringBuilder sb = new StringBuilder();
        if (pHflip > 0) {
            sb.append(String.format(Locale.ROOT, "hflip:%s", pHflip));
        }
        if (pVflip > 0) {
            sb.append(sb.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "vflip:%s", pVflip));
        }
        if (pRot90 > 0) {
            sb.append(sb.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "rot90:%s", pRot90));
        }
        return sb.isEmpty() ? "hflip:0.0" : sb.toString();
    }
}
