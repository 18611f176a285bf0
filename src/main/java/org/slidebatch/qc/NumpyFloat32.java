package org.slidebatch.qc;

/**
 * NumPy 1.24's float32 arithmetic for {@code np.var} of a contiguous float32 array, so that OpenSlideFM's
 * {@code blur_var} is reproduced to the bit: {@code add.reduce} walks the array in buffer-sized chunks of 8192
 * elements, adding each chunk's pairwise sum to a float32 result (pairwise: blocks of at most 128 summed by 8
 * interleaved partial sums, larger ranges split in halves rounded down to a multiple of 8), the mean is the float32 sum divided by n in float32, the squared deviations are float32,
 * and the final division is done in double and rounded to float32 ({@code ret.dtype.type(ret / rcount)}).
 */
final class NumpyFloat32 {

    private static final int PW_BLOCKSIZE = 128;
    /** NumPy's default ufunc buffer size: reductions reach the inner loop in chunks of this many elements. */
    private static final int BUFSIZE = 8192;

    private NumpyFloat32() {
    }

    /** {@code np.add.reduce(a[from:from+n])} for float32. */
    static float pairwiseSum(float[] a, int from, int n) {
        if (n < 8) {
            float res = 0f;
            for (int i = 0; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        if (n <= PW_BLOCKSIZE) {
            float r0 = a[from];
            float r1 = a[from + 1];
            float r2 = a[from + 2];
            float r3 = a[from + 3];
            float r4 = a[from + 4];
            float r5 = a[from + 5];
            float r6 = a[from + 6];
            float r7 = a[from + 7];
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                int p = from + i;
                r0 += a[p];
                r1 += a[p + 1];
                r2 += a[p + 2];
                r3 += a[p + 3];
                r4 += a[p + 4];
                r5 += a[p + 5];
                r6 += a[p + 6];
                r7 += a[p + 7];
            }
            float res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
            for (; i < n; i++) {
                res += a[from + i];
            }
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return pairwiseSum(a, from, n2) + pairwiseSum(a, from + n2, n - n2);
    }

    /** {@code np.add.reduce(a[:n])} for float32: chunks of {@link #BUFSIZE}, each summed pairwise. */
    static float sum(float[] a, int n) {
        float res = 0f;
        for (int from = 0; from < n; from += BUFSIZE) {
            res += pairwiseSum(a, from, Math.min(BUFSIZE, n - from));
        }
        return res;
    }

    /** {@code float(np.var(a[:n]))} for a float32 array ({@code ddof = 0}); {@code n > 0}. */
    static double variance(float[] a, int n) {
        float mean = sum(a, n) / (float) n;
        float[] sq = new float[n];
        for (int i = 0; i < n; i++) {
            float d = a[i] - mean;
            sq[i] = d * d;
        }
        float sum = sum(sq, n);
        return (float) ((double) sum / n);
    }
}
