package org.slidebatch.evaluate;

import java.util.Arrays;
import java.util.Random;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;

/**
 * Logistic regression through LIBLINEAR (de.bwaldvogel:liblinear, the Java port of the library sklearn's
 * {@code solver='liblinear'} wraps): the intercept is an extra feature of value 1 and <em>is</em> penalised;
 * more than two classes are fitted one-vs-rest and the sigmoids normalised to sum 1, as sklearn does.
 * L2 uses the primal trust-region Newton solver (L2R_LR), L1 the newGLMNET solver (L1R_LR).
 */
public final class LiblinearLogistic {

    public enum Penalty { L1, L2 }

    static {
        Linear.disableDebugOutput();
    }

    private LiblinearLogistic() {
    }

    /**
     * @param classWeight per-class weight over the sorted classes of y, or null (sklearn's class_weight)
     * @param eps LIBLINEAR's stopping tolerance (sklearn's {@code tol}, default 1e-4)
     */
    public static LinearModel fit(double[][] x, int[] y, Penalty penalty, double c, double[] classWeight, double eps,
                                  int maxIterations, long seed) {
        int[] classes = Arrays.stream(y).distinct().sorted().toArray();
        if (classes.length < 2) {
            throw new IllegalArgumentException("logistic regression needs two classes in the training rows, got "
                + classes.length);
        }
        int n = x.length;
        int d = x[0].length;
        Problem prob = new Problem();
        prob.l = n;
        prob.n = d + 1;
        prob.bias = 1.0;
        prob.y = new double[n];
        prob.x = new Feature[n][];
        for (int i = 0; i < n; i++) {
            Feature[] row = new Feature[d + 1];
            for (int j = 0; j < d; j++) {
                row[j] = new FeatureNode(j + 1, x[i][j]);
            }
            row[d] = new FeatureNode(d + 1, 1.0);
            prob.x[i] = row;
            prob.y[i] = y[i];
        }
        Parameter param = new Parameter(penalty == Penalty.L2 ? SolverType.L2R_LR : SolverType.L1R_LR, c, eps);
        param.setMaxIters(maxIterations);
        param.setRandom(new Random(seed));
        if (classWeight != null) {
            param.setWeights(classWeight.clone(), classes.clone());
        }
        Model m = Linear.train(prob, param);
        int[] labels = m.getLabels();
        boolean binary = classes.length == 2;
        int rows = binary ? 1 : classes.length;
        double[][] w = new double[rows][d];
        double[] b = new double[rows];
        for (int k = 0; k < rows; k++) {
            int cls = binary ? classes[1] : classes[k];
            int idx = indexOf(labels, cls);
            for (int j = 0; j < d; j++) {
                w[k][j] = m.getDecfunCoef(j + 1, idx);
            }
            // The bias feature's weight: the intercept (bias value 1).
            b[k] = m.getDecfunBias(idx);
        }
        return new LinearModel(classes, w, b, LinearModel.Kind.OVR_LOGISTIC);
    }

    private static int indexOf(int[] labels, int cls) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] == cls) {
                return i;
            }
        }
        throw new IllegalStateException("LIBLINEAR model lacks class " + cls);
    }
}
