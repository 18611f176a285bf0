package org.slidebatch.evaluate;

/**
 * A fitted linear classifier over the classes {@code classes} (sorted labels seen in training). Probabilities
 * come back as a row over {@code numClasses} labels 0..K−1 so that a class missing from a training fold gets
 * probability 0 instead of a missing column (NB07 crashed there, OSFM-spec §17 item 17).
 *
 * @param weights one row per decision function (one for a binary logistic model, else one per class)
 * @param kind how decision values become probabilities
 */
public record LinearModel(int[] classes, double[][] weights, double[] intercepts, Kind kind) {

    public enum Kind {
        /** One sigmoid for classes[1] (sklearn's binary LogisticRegression). */
        BINARY_LOGISTIC,
        /** Softmax over one function per class (multinomial). */
        SOFTMAX,
        /** One sigmoid per class, normalised to sum 1 (liblinear one-vs-rest, sklearn's {@code _predict_proba_lr}). */
        OVR_LOGISTIC,
        /** Decision values only (ridge classifier): probabilities are not defined, argmax of decisions predicts. */
        DECISION
    }

    public double[] decision(double[] x) {
        double[] out = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            out[k] = intercepts[k] + Lbfgs.dot(weights[k], x);
        }
        return out;
    }

    /** Probabilities over labels 0..numClasses−1 (0 for labels this model never saw). */
    public double[] probabilities(double[] x, int numClasses) {
        double[] z = decision(x);
        double[] local = new double[classes.length];
        switch (kind) {
            case BINARY_LOGISTIC -> {
                double p = expit(z[0]);
                local[0] = 1 - p;
                local[1] = p;
            }
            case SOFTMAX -> {
                double max = Double.NEGATIVE_INFINITY;
                for (double v : z) {
                    max = Math.max(max, v);
                }
                double sum = 0;
                for (int k = 0; k < z.length; k++) {
                    local[k] = Math.exp(z[k] - max);
                    sum += local[k];
                }
                for (int k = 0; k < z.length; k++) {
                    local[k] /= sum;
                }
            }
            case OVR_LOGISTIC -> {
                if (z.length == 1) {
                    double p = expit(z[0]);
                    local[0] = 1 - p;
                    local[1] = p;
                } else {
                    double sum = 0;
                    for (int k = 0; k < z.length; k++) {
                        local[k] = expit(z[k]);
                        sum += local[k];
                    }
                    for (int k = 0; k < z.length; k++) {
                        local[k] /= sum;
                    }
                }
            }
            case DECISION -> throw new UnsupportedOperationException("a ridge classifier has no probabilities");
        }
        double[] out = new double[numClasses];
        for (int k = 0; k < classes.length; k++) {
            out[classes[k]] = local[k];
        }
        return out;
    }

    /** The predicted label (argmax of the decision; binary: classes[1] when its decision is positive). */
    public int predict(double[] x) {
        double[] z = decision(x);
        if (z.length == 1) {
            return z[0] > 0 ? classes[1] : classes[0];
        }
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return classes[best];
    }

    static double expit(double z) {
        return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
    }
}
