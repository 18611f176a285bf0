package org.slidebatch.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs one {@link FoldTask}: standardise on the training rows, fit, predict the test rows, fold metrics. For a
 * nested task the model and C are chosen first on inner stratified folds of the training rows by pooled
 * quadratic κ (ties: the earlier grid entry), then refitted on all training rows.
 */
public final class FoldRunner {

    /** One test row's outcome; probabilities over 0..K−1 or null (ridge, ordinal). */
    public record Prediction(String unitId, int yTrue, int yPred, double[] probabilities) {
    }

    public record Outcome(FoldTask task, int nTrain, int nTest, int fits, String selected, Map<String, Score> metrics,
                          List<Prediction> predictions) {
    }

    private FoldRunner() {
    }

    public static Outcome run(EvaluationData d, Fold fold, FoldTask task, EvaluateParameters p) {
        int k = d.classes().size();
        boolean balanced = p.protocol().equals("loco");
        int[] yTrain = Bootstrap.take(d.y(), fold.train());
        String model = task.model();
        double c = task.c();
        int fits = 0;
        String selected = null;
        if (task.nested()) {
            Selection s = select(d, fold.train(), p, task.splitSeed() * 31 + fold.index(), balanced);
            model = s.model;
            c = s.c;
            fits += s.fits;
            selected = String.format(Locale.ROOT, "model=%s|C=%s|inner_qwk=%s", model, c, s.score);
        }
        Standardizer st = Standardizer.fit(d.x(), fold.train());
        Classifier.Predictions pr = Classifier.fitPredict(model, c, st.transform(d.x(), fold.train()), yTrain,
            st.transform(d.x(), fold.test()), k, balanced, p.maxIter(), p.tol(), task.splitSeed());
        fits++;
        List<Prediction> out = new ArrayList<>();
        int[] yTest = Bootstrap.take(d.y(), fold.test());
        for (int i = 0; i < fold.test().length; i++) {
            out.add(new Prediction(d.units().get(fold.test()[i]), yTest[i], pr.labels()[i],
                pr.probabilities() == null ? null : pr.probabilities()[i]));
        }
        return new Outcome(task, fold.train().length, fold.test().length, fits, selected,
            foldMetrics(p.protocol(), yTest, pr, k), out);
    }

    static Map<String, Score> foldMetrics(String protocol, int[] y, Classifier.Predictions pr, int k) {
        Map<String, Score> m = new LinkedHashMap<>();
        switch (protocol) {
            case "probe" -> {
                m.put("accuracy", Metrics.accuracy(y, pr.labels()));
                m.put("balanced_accuracy", Metrics.balancedAccuracy(y, pr.labels()));
                m.put("macro_f1", Metrics.f1Macro(y, pr.labels()));
                m.put("macro_auc", LinearProbe.auroc(y, pr.probabilities(), k));
            }
            case "binary-cv" -> {
                m.put("auroc", Metrics.auroc(y, Metrics.column(pr.probabilities(), 1)));
                m.put("accuracy", Metrics.accuracy(y, pr.labels()));
            }
            default -> m.put("kappa_qw", Metrics.cohenKappa(y, pr.labels(), Metrics.KappaWeights.QUADRATIC));
        }
        return m;
    }

    private record Selection(String model, double c, double score, int fits) {
    }

    private static Selection select(EvaluationData d, int[] train, EvaluateParameters p, long seed, boolean balanced) {
        int[] yTrain = Bootstrap.take(d.y(), train);
        List<Fold> inner = Splitters.stratifiedKFold(yTrain, Math.min(p.innerFolds(), yTrain.length), seed);
        String bestModel = null;
        double bestC = Double.NaN;
        double best = Double.NEGATIVE_INFINITY;
        int fits = 0;
        for (String model : p.models()) {
            for (double c : p.cs()) {
                int[] pred = new int[train.length];
                for (Fold f : inner) {
                    int[] tr = Bootstrap.take(train, f.train());
                    int[] te = Bootstrap.take(train, f.test());
                    Standardizer st = Standardizer.fit(d.x(), tr);
                    Classifier.Predictions pr = Classifier.fitPredict(model, c, st.transform(d.x(), tr),
                        Bootstrap.take(d.y(), tr), st.transform(d.x(), te), d.classes().size(), balanced, p.maxIter(),
                        p.tol(), seed);
                    fits++;
                    for (int i = 0; i < te.length; i++) {
                        pred[f.test()[i]] = pr.labels()[i];
                    }
                }
                Score s = Metrics.cohenKappa(yTrain, pred, Metrics.KappaWeights.QUADRATIC);
                double v = s.defined() ? s.value() : Double.NEGATIVE_INFINITY;
                if (bestModel == null || v > best) {
                    bestModel = model;
                    bestC = c;
                    best = v;
                }
            }
        }
        return new Selection(bestModel, bestC, best, fits);
    }
}
