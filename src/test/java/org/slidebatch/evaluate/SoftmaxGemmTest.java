package org.slidebatch.evaluate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/**
 * The softmax's two matrix products: equal to a plain double loop to rounding, and the vector kernels (tiles and
 * tails) equal to the scalar fused multiply-add chains to the bit, so a JVM with or without the Vector API, and
 * any thread count, fits the same model.
 */
class SoftmaxGemmTest {

    @Test
    void vectorKernelsEqualTheScalarChainsToTheBitAndTheProductToRounding() {
        assertThat(SoftmaxGemm.VECTOR).as("the tests run with --add-modules jdk.incubator.vector").isTrue();
        // n, d not multiples of 4 (row and feature tails); k = 31 (one 4-vector tile with AVX-512), 37 and 3
        // (single-vector tails), 70 rows > one gradient chunk.
        for (int[] s : new int[][] {{70, 13, 31}, {9, 6, 37}, {130, 5, 3}}) {
            int n = s[0];
            int d = s[1];
            int kp = SoftmaxGemm.padded(s[2]);
            SplittableRandom rnd = new SplittableRandom(n * 31L + d);
            double[] x = random(rnd, n * d);
            double[] w = random(rnd, d * kp);
            double[] b = random(rnd, kp);
            double[] r = random(rnd, n * kp);
            double[] z = new double[n * kp];
            double[] zs = new double[n * kp];
            SoftmaxGemm.scores(x, n, d, w, b, kp, z);
            SoftmaxGemm.scalarScores(x, d, w, b, kp, zs, 0, n);
            assertThat(z).containsExactly(zs);
            double[] g = new double[d * kp];
            double[] gs = new double[d * kp];
            SoftmaxGemm.gradient(x, n, d, r, kp, g);
            SoftmaxGemm.scalarGradient(x, n, d, r, kp, gs, 0, d);
            assertThat(g).containsExactly(gs);
            for (int i = 0; i < n; i++) {
                for (int c = 0; c < kp; c++) {
                    double plain = b[c];
                    for (int j = 0; j < d; j++) {
                        plain += x[i * d + j] * w[j * kp + c];
                    }
                    assertThat(z[i * kp + c]).isCloseTo(plain, org.assertj.core.api.Assertions.within(1e-12));
                }
            }
            for (int j = 0; j < d; j++) {
                for (int c = 0; c < kp; c++) {
                    double plain = 0;
                    for (int i = 0; i < n; i++) {
                        plain += x[i * d + j] * r[i * kp + c];
                    }
                    assertThat(g[j * kp + c]).isCloseTo(plain, org.assertj.core.api.Assertions.within(1e-11));
                }
            }
        }
    }

    private static double[] random(SplittableRandom rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble(-2, 2);
        }
        return v;
    }
}
