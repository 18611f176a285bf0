package org.slidebatch.model.mil;

import ai.djl.ndarray.NDArray;

/**
 * OpenSlideFM's masked-feature-reconstruction decoder (OSFM-spec §8c, pretraining only): Linear(d→384); the learned
 * mask token replaces every masked token; 2 pre-norm layers (4 heads, FF 1536) with the padding mask; LayerNorm;
 * Linear(384→d).
 */
public final class MfrDecoder {

    private MfrDecoder() {
    }

    /**
     * @param tokens  the aggregator's token output (B,T,d)
     * @param masked  (B,T,1) 1 at masked tokens, 0 elsewhere
     */
    public static NDArray forward(AggregatorConfig c, NamedParams p, NDArray tokens, NDArray masked, NDArray keyMask,
                                  boolean training) {
        NDArray h = Layers.linear(tokens, p, "proj_in");
        // h·(1−m) + m·token: exactly h where m = 0 and exactly the token where m = 1 (PyTorch's index assignment).
        NDArray keep = masked.neg().add(1f);
        h = h.mul(keep).add(masked.mul(p.get("mask_token")));
        h = Layers.encoder(h, p, "enc.layers.", c.decLayers(), c.decHeads(), c.dropout(), training, keyMask);
        return Layers.linear(Layers.layerNorm(h, p, "ln"), p, "proj_out");
    }
}
