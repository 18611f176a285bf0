package org.slidebatch.evaluate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The linear probe of one split: per fold, standardise on the training rows, fit an L2 logistic regression,
 * predict the test rows. Out-of-fold probabilities come back in row order over the classes 0..K−1 of the whole
 * table (a class absent from a training fold gets probability 0).
 */
public final class LinearProbe {

    public enum Solver {
        /** sklearn's default problem: intercept not penalised, softmax for more than two classes. */
        LBFGS,
        /** LIBLINEAR's problem: intercept penalised, one-vs-rest. */
        LIBLINEAR
    }

    public record Settings(Solver solver, double c, int maxIterations, double tolerance, long seed) {
    }

    public record Result(int[] classes, double[][] oofProb, List<Score> foldAuroc, Score oofAuroc) {
    }

    private LinearProbe() {
    }

    /** @param y labels (any integers); classes = sorted distinct labels */
    public static Result run(double[][] x, int[] y, List<Fold> folds, Settings s) {
        int[] classes = Arrays.stream(y).distinct().sorted().toArray();
        int[] yi = encode(y, classes);
        double[][] oof = new double[x.length][];
        List<Score> foldAuroc = new ArrayList<>();
        for (Fold f : folds) {
            double[][] prob = fitPredict(x, yi, classes.length, f, s);
            int[] yTest = new int[f.test().length];
            for (int i = 0; i < f.test().length; i++) {
                oof[f.test()[i]] = prob[i];
                yTest[i] = yi[f.test()[i]];
            }
            foldAuroc.add(auroc(yTest, prob, classes.length));
        }
        for (int i = 0; i < oof.length; i++) {
            if (oof[i] == null) {
                throw new IllegalArgumentException("row " + i + " is in no test fold");
            }
        }
        return new Result(classes, oof, foldAuroc, auroc(yi, oof, classes.length));
    }

    /** Probabilities over classes 0..k−1 for the fold's test rows (y already encoded 0..k−1). */
    public static double[][] fitPredict(double[][] x, int[] y, int k, Fold f, Settings s) {
        Standardizer st = Standardizer.fit(x, f.train());
        double[][] xTrain = st.transform(x, f.train());
        double[][] xTest = st.transform(x, f.test());
        int[] yTrain = Bootstrap.take(y, f.train());
        LinearModel m = switch (s.solver()) {
            case LBFGS -> LogisticRegressionLbfgs.fit(xTrain, yTrain, null,
                new LogisticRegressionLbfgs.Options(s.c(), s.maxIterations(), s.tolerance(), 2.220446049250313e-09));
            case LIBLINEAR -> LiblinearLogistic.fit(xTrain, yTrain, LiblinearLogistic.Penalty.L2, s.c(), null,
                s.tolerance(), s.maxIterations(), s.seed());
        };
        double[][] out = new double[xTest.length][];
        for (int i = 0; i < xTest.length; i++) {
            out[i] = m.probabilities(xTest[i], k);
        }
        return out;
    }

    /** Binary: AUROC of class 1's probability; more classes: one-vs-rest macro AUROC. */
    public static Score auroc(int[] y, double[][] prob, int k) {
        return k == 2 ? Metrics.auroc(y, Metrics.column(prob, 1)) : Metrics.aurocOvrMacro(y, prob);
    }

    static int[] encode(int[] y, int[] classes) {
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = Arrays.binarySearch(classes, y[i]);
        }
        return out;
    }
}
