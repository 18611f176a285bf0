package org.slidebatch.sampling;

import java.util.Locale;
import java.util.SplittableRandom;

import org.slidebatch.slide.RgbImage;

/**
 * HED colour jitter (Tellez et al. 2018; SPEC §5): RGB → HED with scikit-image's {@code rgb2hed}
 * ({@code od = log(max(rgb, 1e-6)) / log(1e-6)}, {@code hed = max(od · hed_from_rgb, 0)}), per channel
 * {@code hed' = α·hed + β} with {@code α ~ U(1−σ, 1+σ)}, {@code β ~ U(−σ, σ)}, then {@code hed2rgb}
 * ({@code rgb = clip(exp((hed' · log(1e-6)) · rgb_from_hed), 0, 1)}) and {@code round(255·rgb)}.
 * Draw order: α_H, α_E, α_D, β_H, β_E, β_D. σ = 0.05 by default.
 */
public record HedJitter(double sigma) implements PatchTransform {

    public static final double DEFAULT_SIGMA = 0.05;

    /** scikit-image's {@code rgb_from_hed} (Ruifrok & Johnston). */
    static final double[][] RGB_FROM_HED = {
        {0.65, 0.70, 0.29},
        {0.07, 0.99, 0.11},
        {0.27, 0.57, 0.78}};

    /** {@code linalg.inv(rgb_from_hed)}. */
    static final double[][] HED_FROM_RGB = invert(RGB_FROM_HED);

    private static final double LOG_ADJUST = Math.log(1e-6);

    /** od per 8-bit value: {@code log(max(v/255, 1e-6)) / log(1e-6)}. */
    private static final double[] OD = new double[256];

    static {
        for (int v = 0; v < 256; v++) {
            OD[v] = Math.log(Math.max(v / 255.0, 1e-6)) / LOG_ADJUST;
        }
    }

    public HedJitter {
        if (!(sigma >= 0 && sigma < 1)) {
            throw new IllegalArgumentException("HED jitter sigma must be in [0, 1), got " + sigma);
        }
    }

    @Override
    public RgbImage apply(RgbImage image, SplittableRandom rng) {
        double[] alpha = new double[3];
        double[] beta = new double[3];
        for (int c = 0; c < 3; c++) {
            alpha[c] = uniform(rng, 1 - sigma, 1 + sigma);
        }
        for (int c = 0; c < 3; c++) {
            beta[c] = uniform(rng, -sigma, sigma);
        }
        return jitter(image, alpha, beta);
    }

    /** The deterministic part: RGB → HED, {@code α·hed + β}, HED → RGB. */
    public static RgbImage jitter(RgbImage image, double[] alpha, double[] beta) {
        byte[] src = image.rgb();
        byte[] dst = new byte[src.length];
        double[][] m = HED_FROM_RGB;
        double[][] r = RGB_FROM_HED;
        for (int i = 0; i < src.length; i += 3) {
            double o0 = OD[src[i] & 0xff];
            double o1 = OD[src[i + 1] & 0xff];
            double o2 = OD[src[i + 2] & 0xff];
            double h = Math.max(o0 * m[0][0] + o1 * m[1][0] + o2 * m[2][0], 0) * alpha[0] + beta[0];
            double e = Math.max(o0 * m[0][1] + o1 * m[1][1] + o2 * m[2][1], 0) * alpha[1] + beta[1];
            double d = Math.max(o0 * m[0][2] + o1 * m[1][2] + o2 * m[2][2], 0) * alpha[2] + beta[2];
            for (int c = 0; c < 3; c++) {
                double logRgb = (h * r[0][c] + e * r[1][c] + d * r[2][c]) * LOG_ADJUST;
                double v = Math.min(1.0, Math.max(0.0, Math.exp(logRgb)));
                dst[i + c] = (byte) Math.round(v * 255.0);
            }
        }
        return new RgbImage(image.width(), image.height(), dst);
    }

    private static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo == hi ? lo : rng.nextDouble(lo, hi);
    }

    static double[][] invert(double[][] a) {
        double det = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
        double[][] inv = new double[3][3];
        inv[0][0] = (a[1][1] * a[2][2] - a[1][2] * a[2][1]) / det;
        inv[0][1] = (a[0][2] * a[2][1] - a[0][1] * a[2][2]) / det;
        inv[0][2] = (a[0][1] * a[1][2] - a[0][2] * a[1][1]) / det;
        inv[1][0] = (a[1][2] * a[2][0] - a[1][0] * a[2][2]) / det;
        inv[1][1] = (a[0][0] * a[2][2] - a[0][2] * a[2][0]) / det;
        inv[1][2] = (a[0][2] * a[1][0] - a[0][0] * a[1][2]) / det;
        inv[2][0] = (a[1][0] * a[2][1] - a[1][1] * a[2][0]) / det;
        inv[2][1] = (a[0][1] * a[2][0] - a[0][0] * a[2][1]) / det;
        inv[2][2] = (a[0][0] * a[1][1] - a[0][1] * a[1][0]) / det;
        return inv;
    }

    @Override
    public String spec() {
        return String.format(Locale.ROOT, "hed:%s", sigma);
    }
}
