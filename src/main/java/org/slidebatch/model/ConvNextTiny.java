package org.slidebatch.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;

/**
 * ConvNeXt-Tiny (Liu et al. 2022) from DJL blocks, with the exact topology of torchvision's and timm's
 * {@code convnext_tiny} (SPEC §6):
 * <ul>
 *   <li>stem: Conv2d 3→96, 4×4 stride 4 (bias) → LayerNorm over channels (eps 1e-6);</li>
 *   <li>four stages, depths 3, 3, 9, 3, widths 96, 192, 384, 768; before stages 2–4 a downsample
 *       LayerNorm over channels → Conv2d 2×2 stride 2 (bias);</li>
 *   <li>block: depthwise Conv2d 7×7 (groups = dim, padding 3, bias) → NHWC → LayerNorm (eps 1e-6) →
 *       Linear dim→4·dim → GELU (exact, erf) → Linear 4·dim→dim → × layer scale γ (per channel) → NCHW →
 *       + input. Stochastic depth is an identity at inference; {@link #forwardTraining} applies it as torchvision;</li>
 *   <li>output ({@link FeatureHead}): global average pool of the last stage → N×768, and for
 *       {@link FeatureHead#TIMM_POOLED_LAYERNORM} the head's LayerNorm on top. No classifier Linear.</li>
 * </ul>
 * Parameters are addressed by timm's key names ({@link #parameters()}: {@code stem.0.weight},
 * {@code stages.0.blocks.0.conv_dw.weight}, …, {@code head.norm.weight}); {@link WeightsLoader} maps torchvision
 * names onto them. The feature part holds {@value #FEATURES_PARAMETER_COUNT} parameters, which is timm's and
 * torchvision's 28,589,128 for the whole classifier less the head LayerNorm (2·768) and the 1000-class Linear
 * (768·1000 + 1000).
 *
 * <p>Intermediate arrays are closed as soon as the next one exists (PyTorch reference-counts what autograd
 * still needs), so a batch does not keep every activation alive until its manager closes.
 */
public final class ConvNextTiny extends AbstractBlock {

    public static final int[] DEPTHS = {3, 3, 9, 3};
    public static final int[] DIMS = {96, 192, 384, 768};
    public static final int FEATURE_DIM = 768;
    public static final float EPS = 1e-6f;
    /** torchvision's {@code convnext_tiny} stochastic-depth rate (train mode only). */
    public static final double STOCHASTIC_DEPTH = 0.1;
    /** Parameters of stem + stages (torchvision {@code convnext_tiny().features}). */
    public static final long FEATURES_PARAMETER_COUNT = 27_818_592L;
    /** Parameters of timm/torchvision {@code convnext_tiny} with its 1000-class head. */
    public static final long IMAGENET_CLASSIFIER_PARAMETER_COUNT = 28_589_128L;

    private final FeatureHead head;
    private final Conv2d stemConv;
    private final LayerNorm stemNorm;
    private final LayerNorm[] downNorm = new LayerNorm[4];
    private final Conv2d[] downConv = new Conv2d[4];
    private final Unit[][] units = new Unit[4][];
    private final LayerNorm headNorm;
    private final Map<String, Parameter> named = new LinkedHashMap<>();

    public ConvNextTiny(FeatureHead head) {
        this.head = head;
        stemConv = addChildBlock("stem_conv", conv(DIMS[0], 4, 4, 0, 1));
        stemNorm = addChildBlock("stem_norm", channelNorm());
        name("stem.0", stemConv);
        name("stem.1", stemNorm);
        for (int s = 0; s < 4; s++) {
            if (s > 0) {
                downNorm[s] = addChildBlock("stage" + s + "_down_norm", channelNorm());
                downConv[s] = addChildBlock("stage" + s + "_down_conv", conv(DIMS[s], 2, 2, 0, 1));
                name("stages." + s + ".downsample.0", downNorm[s]);
                name("stages." + s + ".downsample.1", downConv[s]);
            }
            units[s] = new Unit[DEPTHS[s]];
            for (int b = 0; b < DEPTHS[s]; b++) {
                Unit u = addChildBlock("stage" + s + "_block" + b, new Unit(DIMS[s]));
                units[s][b] = u;
                String p = "stages." + s + ".blocks." + b + ".";
                name(p + "conv_dw", u.dw);
                name(p + "norm", u.norm);
                name(p + "mlp.fc1", u.fc1);
                name(p + "mlp.fc2", u.fc2);
                named.put(p + "gamma", u.gamma);
            }
        }
        if (head == FeatureHead.TIMM_POOLED_LAYERNORM) {
            headNorm = addChildBlock("head_norm", channelNorm(1));
            name("head.norm", headNorm);
        } else {
            headNorm = null;
        }
    }

    public FeatureHead head() {
        return head;
    }

    /** Our parameters by timm key name, in timm's state-dict order. */
    public Map<String, Parameter> parameters() {
        return Collections.unmodifiableMap(named);
    }

    /**
     * The shape of every parameter by timm key name, in state-dict order: the stem and stages, then
     * {@code head.norm.*} when {@code head} uses it. Known without building anything.
     */
    public static Map<String, long[]> expectedShapes(FeatureHead head) {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("stem.0.weight", new long[] {DIMS[0], 3, 4, 4});
        m.put("stem.0.bias", new long[] {DIMS[0]});
        m.put("stem.1.weight", new long[] {DIMS[0]});
        m.put("stem.1.bias", new long[] {DIMS[0]});
        for (int s = 0; s < 4; s++) {
            int d = DIMS[s];
            if (s > 0) {
                int prev = DIMS[s - 1];
                m.put("stages." + s + ".downsample.0.weight", new long[] {prev});
                m.put("stages." + s + ".downsample.0.bias", new long[] {prev});
                m.put("stages." + s + ".downsample.1.weight", new long[] {d, prev, 2, 2});
                m.put("stages." + s + ".downsample.1.bias", new long[] {d});
            }
            for (int b = 0; b < DEPTHS[s]; b++) {
                String p = "stages." + s + ".blocks." + b + ".";
                m.put(p + "gamma", new long[] {d});
                m.put(p + "conv_dw.weight", new long[] {d, 1, 7, 7});
                m.put(p + "conv_dw.bias", new long[] {d});
                m.put(p + "norm.weight", new long[] {d});
                m.put(p + "norm.bias", new long[] {d});
                m.put(p + "mlp.fc1.weight", new long[] {4L * d, d});
                m.put(p + "mlp.fc1.bias", new long[] {4L * d});
                m.put(p + "mlp.fc2.weight", new long[] {d, 4L * d});
                m.put(p + "mlp.fc2.bias", new long[] {d});
            }
        }
        if (head == FeatureHead.TIMM_POOLED_LAYERNORM) {
            m.put("head.norm.weight", new long[] {FEATURE_DIM});
            m.put("head.norm.bias", new long[] {FEATURE_DIM});
        }
        return m;
    }

    /**
     * Sets every parameter's initializer to the given tensors (timm names, exact shapes), so that a following
     * {@link #initialize} creates the arrays straight from them. Every parameter must be present.
     */
    public void useWeights(Map<String, SafeTensors.Tensor> weights) {
        for (Map.Entry<String, Parameter> e : named.entrySet()) {
            SafeTensors.Tensor t = weights.get(e.getKey());
            if (t == null) {
                throw new WeightsException("no value for parameter " + e.getKey());
            }
            e.getValue().setInitializer(new TensorInitializer(e.getKey(), t));
        }
    }

    /** Builds the arrays: {@code useWeights} first. Input shape only fixes the channel counts. */
    public void initialize(NDManager manager) {
        initialize(manager, DataType.FLOAT32, new Shape(1, 3, 224, 224));
    }

    // ---------------------------------------------------------------------------------------------- forward

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        return new NDList(features(ps, inputs.singletonOrThrow(), training, params, null));
    }

    /**
     * The pooled feature (N×768, plus the head LayerNorm when the head uses it) of N×3×H×W images, for training:
     * when {@code dropPath} is given, stochastic depth is active exactly as torchvision's {@code convnext_tiny} in
     * train mode ({@code StochasticDepth(p, "row")} after the layer scale of block i of the 18, p =
     * 0.1 · i / 17: each sample's residual branch is kept with probability 1 − p and then divided by 1 − p), the
     * keep/drop draws taken from {@code dropPath} in block order, sample by sample (block 0 has p = 0 and draws
     * nothing). {@code dropPath} null: no stochastic depth (eval mode, or a parity run with it off). Gradients flow
     * to every parameter whose array requires them.
     */
    public NDArray forwardTraining(ParameterStore ps, NDArray input, RandomGenerator dropPath) {
        return features(ps, input, true, null, dropPath);
    }

    /** torchvision's per-block stochastic-depth probabilities, in block order: {@code p · i / (blocks − 1)}. */
    public static double[] stochasticDepthProbabilities(double p) {
        int total = 0;
        for (int d : DEPTHS) {
            total += d;
        }
        double[] out = new double[total];
        for (int i = 0; i < total; i++) {
            out[i] = p * i / (total - 1.0);
        }
        return out;
    }

    private NDArray features(ParameterStore ps, NDArray input, boolean training, PairList<String, Object> params,
                             RandomGenerator dropPath) {
        if (input.getShape().dimension() != 4 || input.getShape().get(1) != 3) {
            throw new IllegalArgumentException("ConvNeXt-Tiny expects N×3×H×W input, got " + input.getShape());
        }
        double[] dropProb = dropPath == null ? null : stochasticDepthProbabilities(STOCHASTIC_DEPTH);
        int blockIndex = 0;
        NDArray x = stemConv.forward(ps, new NDList(input), training, params).singletonOrThrow();
        x = replace(x, channelsLayerNorm(ps, stemNorm, x, training, params));
        for (int s = 0; s < 4; s++) {
            if (s > 0) {
                x = replace(x, channelsLayerNorm(ps, downNorm[s], x, training, params));
                x = replace(x, downConv[s].forward(ps, new NDList(x), training, params).singletonOrThrow());
            }
            for (Unit u : units[s]) {
                if (dropProb == null || dropProb[blockIndex] == 0.0) {
                    x = replace(x, u.forward(ps, new NDList(x), training, params).singletonOrThrow());
                } else {
                    x = replace(x, u.forwardDropPath(ps, x, training, params, keepScale(x, dropProb[blockIndex], dropPath)));
                }
                blockIndex++;
            }
        }
        long n = x.getShape().get(0);
        long c = x.getShape().get(1);
        NDArray flat = x.reshape(n, c, -1);
        NDArray pooled = flat.mean(new int[] {2});
        flat.close();
        x.close();
        if (headNorm != null) {
            pooled = replace(pooled, headNorm.forward(ps, new NDList(pooled), training, params).singletonOrThrow());
        }
        return pooled;
    }

    /** Per-sample factor of torchvision's row-mode stochastic depth: Bernoulli(1 − p) / (1 − p), shape N×1×1×1. */
    private static NDArray keepScale(NDArray x, double p, RandomGenerator rng) {
        int n = (int) x.getShape().get(0);
        double survival = 1.0 - p;
        float scale = (float) (1.0f / (float) survival);
        float[] keep = new float[n];
        for (int i = 0; i < n; i++) {
            keep[i] = rng.nextDouble() < survival ? scale : 0f;
        }
        return DjlArrays.owned(x.getManager(), keep, new Shape(n, 1, 1, 1));
    }

    /** LayerNorm over the channel axis of an NCHW array (timm/torchvision LayerNorm2d). */
    private static NDArray channelsLayerNorm(ParameterStore ps, LayerNorm norm, NDArray x, boolean training,
                                             PairList<String, Object> params) {
        NDArray nhwc = x.transpose(0, 2, 3, 1);
        NDArray normed = norm.forward(ps, new NDList(nhwc), training, params).singletonOrThrow();
        nhwc.close();
        NDArray back = normed.transpose(0, 3, 1, 2);
        normed.close();
        return back;
    }

    private static NDArray replace(NDArray old, NDArray next) {
        if (old != next) {
            old.close();
        }
        return next;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), FEATURE_DIM)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        stemConv.initialize(manager, dataType, new Shape(1, 3, 8, 8));
        stemNorm.initialize(manager, dataType, new Shape(1, 1, 1, DIMS[0]));
        for (int s = 0; s < 4; s++) {
            if (s > 0) {
                downNorm[s].initialize(manager, dataType, new Shape(1, 1, 1, DIMS[s - 1]));
                downConv[s].initialize(manager, dataType, new Shape(1, DIMS[s - 1], 8, 8));
            }
            for (Unit u : units[s]) {
                u.initialize(manager, dataType, new Shape(1, DIMS[s], 8, 8));
            }
        }
        if (headNorm != null) {
            headNorm.initialize(manager, dataType, new Shape(1, FEATURE_DIM));
        }
    }

    // ---------------------------------------------------------------------------------------------- parts

    /** One ConvNeXt block (timm {@code ConvNeXtBlock}, torchvision {@code CNBlock}). */
    static final class Unit extends AbstractBlock {

        final int dim;
        final Conv2d dw;
        final LayerNorm norm;
        final Linear fc1;
        final Linear fc2;
        final Parameter gamma;

        Unit(int dim) {
            this.dim = dim;
            dw = addChildBlock("conv_dw", conv(dim, 7, 1, 3, dim));
            norm = addChildBlock("norm", channelNorm());
            fc1 = addChildBlock("fc1", Linear.builder().setUnits(4L * dim).optBias(true).build());
            fc2 = addChildBlock("fc2", Linear.builder().setUnits(dim).optBias(true).build());
            gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optShape(new Shape(dim)).build());
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.singletonOrThrow();
            NDArray y = branch(ps, x, training, params);
            NDArray out = x.add(y);
            y.close();
            return new NDList(out);
        }

        /** x + keep ⊙ branch(x): torchvision's CNBlock with its StochasticDepth factor {@code keep} (N×1×1×1). */
        NDArray forwardDropPath(ParameterStore ps, NDArray x, boolean training, PairList<String, Object> params, NDArray keep) {
            NDArray y = branch(ps, x, training, params);
            y = replace(y, y.mul(keep));
            keep.close();
            NDArray out = x.add(y);
            y.close();
            return out;
        }

        /** The residual branch, NCHW: dw conv → LayerNorm → fc1 → GELU → fc2 → × γ. */
        private NDArray branch(ParameterStore ps, NDArray x, boolean training, PairList<String, Object> params) {
            NDArray y = dw.forward(ps, new NDList(x), training, params).singletonOrThrow();
            y = replace(y, y.transpose(0, 2, 3, 1));
            y = replace(y, norm.forward(ps, new NDList(y), training, params).singletonOrThrow());
            y = replace(y, fc1.forward(ps, new NDList(y), training, params).singletonOrThrow());
            y = replace(y, Activation.gelu(y));
            y = replace(y, fc2.forward(ps, new NDList(y), training, params).singletonOrThrow());
            NDArray g = ps.getValue(gamma, y.getDevice(), training);
            y = replace(y, y.mul(g));
            return replace(y, y.transpose(0, 3, 1, 2));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return inputShapes;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            dw.initialize(manager, dataType, new Shape(1, dim, 8, 8));
            norm.initialize(manager, dataType, new Shape(1, 1, 1, dim));
            fc1.initialize(manager, dataType, new Shape(1, 1, 1, dim));
            fc2.initialize(manager, dataType, new Shape(1, 1, 1, 4L * dim));
        }
    }

    private static Conv2d conv(int filters, int kernel, int stride, int padding, int groups) {
        return Conv2d.builder().setFilters(filters).setKernelShape(new Shape(kernel, kernel))
            .optStride(new Shape(stride, stride)).optPadding(new Shape(padding, padding)).optGroups(groups)
            .optBias(true).build();
    }

    /** LayerNorm over the last axis of an NHWC array, eps 1e-6 (as timm and torchvision). */
    private static LayerNorm channelNorm() {
        return channelNorm(3);
    }

    private static LayerNorm channelNorm(int axis) {
        return LayerNorm.builder().axis(axis).optEpsilon(EPS).optCenter(true).optScale(true).build();
    }

    private void name(String prefix, Conv2d conv) {
        named.put(prefix + ".weight", conv.getParameters().get("weight"));
        named.put(prefix + ".bias", conv.getParameters().get("bias"));
    }

    private void name(String prefix, Linear linear) {
        named.put(prefix + ".weight", linear.getParameters().get("weight"));
        named.put(prefix + ".bias", linear.getParameters().get("bias"));
    }

    private void name(String prefix, LayerNorm norm) {
        named.put(prefix + ".weight", norm.getParameters().get("gamma"));
        named.put(prefix + ".bias", norm.getParameters().get("beta"));
    }

    /** Creates a parameter's array from a loaded tensor, checking the shape DJL asks for. */
    private record TensorInitializer(String key, SafeTensors.Tensor tensor) implements Initializer {
        @Override
        public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
            Shape have = new Shape(tensor.shape());
            if (!have.equals(shape)) {
                throw new WeightsException("parameter " + key + ": DJL expects shape " + shape + ", weights have " + have);
            }
            NDArray a = DjlArrays.owned(manager, tensor.data(), shape);
            return dataType == DataType.FLOAT32 ? a : a.toType(dataType, false);
        }
    }
}
