package org.slidebatch.evaluate;

import java.util.stream.IntStream;

/**
 * The two matrix products of a softmax logistic regression's loss and gradient, Z = X·W + b and G = Xᵀ·R, on
 * row-major double arrays with the class dimension padded to {@link #padded(int)} (zeros in the padding).
 *
 * <p>Every output element is one fused multiply-add chain in a fixed order (Z over the features j = 0…d−1, G over
 * the rows i = 0…n−1), each written by one task: the result is the same bits for any thread count, and the same
 * with or without the JDK's Vector API ({@code --add-modules jdk.incubator.vector}, used when the JVM has it,
 * as {@code scripts/slidebatch} and the tests start it; {@link Math#fma} in the same order otherwise). A
 * vector lane holds one (row, class) or (feature, class) element, so lanes never mix and no horizontal sum
 * reorders anything.
 */
final class SoftmaxGemm {

    /** Whether the Vector API is in this JVM (then the kernels of {@link VectorGemm} run). */
    static final boolean VECTOR = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
        && !Boolean.getBoolean("slidebatch.evaluate.no-vector");

    /** Rows per task of Z, features per task of G. */
    private static final int ROW_TASK = 256;
    private static final int FEATURE_TASK = 96;

    private SoftmaxGemm() {
    }

    /** Lanes of a vector of doubles (1 without the Vector API). */
    static int lanes() {
        return VECTOR ? VectorGemm.lanes() : 1;
    }

    /** k rounded up to whole vectors. */
    static int padded(int k) {
        int l = lanes();
        return (k + l - 1) / l * l;
    }

    /** z[i·kp + c] = b[c] + Σ_j x[i·d + j]·w[j·kp + c], for i &lt; n, c &lt; kp. */
    static void scores(double[] x, int n, int d, double[] w, double[] b, int kp, double[] z) {
        int tasks = (n + ROW_TASK - 1) / ROW_TASK;
        IntStream.range(0, tasks).parallel().forEach(t -> {
            int i0 = t * ROW_TASK;
            int i1 = Math.min(n, i0 + ROW_TASK);
            if (VECTOR) {
                VectorGemm.scores(x, d, w, b, kp, z, i0, i1);
            } else {
                scalarScores(x, d, w, b, kp, z, i0, i1);
            }
        });
    }

    /** g[j·kp + c] = Σ_i x[i·d + j]·r[i·kp + c], for j &lt; d, c &lt; kp. */
    static void gradient(double[] x, int n, int d, double[] r, int kp, double[] g) {
        int tasks = (d + FEATURE_TASK - 1) / FEATURE_TASK;
        IntStream.range(0, tasks).parallel().forEach(t -> {
            int j0 = t * FEATURE_TASK;
            int j1 = Math.min(d, j0 + FEATURE_TASK);
            if (VECTOR) {
                VectorGemm.gradient(x, n, d, r, kp, g, j0, j1);
            } else {
                scalarGradient(x, n, d, r, kp, g, j0, j1);
            }
        });
    }

    static void scalarScores(double[] x, int d, double[] w, double[] b, int kp, double[] z, int i0, int i1) {
        for (int i = i0; i < i1; i++) {
            int xo = i * d;
            int zo = i * kp;
            System.arraycopy(b, 0, z, zo, kp);
            for (int j = 0; j < d; j++) {
                double e = x[xo + j];
                int wo = j * kp;
                for (int c = 0; c < kp; c++) {
                    z[zo + c] = Math.fma(w[wo + c], e, z[zo + c]);
                }
            }
        }
    }

    static void scalarGradient(double[] x, int n, int d, double[] r, int kp, double[] g, int j0, int j1) {
        java.util.Arrays.fill(g, j0 * kp, j1 * kp, 0.0);
        for (int i = 0; i < n; i++) {
            int ro = i * kp;
            for (int j = j0; j < j1; j++) {
                double e = x[i * d + j];
                int go = j * kp;
                for (int c = 0; c < kp; c++) {
                    g[go + c] = Math.fma(r[ro + c], e, g[go + c]);
                }
            }
        }
    }
}
