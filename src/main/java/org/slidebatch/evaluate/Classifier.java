package org.slidebatch.evaluate;

import java.util.Arrays;

/**
 * The models of the evaluation grid, fitted on standardised rows with labels 0..K−1: {@code logreg_l2}
 * (L-BFGS, sklearn's lbfgs problem), {@code logreg_l1} (LIBLINEAR L1R_LR), {@code ridge} (α = 1/max(C, 1e-6)),
 * {@code ordinal} (all-threshold, α = 1/max(C, 1e-6)). {@code balanced} gives class weights n/(K·n_k) as sklearn's
 * class_weight='balanced'. A training set with one class gives a constant predictor (probability 1 for it).
 */
public final class Classifier {

    /** Predictions for rows: labels and, where the model has them, probabilities over 0..K−1. */
    public record Predictions(int[] labels, double[][] probabilities) {
    }

    private Classifier() {
    }

    public static Predictions fitPredict(String model, double c, double[][] xTrain, int[] yTrain, double[][] xTest, int k,
                                         boolean balanced, int maxIter, double tol, long seed) {
        int[] present = Arrays.stream(yTrain).distinct().sorted().toArray();
        int[] labels = new int[xTest.length];
        if (present.length == 1) {
            double[][] prob = new double[xTest.length][k];
            for (int i = 0; i < xTest.length; i++) {
                labels[i] = present[0];
                prob[i][present[0]] = 1;
            }
            return new Predictions(labels, prob);
        }
        double[] sw = balanced ? balancedWeights(yTrain, present) : null;
        switch (model) {
            case "logreg_l2" -> {
                LinearModel m = LogisticRegressionLbfgs.fit(xTrain, yTrain, sw,
                    new LogisticRegressionLbfgs.Options(c, maxIter, tol, 2.220446049250313e-09));
                return linear(m, xTest, k, true);
            }
            case "logreg_l1" -> {
                double[] cw = null;
                if (balanced) {
                    cw = new double[present.length];
                    for (int j = 0; j < present.length; j++) {
                        final int cls = present[j];
                        long nk = Arrays.stream(yTrain).filter(v -> v == cls).count();
                        cw[j] = (double) yTrain.length / (present.length * nk);
                    }
                }
                LinearModel m = LiblinearLogistic.fit(xTrain, yTrain, LiblinearLogistic.Penalty.L1, c, cw, tol, maxIter, seed);
                return linear(m, xTest, k, true);
            }
            case "ridge" -> {
                LinearModel m = RidgeClassifier.fit(xTrain, yTrain, 1.0 / Math.max(c, 1e-6), sw);
                return linear(m, xTest, k, false);
            }
            case "ordinal" -> {
                OrdinalLogisticAT m = OrdinalLogisticAT.fit(xTrain, yTrain, 1.0 / Math.max(c, 1e-6), maxIter, tol);
                for (int i = 0; i < xTest.length; i++) {
                    labels[i] = m.predict(xTest[i]);
                }
                return new Predictions(labels, null);
            }
            default -> throw new IllegalArgumentException("unknown model '" + model + "'");
        }
    }

    private static Predictions linear(LinearModel m, double[][] xTest, int k, boolean probabilities) {
        int[] labels = new int[xTest.length];
        double[][] prob = probabilities ? new double[xTest.length][] : null;
        for (int i = 0; i < xTest.length; i++) {
            labels[i] = m.predict(xTest[i]);
            if (probabilities) {
                prob[i] = m.probabilities(xTest[i], k);
            }
        }
        return new Predictions(labels, prob);
    }

    static double[] balancedWeights(int[] y, int[] present) {
        java.util.Map<Integer, Integer> count = new java.util.HashMap<>();
        for (int v : y) {
            count.merge(v, 1, Integer::sum);
        }
        double[] w = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            w[i] = (double) y.length / (present.length * count.get(y[i]));
        }
        return w;
    }
}
