package org.slidebatch.evaluate;

import java.util.Arrays;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.DecompositionSolver;

/**
 * sklearn's {@code RidgeClassifier(alpha)}: targets ±1 (one column for two classes, one per class otherwise),
 * X and targets centred with the sample-weighted means, rows scaled by √weight, then (XᵀX + αI)w = Xᵀy by
 * Cholesky (Commons Math); the intercept restores the means. Predicts the argmax of the decision values.
 */
public final class RidgeClassifier {

    private RidgeClassifier() {
    }

    public static LinearModel fit(double[][] x, int[] y, double alpha, double[] sampleWeight) {
        int[] classes = Arrays.stream(y).distinct().sorted().toArray();
        if (classes.length < 2) {
            throw new IllegalArgumentException("ridge classifier needs two classes in the training rows");
        }
        int n = x.length;
        int d = x[0].length;
        int outputs = classes.length == 2 ? 1 : classes.length;
        double[][] t = new double[n][outputs];
        for (int i = 0; i < n; i++) {
            int k = Arrays.binarySearch(classes, y[i]);
            for (int o = 0; o < outputs; o++) {
                int cls = outputs == 1 ? 1 : o;
                t[i][o] = k == cls ? 1 : -1;
            }
        }
        double[] sw = sampleWeight == null ? filled(n, 1.0) : sampleWeight;
        double swSum = Arrays.stream(sw).sum();
        double[] xMean = new double[d];
        double[] tMean = new double[outputs];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xMean[j] += sw[i] * x[i][j];
            }
            for (int o = 0; o < outputs; o++) {
                tMean[o] += sw[i] * t[i][o];
            }
        }
        for (int j = 0; j < d; j++) {
            xMean[j] /= swSum;
        }
        for (int o = 0; o < outputs; o++) {
            tMean[o] /= swSum;
        }
        double[][] gram = new double[d][d];
        double[][] rhs = new double[outputs][d];
        double[] xc = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xc[j] = x[i][j] - xMean[j];
            }
            for (int a = 0; a < d; a++) {
                double va = sw[i] * xc[a];
                double[] ga = gram[a];
                for (int b = a; b < d; b++) {
                    ga[b] += va * xc[b];
                }
                for (int o = 0; o < outputs; o++) {
                    rhs[o][a] += va * (t[i][o] - tMean[o]);
                }
            }
        }
        for (int a = 0; a < d; a++) {
            gram[a][a] += alpha;
            for (int b = 0; b < a; b++) {
                gram[a][b] = gram[b][a];
            }
        }
        DecompositionSolver solver = new CholeskyDecomposition(new Array2DRowRealMatrix(gram, false), 1e-14, 1e-14)
            .getSolver();
        double[][] w = new double[outputs][];
        double[] b = new double[outputs];
        for (int o = 0; o < outputs; o++) {
            w[o] = solver.solve(new ArrayRealVector(rhs[o], false)).toArray();
            b[o] = tMean[o] - Lbfgs.dot(xMean, w[o]);
        }
        return new LinearModel(classes, w, b, LinearModel.Kind.DECISION);
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }
}
