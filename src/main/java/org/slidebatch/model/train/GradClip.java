package org.slidebatch.model.train;

import java.util.Collection;

import ai.djl.ndarray.NDArray;

/**
 * {@code torch.nn.utils.clip_grad_norm_(params, maxNorm)} (L2): the total norm over every gradient; when it exceeds
 * {@code maxNorm} every gradient is scaled in place by {@code maxNorm / (norm + 1e-6)}. Called on the true gradients
 * (no loss scaling here: we train in float32).
 */
public final class GradClip {

    private GradClip() {
    }

    /** @return the total norm before clipping (what PyTorch returns) */
    public static double clip(Collection<NDArray> params, double maxNorm) {
        double sumSquares = 0;
        for (NDArray p : params) {
            try (NDArray g = p.getGradient(); NDArray sq = g.square().sum()) {
                sumSquares += sq.getFloat();
            }
        }
        double norm = Math.sqrt(sumSquares);
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (NDArray p : params) {
                try (NDArray g = p.getGradient()) {
                    g.muli((float) coef);
                }
            }
        }
        return norm;
    }
}
