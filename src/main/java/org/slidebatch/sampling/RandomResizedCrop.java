package org.slidebatch.sampling;

import java.util.SplittableRandom;

import org.slidebatch.slide.RgbImage;

/**
 * torchvision's {@code RandomResizedCrop} (SPEC §5): {@link #sample} is {@code get_params} exactly — up to 10
 * tries of area fraction {@code U(scale)} and aspect ratio {@code exp(U(log ratio))}, {@code w = round(√(A·r))},
 * {@code h = round(√(A/r))} (Python's round: half to even), accepted when {@code 0 < w ≤ W ∧ 0 < h ≤ H} with
 * top-left uniform over the valid positions; otherwise the centre crop of the whole image with its aspect
 * ratio clamped into {@code ratio}. The window is then resized to size × size (bilinear, as wsistream).
 */
public record RandomResizedCrop(int size, double scaleMin, double scaleMax, double ratioMin, double ratioMax) {

    public static final double RATIO_MIN = 3.0 / 4.0;
    public static final double RATIO_MAX = 4.0 / 3.0;

    public RandomResizedCrop {
        if (size < 1) {
            throw new IllegalArgumentException("crop size must be >= 1, got " + size);
        }
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException("scale must be (a, b) with 0 < a <= b <= 1, got (" + scaleMin + ", " + scaleMax + ")");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax)) {
            throw new IllegalArgumentException("ratio must be (a, b) with 0 < a <= b, got (" + ratioMin + ", " + ratioMax + ")");
        }
    }

    /** Default ratio 3/4–4/3. */
    public RandomResizedCrop(int size, double scaleMin, double scaleMax) {
        this(size, scaleMin, scaleMax, RATIO_MIN, RATIO_MAX);
    }

    /** A crop window in image pixels. */
    public record Box(int x, int y, int width, int height) {
    }

    /** torchvision's {@code get_params} for a width × height image. */
    public Box sample(int width, int height, SplittableRandom rng) {
        double area = (double) height * width;
        double logMin = Math.log(ratioMin);
        double logMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < 10; attempt++) {
            double targetArea = area * uniform(rng, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(rng, logMin, logMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (0 < w && w <= width && 0 < h && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(left, top, w, h);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < ratioMin) {
            w = width;
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            h = height;
            w = (int) Math.rint(h * ratioMax);
        } else {
            w = width;
            h = height;
        }
        return new Box((width - w) / 2, (height - h) / 2, w, h);
    }

    /** Sample a window and resize it to size × size. */
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        Box b = sample(image.width(), image.height(), rng);
        return Images.cropResize(image, b.x(), b.y(), b.width(), b.height(), size, size);
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo == hi ? lo : rng.nextDouble(lo, hi);
    }
}
