package org.slidebatch.pretrain;

/**
 * One slide's token sequence as OpenSlideFM lays it out: all 0.5 µm tokens, then all 2.0 µm tokens (no CLS, no scale
 * embedding; the scale enters through the third positional input).
 *
 * @param features  T×dim float32, C order
 * @param positions T×3: cx_mm, cy_mm, scale_um
 */
public record SlideTokens(String slideId, int tokens05, int tokens20, int dim, float[] features, float[] positions) {

    public SlideTokens {
        int t = tokens05 + tokens20;
        if (features.length != t * dim || positions.length != t * 3) {
            throw new IllegalArgumentException(slideId + ": " + t + " tokens but " + features.length / Math.max(1, dim)
                + " feature rows and " + positions.length / 3 + " positions");
        }
    }

    public int tokens() {
        return tokens05 + tokens20;
    }
}
