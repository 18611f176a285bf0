package org.slidebatch.grade;

import java.util.SplittableRandom;

import org.slidebatch.model.train.StepSeeds;

/**
 * NB11's dataset-side randomness for one training slide, from a {@link SplittableRandom} the caller derives from
 * (seed, step), so a resumed epoch draws the same: a slide longer than its budget keeps a random subset of that
 * many tokens (without replacement, in draw order); then with probability {@code noiseP} Gaussian noise
 * N(0, noiseStd²) is added to both scales, and with probability {@code dropP} both scales are multiplied by an
 * elementwise Bernoulli(keep) mask (no rescaling, as NB11).
 *
 * @param noiseP   0.4
 * @param noiseStd NOISE_STD 0.01
 * @param dropP    0.3
 * @param keep     1 − FEAT_DROPOUT_P = 0.95
 */
public record GradeAugment(float noiseP, float noiseStd, float dropP, float keep) {

    public static GradeAugment nb11() {
        return new GradeAugment(0.4f, 0.01f, 0.3f, 0.95f);
    }

    public static GradeAugment none() {
        return new GradeAugment(0f, 0f, 0f, 1f);
    }

    /** Training view: budgets by random subset, then the augmentation. Arrays are copies. */
    public GradeSlide train(GradeSlide s, int budget05, int budget20, SplittableRandom r) {
        float[] a = subset(s.x05(), s.n05(), s.dim(), budget05, r);
        float[] b = subset(s.x20(), s.n20(), s.dim(), budget20, r);
        if (r.nextDouble() < noiseP) {
            noise(a, r);
            noise(b, r);
        }
        if (r.nextDouble() < dropP) {
            drop(a, r);
            drop(b, r);
        }
        return new GradeSlide(s.id(), s.provider(), s.grade(), s.dim(), a, a.length / s.dim(), b, b.length / s.dim());
    }

    /** Validation / prediction view: the first {@code budget} tokens of each scale. */
    public static GradeSlide eval(GradeSlide s, int budget05, int budget20) {
        int n05 = Math.min(s.n05(), budget05);
        int n20 = Math.min(s.n20(), budget20);
        return new GradeSlide(s.id(), s.provider(), s.grade(), s.dim(), java.util.Arrays.copyOf(s.x05(), n05 * s.dim()), n05,
            java.util.Arrays.copyOf(s.x20(), n20 * s.dim()), n20);
    }

    private static float[] subset(float[] x, int n, int dim, int budget, SplittableRandom r) {
        if (n <= budget) {
            return x.clone();
        }
        int[] rows = StepSeeds.choose(r, n, budget);
        float[] out = new float[budget * dim];
        for (int i = 0; i < budget; i++) {
            System.arraycopy(x, rows[i] * dim, out, i * dim, dim);
        }
        return out;
    }

    private void noise(float[] x, SplittableRandom r) {
        for (int i = 0; i < x.length; i++) {
            x[i] += (float) (noiseStd * gaussian(r));
        }
    }

    private void drop(float[] x, SplittableRandom r) {
        for (int i = 0; i < x.length; i++) {
            if (r.nextDouble() >= keep) {
                x[i] = 0f;
            }
        }
    }

    private static double gaussian(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
