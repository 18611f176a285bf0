package org.slidebatch.pretrain;

/**
 * One phase-1 batch, padded to the longest slide: the clean tokens (views are drawn from them in the step), their
 * positions, the padding and the shared mask. Arrays are C order: tokens B×T×d, positions B×T×3, pad/masked B×T.
 *
 * @param view1 optional fixed first view (B×T×d, masked rows already zero); null = draw it in the step
 * @param view2 optional fixed second view
 */
public record Phase1Batch(int batch, int tokens, int dim, float[] features, float[] positions, boolean[] pad,
                          boolean[] masked, float[] view1, float[] view2) {

    public Phase1Batch {
        if (features.length != batch * tokens * dim || positions.length != batch * tokens * 3
            || pad.length != batch * tokens || masked.length != batch * tokens) {
            throw new IllegalArgumentException("batch arrays do not match " + batch + "×" + tokens + "×" + dim);
        }
        if ((view1 == null) != (view2 == null)) {
            throw new IllegalArgumentException("give both views or neither");
        }
    }

    /** Tokens that are not padding (the tokens/s counter's numerator, as OpenSlideFM counts them). */
    public long realTokens() {
        long n = 0;
        for (boolean p : pad) {
            n += p ? 0 : 1;
        }
        return n;
    }

    public int maskedTokens() {
        int n = 0;
        for (boolean m : masked) {
            n += m ? 1 : 0;
        }
        return n;
    }
}
