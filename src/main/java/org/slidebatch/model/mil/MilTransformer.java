package org.slidebatch.model.mil;

import ai.djl.ndarray.NDArray;

/**
 * OpenSlideFM's slide aggregator (OSFM-spec §8c): tokens + positional MLP(cx_mm, cy_mm, scale_um) → 6 pre-norm
 * encoder layers with a key-padding mask → LayerNorm → max over the non-padded tokens → {@code proj_global}
 * ({@code g_proj}, the slide embedding) → {@code pred_global} ({@code g_pred}, the BYOL predictor).
 */
public final class MilTransformer {

    /** The three outputs: g_proj (B,d), g_pred (B,d), post-LayerNorm tokens (B,T,d). */
    public record Output(NDArray gProj, NDArray gPred, NDArray tokens) {
    }

    private MilTransformer() {
    }

    /**
     * @param feats     (B,T,d) token features (padding rows arbitrary, usually 0)
     * @param positions (B,T,3) cx_mm, cy_mm, scale_um
     * @param keyMask   {@link Layers#paddingMask} (B,1,1,T)
     * @param poolMask  {@link Layers#paddingMask} (B,T,1) for pooling
     */
    public static Output forward(AggregatorConfig c, NamedParams p, NDArray feats, NDArray positions, NDArray keyMask,
                                 NDArray poolMask, boolean training) {
        NDArray x = feats.add(Layers.mlp(positions, p, "pos.proj"));
        x = Layers.encoder(x, p, "enc.layers.", c.layers(), c.heads(), c.dropout(), training, keyMask);
        NDArray tokens = Layers.layerNorm(x, p, "ln");
        NDArray g = tokens.add(poolMask).max(new int[] {1});
        NDArray gProj = Layers.mlp(g, p, "proj_global");
        NDArray gPred = Layers.mlp(gProj, p, "pred_global");
        return new Output(gProj, gPred, tokens);
    }

    /** g_proj only (embedding export: the predictor is not run). */
    public static NDArray embed(AggregatorConfig c, NamedParams p, NDArray feats, NDArray positions, NDArray keyMask,
                                NDArray poolMask) {
        NDArray x = feats.add(Layers.mlp(positions, p, "pos.proj"));
        x = Layers.encoder(x, p, "enc.layers.", c.layers(), c.heads(), c.dropout(), false, keyMask);
        NDArray g = Layers.layerNorm(x, p, "ln").add(poolMask).max(new int[] {1});
        return Layers.mlp(g, p, "proj_global");
    }
}
