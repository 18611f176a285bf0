package org.slidebatch.model.mil;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dimensions of OpenSlideFM's PANDA grading model ({@code MILModel}, OSFM-spec §15, NB11 CFG). The defaults
 * ({@link #nb11()}) are the notebook's and give 11 099 144 parameters; tests use small ones.
 *
 * @param inputDim    token width (INPUT_DIM 768)
 * @param heads       attention heads per pool (NUM_HEADS 8)
 * @param ffDim       the pool's feed-forward width (2 · 768 = 1536)
 * @param scorerDim   the scorer's hidden width (768 / 2 = 384)
 * @param hiddenDim   the fusion MLP's width (HIDDEN_DIM 512)
 * @param classes     ISUP grades 0–5 (NUM_CLASSES 6)
 * @param poolDropout attention, residual and feed-forward dropout of the pools (POOL_DROPOUT 0.1)
 * @param fuseDropout dropout of the fusion MLP (FUSE_DROPOUT 0.15)
 * @param topkRatio   share of a slide's tokens pooled (TOPK_RATIO 0.15)
 * @param topkMin     at least this many tokens pooled, when the slide has them (TOPK_MIN 24)
 */
public record GraderConfig(int inputDim, int heads, int ffDim, int scorerDim, int hiddenDim, int classes,
                           float poolDropout, float fuseDropout, float topkRatio, int topkMin) {

    /** The two scales' pools, in the model's order (0.5 µm/px, 2.0 µm/px). */
    public static final String[] POOLS = {"pool05", "pool20"};

    public GraderConfig {
        if (inputDim < 1 || heads < 1 || inputDim % heads != 0) {
            throw new IllegalArgumentException("INPUT_DIM must be divisible by NUM_HEADS, got " + inputDim + "/" + heads);
        }
        if (ffDim < 1 || scorerDim < 1 || hiddenDim < 1 || classes < 2 || topkMin < 1) {
            throw new IllegalArgumentException("widths and TOPK_MIN must be at least 1 and NUM_CLASSES at least 2");
        }
        if (!(poolDropout >= 0 && poolDropout < 1) || !(fuseDropout >= 0 && fuseDropout < 1)) {
            throw new IllegalArgumentException("POOL_DROPOUT and FUSE_DROPOUT must be in [0, 1)");
        }
        if (!(topkRatio > 0 && topkRatio <= 1)) {
            throw new IllegalArgumentException("TOPK_RATIO must be in (0, 1], got " + topkRatio);
        }
    }

    public static GraderConfig nb11() {
        return new GraderConfig(768, 8, 1536, 384, 512, 6, 0.1f, 0.15f, 0.15f, 24);
    }

    public GraderConfig withoutDropout() {
        return new GraderConfig(inputDim, heads, ffDim, scorerDim, hiddenDim, classes, 0f, 0f, topkRatio, topkMin);
    }

    /** Tokens pooled from a slide of {@code n} tokens: max(1, min(max(⌊ratio·n⌋, TOPK_MIN), n)). */
    public int topK(int n) {
        int k = Math.max((int) Math.floor(topkRatio * n), topkMin);
        return Math.max(1, Math.min(k, n));
    }

    /** The state dict of scripts/python/grade_reference.py's MILModel: names and shapes in state_dict() order. */
    public Map<String, long[]> shapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        int d = inputDim;
        for (String pool : POOLS) {
            String p = pool + ".";
            s.put(p + "attn.in_proj_weight", new long[] {3L * d, d});
            s.put(p + "attn.in_proj_bias", new long[] {3L * d});
            s.put(p + "attn.out_proj.weight", new long[] {d, d});
            s.put(p + "attn.out_proj.bias", new long[] {d});
            s.put(p + "norm1.weight", new long[] {d});
            s.put(p + "norm1.bias", new long[] {d});
            s.put(p + "ffn.0.weight", new long[] {ffDim, d});
            s.put(p + "ffn.0.bias", new long[] {ffDim});
            s.put(p + "ffn.3.weight", new long[] {d, ffDim});
            s.put(p + "ffn.3.bias", new long[] {d});
            s.put(p + "norm2.weight", new long[] {d});
            s.put(p + "norm2.bias", new long[] {d});
            s.put(p + "scorer.0.weight", new long[] {scorerDim, d});
            s.put(p + "scorer.0.bias", new long[] {scorerDim});
            s.put(p + "scorer.2.weight", new long[] {1, scorerDim});
            s.put(p + "scorer.2.bias", new long[] {1});
        }
        s.put("fuse.0.weight", new long[] {hiddenDim, 2L * d});
        s.put("fuse.0.bias", new long[] {hiddenDim});
        s.put(FUSE_NORM + ".weight", new long[] {hiddenDim});
        s.put(FUSE_NORM + ".bias", new long[] {hiddenDim});
        s.put("fuse.4.weight", new long[] {hiddenDim, hiddenDim});
        s.put("fuse.4.bias", new long[] {hiddenDim});
        s.put("head.weight", new long[] {classes, hiddenDim});
        s.put("head.bias", new long[] {classes});
        return s;
    }

    /** The fusion MLP's LayerNorm (index 1 of the nn.Sequential). */
    public static final String FUSE_NORM = "fuse.1";
}
