package org.slidebatch.evaluate;

import java.util.Arrays;

/**
 * All-threshold ordinal logistic regression (mord's {@code LogisticAT(alpha)}, Rennie &amp; Srebro 2005): one
 * weight vector w and K−1 thresholds θ; loss Σᵢ Σⱼ log(1 + exp(−sᵢⱼ(θⱼ − w·xᵢ))) with sᵢⱼ = −1 for j &lt; yᵢ and
 * +1 otherwise, plus α/2‖w‖². The prediction is the number of thresholds below w·x. mord keeps θ ordered with
 * L-BFGS-B bounds; the all-threshold loss orders the optimum by itself when every class has members, so we
 * solve unconstrained with {@link Lbfgs} and sort θ afterwards as a guard. Classes are the sorted training labels.
 */
public record OrdinalLogisticAT(int[] classes, double[] w, double[] theta) {

    public static OrdinalLogisticAT fit(double[][] x, int[] y, double alpha, int maxIterations, double tolerance) {
        int[] classes = Arrays.stream(y).distinct().sorted().toArray();
        if (classes.length < 2) {
            throw new IllegalArgumentException("ordinal regression needs two classes in the training rows");
        }
        int n = x.length;
        int d = x[0].length;
        int t = classes.length - 1;
        int[] yi = new int[n];
        for (int i = 0; i < n; i++) {
            yi[i] = Arrays.binarySearch(classes, y[i]);
        }
        Lbfgs.Objective f = (p, g) -> {
            Arrays.fill(g, 0);
            double loss = 0;
            for (int i = 0; i < n; i++) {
                double xw = Lbfgs.dot(x[i], p); // x[i] has d entries: the weights part of p
                double dxw = 0;
                for (int j = 0; j < t; j++) {
                    double s = j < yi[i] ? -1 : 1;
                    double m = s * (p[d + j] - xw);
                    // log(1+e^{-m}) and its derivative −σ(−m)
                    loss += m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
                    double dm = -LinearModel.expit(-m);
                    g[d + j] += dm * s;
                    dxw -= dm * s;
                }
                for (int k = 0; k < d; k++) {
                    g[k] += dxw * x[i][k];
                }
            }
            double pen = 0;
            for (int k = 0; k < d; k++) {
                pen += p[k] * p[k];
                g[k] += alpha * p[k];
            }
            return loss + 0.5 * alpha * pen;
        };
        double[] start = new double[d + t];
        for (int j = 0; j < t; j++) {
            start[d + j] = j; // mord's start: θ = 0, 1, …
        }
        Lbfgs.Result r = new Lbfgs(10, maxIterations, tolerance, 2.220446049250313e-09).minimize(f, start);
        double[] w = Arrays.copyOf(r.x(), d);
        double[] theta = Arrays.copyOfRange(r.x(), d, d + t);
        Arrays.sort(theta);
        return new OrdinalLogisticAT(classes, w, theta);
    }

    public int predict(double[] x) {
        double xw = Lbfgs.dot(w, x);
        int below = 0;
        for (double th : theta) {
            if (th - xw < 0) {
                below++;
            }
        }
        return classes[below];
    }
}
