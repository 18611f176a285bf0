package org.slidebatch.pretrain;

import java.util.List;
import java.util.SplittableRandom;

import org.slidebatch.model.train.StepSeeds;

/** Builds a padded phase-1 batch and its shared mask (OSFM-spec §8d). */
public final class Phase1Batches {

    private Phase1Batches() {
    }

    /** OpenSlideFM's {@code max(1, round(mask_frac·T))} with Python's round (half to even). */
    public static int maskCount(int tokens, double maskFrac) {
        return Math.max(1, (int) Math.rint(maskFrac * tokens));
    }

    /**
     * Pads the slides to the longest, draws each slide's masked tokens ({@code maskCount} distinct indices) with
     * {@code random}; the views are drawn in the step.
     */
    public static Phase1Batch build(List<SlideTokens> slides, double maskFrac, SplittableRandom random) {
        int b = slides.size();
        int t = 0;
        int d = slides.get(0).dim();
        for (SlideTokens s : slides) {
            t = Math.max(t, s.tokens());
            if (s.dim() != d) {
                throw new IllegalArgumentException(s.slideId() + " has " + s.dim() + " feature columns, "
                    + slides.get(0).slideId() + " has " + d);
            }
        }
        float[] feats = new float[b * t * d];
        float[] pos = new float[b * t * 3];
        boolean[] pad = new boolean[b * t];
        boolean[] masked = new boolean[b * t];
        for (int i = 0; i < b; i++) {
            SlideTokens s = slides.get(i);
            int n = s.tokens();
            System.arraycopy(s.features(), 0, feats, i * t * d, n * d);
            System.arraycopy(s.positions(), 0, pos, i * t * 3, n * 3);
            for (int j = n; j < t; j++) {
                pad[i * t + j] = true;
            }
            for (int j : StepSeeds.choose(random, n, maskCount(n, maskFrac))) {
                masked[i * t + j] = true;
            }
        }
        return new Phase1Batch(b, t, d, feats, pos, pad, masked, null, null);
    }
}
