package org.slidebatch.evaluate;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * L2-penalised logistic regression as scikit-learn's {@code LogisticRegression(solver='lbfgs')} defines it:
 * minimise Σ sᵢ·logloss + ½‖W‖²/C with the intercepts <em>not</em> penalised (the same objective and
 * gradient scale as sklearn's, so {@code tol} means SciPy's {@code gtol} and {@code ftol} its relative decrease); one sigmoid for two classes,
 * a multinomial softmax (one weight row per class) for more. Solved by {@link Lbfgs}; the loss is evaluated over
 * fixed blocks of rows in parallel and summed in block order, and the softmax's two matrix products are
 * {@link SoftmaxGemm}'s (Vector API when the JVM has it), so results do not depend on the thread count.
 */
public final class LogisticRegressionLbfgs {

    private static final int BLOCK = 512;

    /**
     * @param tolerance stop when max|∇| ≤ tol (sklearn {@code tol}, default 1e-4)
     * @param relativeDecrease SciPy L-BFGS-B's {@code ftol} (2.22e-9 by default); 0 to disable
     */
    public record Options(double c, int maxIterations, double tolerance, double relativeDecrease) {
        /** sklearn's defaults: tol 1e-4, max_iter 100, SciPy's ftol. */
        public static Options sklearnDefaults(double c) {
            return new Options(c, 100, 1e-4, 2.220446049250313e-09);
        }

        /** Converged to rounding: what the parity checks use on both sides. */
        public static Options tight(double c) {
            return new Options(c, 10000, 1e-10, 0);
        }
    }

    private LogisticRegressionLbfgs() {
    }

    /**
     * @param x standardised training rows (n × d)
     * @param y labels (any integers); the model covers the sorted distinct labels
     * @param sampleWeight per-row weights or null (class_weight='balanced' is passed as weights)
     */
    public static LinearModel fit(double[][] x, int[] y, double[] sampleWeight, Options o) {
        int[] classes = Arrays.stream(y).distinct().sorted().toArray();
        if (classes.length < 2) {
            throw new IllegalArgumentException("logistic regression needs two classes in the training rows, got "
                + classes.length);
        }
        int n = x.length;
        int d = x[0].length;
        int[] yi = new int[n];
        for (int i = 0; i < n; i++) {
            yi[i] = Arrays.binarySearch(classes, y[i]);
        }
        double[] sw = sampleWeight == null ? null : sampleWeight;
        boolean binary = classes.length == 2;
        int rowsOut = binary ? 1 : classes.length;
        int stride = d + 1;
        double[] flat = new double[(long) n * d > Integer.MAX_VALUE ? 0 : n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x[i], 0, flat, i * d, d);
        }
        Lbfgs.Objective f = binary ? binaryObjective(flat, n, d, yi, sw, o.c()) : softmaxObjective(flat, n, d, rowsOut, yi, sw, o.c());
        Lbfgs.Result r = new Lbfgs(10, o.maxIterations(), o.tolerance(), o.relativeDecrease()).minimize(f, new double[rowsOut * stride]);
        double[][] w = new double[rowsOut][d];
        double[] b = new double[rowsOut];
        for (int k = 0; k < rowsOut; k++) {
            if (binary) {
                System.arraycopy(r.x(), 0, w[0], 0, d);
                b[0] = r.x()[d];
            } else {
                for (int j = 0; j < d; j++) {
                    w[k][j] = r.x()[j * rowsOut + k];
                }
                b[k] = r.x()[d * rowsOut + k];
            }
        }
        return new LinearModel(classes, w, b, binary ? LinearModel.Kind.BINARY_LOGISTIC : LinearModel.Kind.SOFTMAX);
    }

    private static Lbfgs.Objective binaryObjective(double[] x, int n, int d, int[] y, double[] sw, double c) {
        int blocks = (n + BLOCK - 1) / BLOCK;
        return (p, grad) -> {
            double[] loss = new double[blocks];
            double[][] g = new double[blocks][];
            IntStream.range(0, blocks).parallel().forEach(bk -> {
                double[] gb = new double[d + 1];
                double lb = 0;
                for (int i = bk * BLOCK; i < Math.min(n, (bk + 1) * BLOCK); i++) {
                    double z = p[d] + dotRow(x, i * d, p, 0, d);
                    double w = sw == null ? 1 : sw[i];
                    // log(1+e^{-z}) for y=1, log(1+e^{z}) for y=0, computed without overflow
                    double m = y[i] == 1 ? -z : z;
                    lb += w * (m > 0 ? m + Math.log1p(Math.exp(-m)) : Math.log1p(Math.exp(m)));
                    double r = w * (LinearModel.expit(z) - y[i]);
                    axpyRow(r, x, i * d, gb, 0, d);
                    gb[d] += r;
                }
                loss[bk] = lb;
                g[bk] = gb;
            });
            double total = 0;
            Arrays.fill(grad, 0);
            for (int bk = 0; bk < blocks; bk++) {
                total += loss[bk];
                for (int j = 0; j <= d; j++) {
                    grad[j] += g[bk][j];
                }
            }
            double pen = 0;
            for (int j = 0; j < d; j++) {
                pen += p[j] * p[j];
                grad[j] += p[j] / c;
            }
            return total + 0.5 * pen / c;
        };
    }

    /**
     * Softmax loss with the weights stored feature-major (p[j·k + c] = W[c][j], intercepts at p[d·k + c]). The
     * scores Z = X·W + b and the gradient Xᵀ·R are {@link SoftmaxGemm}'s two matrix products (the same bits for
     * any thread count); the per-row softmax and loss run over fixed blocks of rows summed in block order.
     */
    private static Lbfgs.Objective softmaxObjective(double[] x, int n, int d, int k, int[] y, double[] sw, double c) {
        int kp = SoftmaxGemm.padded(k);
        int blocks = (n + BLOCK - 1) / BLOCK;
        double[] w = new double[d * kp];
        double[] b = new double[kp];
        double[] z = new double[n * kp];
        double[] r = new double[n * kp];
        double[] g = new double[d * kp];
        double[] loss = new double[blocks];
        return (p, grad) -> {
            for (int j = 0; j < d; j++) {
                System.arraycopy(p, j * k, w, j * kp, k);
            }
            System.arraycopy(p, d * k, b, 0, k);
            SoftmaxGemm.scores(x, n, d, w, b, kp, z);
            IntStream.range(0, blocks).parallel().forEach(bk -> {
                double lb = 0;
                int end = Math.min(n, (bk + 1) * BLOCK);
                for (int i = bk * BLOCK; i < end; i++) {
                    int zo = i * kp;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c2 = 0; c2 < k; c2++) {
                        max = Math.max(max, z[zo + c2]);
                    }
                    // one exp per class: r holds exp(z − max) until it is scaled to w·softmax
                    double sum = 0;
                    for (int c2 = 0; c2 < k; c2++) {
                        double e = Math.exp(z[zo + c2] - max);
                        r[zo + c2] = e;
                        sum += e;
                    }
                    double logSum = max + Math.log(sum);
                    double wi = sw == null ? 1 : sw[i];
                    lb += wi * (logSum - z[zo + y[i]]);
                    double scale = wi / sum;
                    for (int c2 = 0; c2 < k; c2++) {
                        r[zo + c2] *= scale;
                    }
                    r[zo + y[i]] -= wi;
                }
                loss[bk] = lb;
            });
            SoftmaxGemm.gradient(x, n, d, r, kp, g);
            double total = 0;
            for (int bk = 0; bk < blocks; bk++) {
                total += loss[bk];
            }
            for (int j = 0; j < d; j++) {
                System.arraycopy(g, j * kp, grad, j * k, k);
            }
            for (int c2 = 0; c2 < k; c2++) {
                double s = 0;
                for (int i = 0; i < n; i++) {
                    s += r[i * kp + c2];
                }
                grad[d * k + c2] = s;
            }
            double pen = 0;
            for (int j = 0; j < d * k; j++) {
                pen += p[j] * p[j];
                grad[j] += p[j] / c;
            }
            return total + 0.5 * pen / c;
        };
    }

    /** Σ x[xo+j]·w[wo+j] with four accumulators (lets the JIT pipeline the reduction). */
    static double dotRow(double[] x, int xo, double[] w, int wo, int d) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int j = 0;
        for (; j + 3 < d; j += 4) {
            s0 += x[xo + j] * w[wo + j];
            s1 += x[xo + j + 1] * w[wo + j + 1];
            s2 += x[xo + j + 2] * w[wo + j + 2];
            s3 += x[xo + j + 3] * w[wo + j + 3];
        }
        for (; j < d; j++) {
            s0 += x[xo + j] * w[wo + j];
        }
        return (s0 + s1) + (s2 + s3);
    }

    static void axpyRow(double a, double[] x, int xo, double[] y, int yo, int d) {
        for (int j = 0; j < d; j++) {
            y[yo + j] += a * x[xo + j];
        }
    }
}
