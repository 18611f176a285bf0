package org.slidebatch.model.mil;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;

import org.slidebatch.model.DjlArrays;

/**
 * PyTorch's building blocks as NDArray ops, written so that every intermediate lands in the manager of the
 * left operand (the activations', never the parameters' long-lived manager, STACK-NOTES §3).
 */
public final class Layers {

    private Layers() {
    }

    /** {@code F.linear}: x·Wᵀ + b. */
    public static NDArray linear(NDArray x, NamedParams p, String name) {
        return Linear.linear(x, p.get(name + ".weight"), p.get(name + ".bias")).singletonOrThrow();
    }

    public static NDArray layerNorm(NDArray x, NamedParams p, String name) {
        NDArray w = p.get(name + ".weight");
        return LayerNorm.layerNorm(x, new Shape(w.getShape().get(0)), w, p.get(name + ".bias"), AggregatorConfig.LAYER_NORM_EPS)
            .singletonOrThrow();
    }

    /** Linear → GELU (exact, erf) → Linear: OpenSlideFM's {@code nn.Sequential} heads ({@code name.0}, {@code name.2}). */
    public static NDArray mlp(NDArray x, NamedParams p, String name) {
        return linear(Activation.gelu(linear(x, p, name + ".0")), p, name + ".2");
    }

    /**
     * Uniforms drawn per chunk by {@link #dropout}: 1 MiB of float64. After the first one malloc serves such blocks
     * from its heap, the same block each time; larger chunks would be fresh memory every time (a page fault per 4 KiB
     * page) or would fragment the heap that libtorch's other arrays use.
     */
    static final int DROPOUT_CHUNK = 1 << 17;

    /**
     * {@code F.dropout(x, rate, training)} with the same values and gradients, bit for bit, and a quarter of the memory
     * kept for backward. libtorch's CPU dropout draws a float noise tensor ({@code bernoulli_(1 − p)}, then
     * {@code / (1 − p)}) and autograd keeps it until backward: for the attention weights of 24 slides × 1,200 tokens
     * that is 1.1 GB per pool. Here the same draws become a 1-byte keep mask: {@code bernoulli_} on this CPU is a
     * serial loop of {@code u < 1 − p} over float64 uniforms from {@code random64()} in memory order, which is what
     * {@code uniform_} draws for a float64 tensor; {@code where(mask, x · (1/(1−p)), 0)} then gives {@code x · noise}
     * (kept: the same product; dropped: 0, where {@code x · 0} is −0 for a negative x, a sign no sum or product here
     * can tell apart; the gradient likewise). The uniforms are drawn in chunks, in order, so they never exist at full
     * size. {@code x} must be contiguous (an op's output), as it always is here.
     * (Intel CPUs take libtorch's MKL path for {@code bernoulli_} instead, a different stream; this one is the same on
     * every CPU.)
     */
    public static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate == 0f) {
            return x;
        }
        double keep = 1 - (double) rate;   // at::dropout computes 1 − p in double, p widened from DJL's float
        float scale = 1f / (float) keep;   // its noise.div_(1 − p) on a float tensor: 1f / (float) (1 − p)
        NDManager m = x.getManager();
        long n = x.size();
        // where(), not x · mask: a float × bool product makes a float copy of the mask, forward and in backward
        try (NDArray mask = keepMask(m, n, keep); NDArray shaped = mask.reshape(x.getShape());
             NDArray factor = DjlArrays.scalar(m, scale); NDArray scaled = x.mul(factor); NDArray zero = m.create(0f)) {
            return NDArrays.where(shaped, scaled, zero);   // autograd keeps the mask (1 byte a value), not scaled
        }
    }

    /** n draws of {@code u < keep} (u uniform in [0, 1), float64), in order, as a flat boolean array. */
    private static NDArray keepMask(NDManager m, long n, double keep) {
        if (n <= DROPOUT_CHUNK) {
            try (NDArray u = m.randomUniform(0f, 1f, new Shape(n), DataType.FLOAT64)) {
                return u.lt(keep);
            }
        }
        NDArray mask = m.create(new Shape(n), DataType.BOOLEAN);
        for (long from = 0; from < n; from += DROPOUT_CHUNK) {
            long len = Math.min(DROPOUT_CHUNK, n - from);
            try (NDArray u = m.randomUniform(0f, 1f, new Shape(len), DataType.FLOAT64); NDArray part = u.lt(keep)) {
                mask.set(new NDIndex().addSliceDim(from, from + len), part);
            }
        }
        return mask;
    }

    /**
     * Additive key-padding mask (B,1,1,T): −∞ at padded keys, 0 elsewhere (PyTorch's {@code src_key_padding_mask}).
     * Also the (B,T,1) pooling mask with {@code forPooling}.
     */
    public static NDArray paddingMask(NDManager m, boolean[] pad, int batch, int tokens, boolean forPooling) {
        float[] v = new float[batch * tokens];
        for (int i = 0; i < v.length; i++) {
            v[i] = pad[i] ? Float.NEGATIVE_INFINITY : 0f;
        }
        return DjlArrays.owned(m, v, forPooling ? new Shape(batch, tokens, 1) : new Shape(batch, 1, 1, tokens));
    }

    /**
     * A stack of PyTorch {@code TransformerEncoderLayer(batch_first=True, norm_first=True, activation=relu)} layers
     * named {@code prefix + i + "."}: {@code x = x + drop(attn(LN1(x)))}, {@code x = x + drop(W2·drop(relu(W1·LN2(x))))}.
     * Each layer's intermediates live in a sub-manager closed after the layer (autograd keeps what backward needs):
     * DJL otherwise holds every activation until the step ends (STACK-NOTES §14).
     */
    public static NDArray encoder(NDArray x, NamedParams p, String prefix, int layers, int heads, float dropout,
                                  boolean training, NDArray keyMask) {
        NDManager outer = x.getManager();
        NDArray cur = x;
        for (int i = 0; i < layers; i++) {
            try (NDManager lm = outer.newSubManager()) {
                cur.tempAttach(lm);
                NDArray out = layer(cur, p, prefix + i + ".", heads, dropout, training, keyMask);
                out.attach(outer);
                cur = out;
            }
        }
        return cur;
    }

    static NDArray layer(NDArray x, NamedParams p, String pre, int heads, float dropout, boolean training, NDArray keyMask) {
        NDArray o = selfAttention(layerNorm(x, p, pre + "norm1"), p, pre + "self_attn", heads, dropout, training, keyMask);
        NDArray x1 = x.add(dropout(o, dropout, training));
        NDArray f = linear(dropout(Activation.relu(linear(layerNorm(x1, p, pre + "norm2"), p, pre + "linear1")), dropout, training),
            p, pre + "linear2");
        return x1.add(dropout(f, dropout, training));
    }

    /**
     * PyTorch's {@code nn.MultiheadAttention(d, heads, dropout, batch_first=True)(h, h, h, key_padding_mask)} named
     * {@code name} (fused {@code in_proj_weight}/{@code in_proj_bias}, {@code out_proj}); dropout on the attention
     * weights in training, as PyTorch does. {@code keyMask} null: no key is padded (adding its zeros changes nothing).
     *
     * <p>Memory: the (B, heads, T, T) scores are the step's largest arrays (1.1 GB for 24 slides of 1,200 tokens), and
     * backward needs only the softmax of them (and dropout's mask and output), not the scores themselves. So the mask is
     * added in place (the product is not saved by autograd) and the scores are closed as soon as the softmax exists,
     * instead of living until the caller's manager closes; every fresh array of that size also costs a page fault per
     * 4 KiB page, which is slow on this machine kind (STACK-NOTES §14).
     */
    public static NDArray selfAttention(NDArray h, NamedParams p, String name, int heads, float dropout, boolean training,
                                        NDArray keyMask) {
        long b = h.getShape().get(0);
        long t = h.getShape().get(1);
        long d = h.getShape().get(2);
        long hd = d / heads;
        NDArray qkv = Linear.linear(h, p.get(name + ".in_proj_weight"), p.get(name + ".in_proj_bias")).singletonOrThrow();
        var parts = qkv.split(3, 2);
        NDArray q;
        // PyTorch's q · hd^−½ (a float32 product); an owned factor, as autograd keeps it (DjlArrays#scalar)
        try (NDArray factor = DjlArrays.scalar(h.getManager(), (float) (1.0 / Math.sqrt(hd)))) {
            q = parts.get(0).reshape(b, t, heads, hd).transpose(0, 2, 1, 3).mul(factor);
        }
        NDArray k = parts.get(1).reshape(b, t, heads, hd).transpose(0, 2, 3, 1);
        NDArray v = parts.get(2).reshape(b, t, heads, hd).transpose(0, 2, 1, 3);
        NDArray scores = q.matMul(k);
        if (keyMask != null) {
            scores.addi(keyMask);
        }
        NDArray probs = scores.softmax(-1);
        scores.close();
        NDArray attn = dropout(probs, dropout, training);
        NDArray ctx = attn.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
        return linear(ctx, p, name + ".out_proj");
    }
}
