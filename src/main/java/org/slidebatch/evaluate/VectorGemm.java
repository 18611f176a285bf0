package org.slidebatch.evaluate;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link SoftmaxGemm}'s kernels on the Vector API: register tiles of 4 rows (or features) × 4 class vectors, each
 * lane one fused multiply-add chain in the order {@link SoftmaxGemm#scalarScores}/{@link SoftmaxGemm#scalarGradient}
 * use, so both give the same bits. Loaded only when the JVM has {@code jdk.incubator.vector}.
 */
final class VectorGemm {

    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Rows of X (and R) per pass of the gradient, so their slices stay in cache across the feature tiles. */
    private static final int CHUNK = 64;

    private VectorGemm() {
    }

    static int lanes() {
        return L;
    }

    static void scores(double[] x, int d, double[] w, double[] b, int kp, double[] z, int i0, int i1) {
        int nv = kp / L;
        int i = i0;
        for (; i + 3 < i1; i += 4) {
            int v = 0;
            for (; v + 3 < nv; v += 4) {
                scores4x4(x, d, w, b, kp, z, i, v * L);
            }
            for (; v < nv; v++) {
                for (int q = 0; q < 4; q++) {
                    scores1x1(x, d, w, b, kp, z, i + q, v * L);
                }
            }
        }
        for (; i < i1; i++) {
            for (int v = 0; v < nv; v++) {
                scores1x1(x, d, w, b, kp, z, i, v * L);
            }
        }
    }

    private static void scores4x4(double[] x, int d, double[] w, double[] b, int kp, double[] z, int i, int c0) {
        DoubleVector b0 = DoubleVector.fromArray(S, b, c0);
        DoubleVector b1 = DoubleVector.fromArray(S, b, c0 + L);
        DoubleVector b2 = DoubleVector.fromArray(S, b, c0 + 2 * L);
        DoubleVector b3 = DoubleVector.fromArray(S, b, c0 + 3 * L);
        DoubleVector a00 = b0, a01 = b1, a02 = b2, a03 = b3;
        DoubleVector a10 = b0, a11 = b1, a12 = b2, a13 = b3;
        DoubleVector a20 = b0, a21 = b1, a22 = b2, a23 = b3;
        DoubleVector a30 = b0, a31 = b1, a32 = b2, a33 = b3;
        int x0 = i * d;
        int x1 = x0 + d;
        int x2 = x1 + d;
        int x3 = x2 + d;
        for (int j = 0; j < d; j++) {
            int wo = j * kp + c0;
            DoubleVector w0 = DoubleVector.fromArray(S, w, wo);
            DoubleVector w1 = DoubleVector.fromArray(S, w, wo + L);
            DoubleVector w2 = DoubleVector.fromArray(S, w, wo + 2 * L);
            DoubleVector w3 = DoubleVector.fromArray(S, w, wo + 3 * L);
            DoubleVector e = DoubleVector.broadcast(S, x[x0 + j]);
            a00 = w0.fma(e, a00);
            a01 = w1.fma(e, a01);
            a02 = w2.fma(e, a02);
            a03 = w3.fma(e, a03);
            e = DoubleVector.broadcast(S, x[x1 + j]);
            a10 = w0.fma(e, a10);
            a11 = w1.fma(e, a11);
            a12 = w2.fma(e, a12);
            a13 = w3.fma(e, a13);
            e = DoubleVector.broadcast(S, x[x2 + j]);
            a20 = w0.fma(e, a20);
            a21 = w1.fma(e, a21);
            a22 = w2.fma(e, a22);
            a23 = w3.fma(e, a23);
            e = DoubleVector.broadcast(S, x[x3 + j]);
            a30 = w0.fma(e, a30);
            a31 = w1.fma(e, a31);
            a32 = w2.fma(e, a32);
            a33 = w3.fma(e, a33);
        }
        int z0 = i * kp + c0;
        a00.intoArray(z, z0);
        a01.intoArray(z, z0 + L);
        a02.intoArray(z, z0 + 2 * L);
        a03.intoArray(z, z0 + 3 * L);
        z0 += kp;
        a10.intoArray(z, z0);
        a11.intoArray(z, z0 + L);
        a12.intoArray(z, z0 + 2 * L);
        a13.intoArray(z, z0 + 3 * L);
        z0 += kp;
        a20.intoArray(z, z0);
        a21.intoArray(z, z0 + L);
        a22.intoArray(z, z0 + 2 * L);
        a23.intoArray(z, z0 + 3 * L);
        z0 += kp;
        a30.intoArray(z, z0);
        a31.intoArray(z, z0 + L);
        a32.intoArray(z, z0 + 2 * L);
        a33.intoArray(z, z0 + 3 * L);
    }

    private static void scores1x1(double[] x, int d, double[] w, double[] b, int kp, double[] z, int i, int c0) {
        DoubleVector a = DoubleVector.fromArray(S, b, c0);
        int xo = i * d;
        for (int j = 0; j < d; j++) {
            a = DoubleVector.fromArray(S, w, j * kp + c0).fma(DoubleVector.broadcast(S, x[xo + j]), a);
        }
        a.intoArray(z, i * kp + c0);
    }

    static void gradient(double[] x, int n, int d, double[] r, int kp, double[] g, int j0, int j1) {
        java.util.Arrays.fill(g, j0 * kp, j1 * kp, 0.0);
        int nv = kp / L;
        for (int i0 = 0; i0 < n; i0 += CHUNK) {
            int i1 = Math.min(n, i0 + CHUNK);
            int j = j0;
            for (; j + 3 < j1; j += 4) {
                int v = 0;
                for (; v + 3 < nv; v += 4) {
                    gradient4x4(x, d, r, kp, g, i0, i1, j, v * L);
                }
                for (; v < nv; v++) {
                    for (int q = 0; q < 4; q++) {
                        gradient1x1(x, d, r, kp, g, i0, i1, j + q, v * L);
                    }
                }
            }
            for (; j < j1; j++) {
                for (int v = 0; v < nv; v++) {
                    gradient1x1(x, d, r, kp, g, i0, i1, j, v * L);
                }
            }
        }
    }

    private static void gradient4x4(double[] x, int d, double[] r, int kp, double[] g, int i0, int i1, int j, int c0) {
        int g0 = j * kp + c0;
        int g1 = g0 + kp;
        int g2 = g1 + kp;
        int g3 = g2 + kp;
        DoubleVector a00 = DoubleVector.fromArray(S, g, g0), a01 = DoubleVector.fromArray(S, g, g0 + L);
        DoubleVector a02 = DoubleVector.fromArray(S, g, g0 + 2 * L), a03 = DoubleVector.fromArray(S, g, g0 + 3 * L);
        DoubleVector a10 = DoubleVector.fromArray(S, g, g1), a11 = DoubleVector.fromArray(S, g, g1 + L);
        DoubleVector a12 = DoubleVector.fromArray(S, g, g1 + 2 * L), a13 = DoubleVector.fromArray(S, g, g1 + 3 * L);
        DoubleVector a20 = DoubleVector.fromArray(S, g, g2), a21 = DoubleVector.fromArray(S, g, g2 + L);
        DoubleVector a22 = DoubleVector.fromArray(S, g, g2 + 2 * L), a23 = DoubleVector.fromArray(S, g, g2 + 3 * L);
        DoubleVector a30 = DoubleVector.fromArray(S, g, g3), a31 = DoubleVector.fromArray(S, g, g3 + L);
        DoubleVector a32 = DoubleVector.fromArray(S, g, g3 + 2 * L), a33 = DoubleVector.fromArray(S, g, g3 + 3 * L);
        for (int i = i0; i < i1; i++) {
            int ro = i * kp + c0;
            DoubleVector r0 = DoubleVector.fromArray(S, r, ro);
            DoubleVector r1 = DoubleVector.fromArray(S, r, ro + L);
            DoubleVector r2 = DoubleVector.fromArray(S, r, ro + 2 * L);
            DoubleVector r3 = DoubleVector.fromArray(S, r, ro + 3 * L);
            int xo = i * d + j;
            DoubleVector e = DoubleVector.broadcast(S, x[xo]);
            a00 = r0.fma(e, a00);
            a01 = r1.fma(e, a01);
            a02 = r2.fma(e, a02);
            a03 = r3.fma(e, a03);
            e = DoubleVector.broadcast(S, x[xo + 1]);
            a10 = r0.fma(e, a10);
            a11 = r1.fma(e, a11);
            a12 = r2.fma(e, a12);
            a13 = r3.fma(e, a13);
            e = DoubleVector.broadcast(S, x[xo + 2]);
            a20 = r0.fma(e, a20);
            a21 = r1.fma(e, a21);
            a22 = r2.fma(e, a22);
            a23 = r3.fma(e, a23);
            e = DoubleVector.broadcast(S, x[xo + 3]);
            a30 = r0.fma(e, a30);
            a31 = r1.fma(e, a31);
            a32 = r2.fma(e, a32);
            a33 = r3.fma(e, a33);
        }
        a00.intoArray(g, g0);
        a01.intoArray(g, g0 + L);
        a02.intoArray(g, g0 + 2 * L);
        a03.intoArray(g, g0 + 3 * L);
        a10.intoArray(g, g1);
        a11.intoArray(g, g1 + L);
        a12.intoArray(g, g1 + 2 * L);
        a13.intoArray(g, g1 + 3 * L);
        a20.intoArray(g, g2);
        a21.intoArray(g, g2 + L);
        a22.intoArray(g, g2 + 2 * L);
        a23.intoArray(g, g2 + 3 * L);
        a30.intoArray(g, g3);
        a31.intoArray(g, g3 + L);
        a32.intoArray(g, g3 + 2 * L);
        a33.intoArray(g, g3 + 3 * L);
    }

    private static void gradient1x1(double[] x, int d, double[] r, int kp, double[] g, int i0, int i1, int j, int c0) {
        int go = j * kp + c0;
        DoubleVector a = DoubleVector.fromArray(S, g, go);
        for (int i = i0; i < i1; i++) {
            a = DoubleVector.fromArray(S, r, i * kp + c0).fma(DoubleVector.broadcast(S, x[i * d + j]), a);
        }
        a.intoArray(g, go);
    }
}
