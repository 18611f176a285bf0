package org.slidebatch.grade;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import org.slidebatch.model.DjlArrays;

/**
 * NB11's training loss (OSFM-spec §15): focal cross-entropy on label-smoothed targets weighted per sample by its
 * class weight, plus {@code ordinalLam · mean|argmax p − y|} and {@code expLam · mean(Σ k·p_k − y)²}.
 *
 * <p>The ordinal term is NB11's as written: argmax has no gradient, so it only shifts the loss value and never
 * the weights (OSFM-spec §17.25; kept for fidelity, listed in docs/DEVIATIONS.md).
 *
 * @param labelSmooth LABEL_SMOOTH 0.05 (validation: 0)
 * @param focalAlpha  FOCAL_ALPHA 0.25
 * @param focalGamma  FOCAL_GAMMA 2
 * @param ordinalLam  ORDINAL_LAM 0.25
 * @param expLam      EXP_LAM 0.02
 */
public record GradeLoss(float labelSmooth, float focalAlpha, float focalGamma, float ordinalLam, float expLam) {

    /** The loss's parts: the total (with gradient) and the values of each term. */
    public record Parts(NDArray total, double focal, double dist, double mse) {
    }

    public static GradeLoss nb11() {
        return new GradeLoss(0.05f, 0.25f, 2f, 0.25f, 0.02f);
    }

    public GradeLoss forValidation() {
        return new GradeLoss(0f, focalAlpha, focalGamma, ordinalLam, expLam);
    }

    /**
     * @param logits       (B, C)
     * @param grades       true class per slide
     * @param classWeights per class ({@link #classWeights})
     */
    public Parts compute(NDArray logits, int[] grades, float[] classWeights) {
        NDManager m = logits.getManager();
        int b = grades.length;
        int c = Math.toIntExact(logits.getShape().get(1));
        float[] target = new float[b * c];
        float[] weight = new float[b];
        float[] y = new float[b];
        float off = labelSmooth / c;
        for (int i = 0; i < b; i++) {
            if (grades[i] < 0 || grades[i] >= c) {
                throw new IllegalArgumentException("grade " + grades[i] + " outside 0.." + (c - 1));
            }
            for (int k = 0; k < c; k++) {
                target[i * c + k] = k == grades[i] ? 1 - labelSmooth + off : off;
            }
            weight[i] = classWeights[grades[i]];
            y[i] = grades[i];
        }
        NDArray t = DjlArrays.owned(m, target, new Shape(b, c));
        NDArray logp = logits.logSoftmax(1);
        NDArray p = logp.exp();
        // The bound, exponent and factors are owned arrays: autograd keeps them for backward (DjlArrays#scalar).
        NDArray pt = p.mul(t).sum(new int[] {1}).maximum(DjlArrays.scalar(m, 1e-8f));
        NDArray ce = t.mul(logp).sum(new int[] {1}).neg();
        NDArray w = DjlArrays.owned(m, weight, new Shape(weight.length));
        NDArray focal = pt.neg().add(1f).pow(DjlArrays.scalar(m, focalGamma)).mul(DjlArrays.scalar(m, focalAlpha)).mul(ce).mul(w)
            .mean();
        float[] probs = p.toFloatArray();
        double dist = 0;
        for (int i = 0; i < b; i++) {
            dist += Math.abs(argmax(probs, i * c, c) - grades[i]);
        }
        dist /= b;
        float[] classes = new float[c];
        for (int k = 0; k < c; k++) {
            classes[k] = k;
        }
        NDArray expected = p.mul(DjlArrays.owned(m, classes, new Shape(classes.length))).sum(new int[] {1});
        NDArray mse = expected.sub(DjlArrays.owned(m, y, new Shape(y.length))).square().mean();
        NDArray total = focal.add((float) (ordinalLam * dist)).add(mse.mul(DjlArrays.scalar(m, expLam)));
        return new Parts(total, focal.getFloat(), dist, mse.getFloat());
    }

    /** First index of the largest value (torch.argmax on CPU for distinct values). */
    public static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int k = 1; k < n; k++) {
            if (v[from + k] > v[from + best]) {
                best = k;
            }
        }
        return best;
    }

    /** NB11's per-fold class weights: w = 1 / max(count/total, 1e-6), divided by their mean. */
    public static float[] classWeights(int[] grades, int classes) {
        double[] count = new double[classes];
        for (int g : grades) {
            count[g]++;
        }
        double[] w = new double[classes];
        double mean = 0;
        for (int k = 0; k < classes; k++) {
            w[k] = 1.0 / Math.max(count[k] / grades.length, 1e-6);
            mean += w[k] / classes;
        }
        float[] out = new float[classes];
        for (int k = 0; k < classes; k++) {
            out[k] = (float) (w[k] / mean);
        }
        return out;
    }
}
