package org.slidebatch.model.mil;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

import org.slidebatch.model.DjlArrays;

/**
 * OpenSlideFM's PANDA grading model ({@code MILModel}, OSFM-spec §15) on NDArray ops: per scale one post-norm
 * multi-head pooling block (self-attention with the key-padding mask, residual + LayerNorm, FFN + residual +
 * LayerNorm, a scorer, softmax over the top-k scores of the slide's n tokens, the weighted sum of those tokens),
 * then the fusion MLP over both pooled vectors and the class head. Names as PyTorch's state dict
 * ({@link GraderConfig#shapes()}).
 */
public final class MilGrader {

    private MilGrader() {
    }

    /** A new model with PyTorch's default initialisation drawn from {@code seed} ({@link NamedParams#init}). */
    public static NamedParams init(NDManager parent, GraderConfig c, long seed) {
        NamedParams p = NamedParams.init(parent, c.shapes(), seed);
        // NamedParams recognises LayerNorms by name; the fusion MLP's is index 1 of a Sequential: set it here.
        NDArray w = p.get(GraderConfig.FUSE_NORM + ".weight");
        w.set(ones(c.hiddenDim()));
        p.get(GraderConfig.FUSE_NORM + ".bias").set(new float[c.hiddenDim()]);
        return p;
    }

    private static float[] ones(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    /**
     * Class logits (B, classes).
     *
     * @param x05     (B, T05, d) tokens of the 0.5 µm/px scale, zero-padded at the end of each slide
     * @param len05   non-padded tokens per slide (≥ 1)
     * @param x20     (B, T20, d) tokens of the 2.0 µm/px scale
     * @param len20   non-padded tokens per slide (≥ 1)
     */
    public static NDArray forward(GraderConfig c, NamedParams p, NDArray x05, int[] len05, NDArray x20, int[] len20,
                                  boolean training) {
        NDArray z = pool(c, p, GraderConfig.POOLS[0], x05, len05, training)
            .concat(pool(c, p, GraderConfig.POOLS[1], x20, len20, training), -1);
        NDArray f = Layers.linear(z, p, "fuse.0");
        f = Layers.dropout(Activation.relu(Layers.layerNorm(f, p, GraderConfig.FUSE_NORM)), c.fuseDropout(), training);
        f = Layers.dropout(Activation.relu(Layers.linear(f, p, "fuse.4")), c.fuseDropout(), training);
        return Layers.linear(f, p, "head");
    }

    /**
     * One MultiHeadPool: (B, T, d) → (B, d). Its intermediates live in a sub-manager closed when the pool's forward
     * ends (only the pooled vectors leave it): autograd keeps what backward needs, and the rest (the attention scores
     * of 1,200-token slides, the FFN's activations) is freed before the other scale's pool and the backward run,
     * instead of being held until the step's manager closes (the same scoping as {@link Layers#encoder},
     * STACK-NOTES §14).
     */
    static NDArray pool(GraderConfig c, NamedParams p, String name, NDArray x, int[] lengths, boolean training) {
        NDManager outer = x.getManager();
        try (NDManager pm = outer.newSubManager()) {
            x.tempAttach(pm);
            NDArray out = poolIn(pm, c, p, name, x, lengths, training);
            out.attach(outer);
            return out;
        }
    }

    private static NDArray poolIn(NDManager m, GraderConfig c, NamedParams p, String name, NDArray x, int[] lengths,
                                  boolean training) {
        int b = Math.toIntExact(x.getShape().get(0));
        int t = Math.toIntExact(x.getShape().get(1));
        boolean[] pad = new boolean[b * t];
        boolean padded = false;
        for (int i = 0; i < b; i++) {
            if (lengths[i] < 1 || lengths[i] > t) {
                throw new IllegalArgumentException("slide " + i + " has " + lengths[i] + " tokens, expected 1.." + t);
            }
            for (int j = lengths[i]; j < t; j++) {
                pad[i * t + j] = true;
                padded = true;
            }
        }
        String n = name + ".";
        float drop = c.poolDropout();
        // No padded key in the batch: no mask (adding its zeros would change no bit, at a pass over the scores).
        NDArray keyMask = padded ? Layers.paddingMask(m, pad, b, t, false) : null;
        NDArray a = Layers.selfAttention(x, p, n + "attn", c.heads(), drop, training, keyMask);
        NDArray h = Layers.layerNorm(x.add(Layers.dropout(a, drop, training)), p, n + "norm1");
        NDArray ffn = Layers.linear(Layers.dropout(Activation.relu(Layers.linear(h, p, n + "ffn.0")), drop, training), p, n + "ffn.3");
        h = Layers.layerNorm(h.add(Layers.dropout(ffn, drop, training)), p, n + "norm2");
        NDArray s = Layers.linear(Activation.relu(Layers.linear(h, p, n + "scorer.0")), p, n + "scorer.2").reshape(b, t);
        // softmax over the top-k scores = softmax over all tokens with −∞ added outside the top k (their weights are
        // exactly 0, and so are their gradients); which k is picked is not differentiated, as with torch.topk.
        NDArray select = DjlArrays.owned(m, topKMask(c, s.toFloatArray(), lengths, b, t), new Shape(b, t));
        NDArray w = s.add(select).softmax(1).expandDims(2);
        return NDArrays.mul(w, h).sum(new int[] {1});
    }

    /** 0 at each slide's top-k scores among its first n tokens, −∞ elsewhere. */
    static float[] topKMask(GraderConfig c, float[] scores, int[] lengths, int b, int t) {
        float[] mask = new float[b * t];
        Arrays.fill(mask, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < b; i++) {
            int row = i * t;
            int k = c.topK(lengths[i]);
            // descending by score, ties to the lower index (stable), as torch.topk on CPU for distinct values
            Integer[] order = IntStream.range(0, lengths[i]).boxed().toArray(Integer[]::new);
            Arrays.sort(order, Comparator.comparingDouble((Integer j) -> -scores[row + j]));
            for (int j = 0; j < k; j++) {
                mask[row + order[j]] = 0f;
            }
        }
        return mask;
    }
}
