package org.slidebatch.model.mil;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Dimensions of OpenSlideFM's slide aggregator (MILTransformer) and its MFR decoder (OSFM-spec §8c). The defaults
 * ({@link #openSlideFm()}) are the spec's; tests and the demo use small ones.
 *
 * @param dModel       token width (768: the ConvNeXt-Tiny feature size)
 * @param heads        attention heads of the aggregator (8, head dim 96)
 * @param layers       pre-norm encoder layers of the aggregator (6)
 * @param ffMult       feed-forward width = ffMult · width (4 → 3072), also for the decoder (1536)
 * @param dropout      dropout of the encoder layers (residual, feed-forward and attention; 0.1)
 * @param decDim       width of the MFR decoder (384)
 * @param decHeads     heads of the decoder (4)
 * @param decLayers    layers of the decoder (2)
 */
public record AggregatorConfig(int dModel, int heads, int layers, int ffMult, float dropout, int decDim, int decHeads,
                               int decLayers) {

    /** PyTorch's LayerNorm default. */
    public static final float LAYER_NORM_EPS = 1e-5f;

    public AggregatorConfig {
        if (dModel < 2 || dModel % 2 != 0 || heads < 1 || dModel % heads != 0) {
            throw new IllegalArgumentException("d_model must be even and divisible by n_heads, got d_model " + dModel
                + ", n_heads " + heads);
        }
        if (decDim < 1 || decHeads < 1 || decDim % decHeads != 0) {
            throw new IllegalArgumentException("d_dec must be divisible by the decoder heads, got " + decDim + "/" + decHeads);
        }
        if (layers < 1 || decLayers < 1 || ffMult < 1) {
            throw new IllegalArgumentException("n_layers, decoder layers and ff_mult must be at least 1");
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
        }
    }

    public static AggregatorConfig openSlideFm() {
        return new AggregatorConfig(768, 8, 6, 4, 0.1f, 384, 4, 2);
    }

    public AggregatorConfig withDropout(float p) {
        return new AggregatorConfig(dModel, heads, layers, ffMult, p, decDim, decHeads, decLayers);
    }

    /** The student/teacher state dict: PyTorch's names and shapes, in {@code state_dict()} order. */
    public Map<String, long[]> studentShapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        int d = dModel;
        s.put("pos.proj.0.weight", new long[] {d / 2, 3});
        s.put("pos.proj.0.bias", new long[] {d / 2});
        s.put("pos.proj.2.weight", new long[] {d, d / 2});
        s.put("pos.proj.2.bias", new long[] {d});
        encoderShapes(s, "enc.layers.", layers, d, d * ffMult);
        s.put("ln.weight", new long[] {d});
        s.put("ln.bias", new long[] {d});
        for (String head : new String[] {"proj_global", "pred_global"}) {
            s.put(head + ".0.weight", new long[] {d, d});
            s.put(head + ".0.bias", new long[] {d});
            s.put(head + ".2.weight", new long[] {d, d});
            s.put(head + ".2.bias", new long[] {d});
        }
        return s;
    }

    /**
     * The MFR decoder's state dict. The spec names the pieces but not the attributes, so these names are ours
     * ({@code proj_in}, {@code mask_token}, {@code enc.layers.N…}, {@code ln}, {@code proj_out}); the reference
     * module in scripts/python/osfm_reference.py uses the same.
     */
    public Map<String, long[]> decoderShapes() {
        Map<String, long[]> s = new LinkedHashMap<>();
        s.put("mask_token", new long[] {1, 1, decDim});
        s.put("proj_in.weight", new long[] {decDim, dModel});
        s.put("proj_in.bias", new long[] {decDim});
        encoderShapes(s, "enc.layers.", decLayers, decDim, decDim * ffMult);
        s.put("ln.weight", new long[] {decDim});
        s.put("ln.bias", new long[] {decDim});
        s.put("proj_out.weight", new long[] {dModel, decDim});
        s.put("proj_out.bias", new long[] {dModel});
        return s;
    }

    private static void encoderShapes(Map<String, long[]> s, String prefix, int n, int d, int ff) {
        for (int i = 0; i < n; i++) {
            String p = prefix + i + ".";
            s.put(p + "self_attn.in_proj_weight", new long[] {3L * d, d});
            s.put(p + "self_attn.in_proj_bias", new long[] {3L * d});
            s.put(p + "self_attn.out_proj.weight", new long[] {d, d});
            s.put(p + "self_attn.out_proj.bias", new long[] {d});
            s.put(p + "linear1.weight", new long[] {ff, d});
            s.put(p + "linear1.bias", new long[] {ff});
            s.put(p + "linear2.weight", new long[] {d, ff});
            s.put(p + "linear2.bias", new long[] {d});
            s.put(p + "norm1.weight", new long[] {d});
            s.put(p + "norm1.bias", new long[] {d});
            s.put(p + "norm2.weight", new long[] {d});
            s.put(p + "norm2.bias", new long[] {d});
        }
    }

    public static long count(Map<String, long[]> shapes) {
        long n = 0;
        for (long[] shape : shapes.values()) {
            long e = 1;
            for (long x : shape) {
                e *= x;
            }
            n += e;
        }
        return n;
    }
}
