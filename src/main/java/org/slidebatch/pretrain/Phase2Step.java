package org.slidebatch.pretrain;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;

import org.slidebatch.model.ConvNextTiny;
import org.slidebatch.model.DjlArrays;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.TrainableBackbone;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.Layers;
import org.slidebatch.model.mil.MfrDecoder;
import org.slidebatch.model.mil.MilTransformer;
import org.slidebatch.model.mil.NamedParams;
import org.slidebatch.model.train.AdamW;
import org.slidebatch.model.train.Ema;
import org.slidebatch.model.train.StepSeeds;
import org.slidebatch.model.train.TrainCheckpoint;

/**
 * One OpenSlideFM phase-2 update (OSFM-spec §8e) on one slide's raw tiles, end to end through the backbone:
 * <ol>
 *   <li>{@code feats_s = backbone(tiles)} in train mode (stochastic depth 0.1, with gradient);
 *       {@code feats_t = backbone_teacher(tiles)} in eval mode (no gradient);</li>
 *   <li>the masked tokens ({@code max(1, round(0.25·T))}) are zeroed in the <em>student's</em> input only;</li>
 *   <li>{@code L = cos_loss(p_s, g_t) + λ · cos_loss(decoder(enc_s)[masked], enc_t[masked])} — one direction;</li>
 *   <li>AdamW with two parameter groups: student aggregator + decoder at {@code lr}, backbone at the backbone lr
 *       (two optimizers over disjoint parameters are PyTorch's one AdamW with two groups);</li>
 *   <li>EMA of the teacher from the student and of the backbone teacher from the backbone (τ 0.996).</li>
 * </ol>
 * Randomness: the mask from (seed, step) and the stochastic-depth draws from (seed, step) through Java generators,
 * dropout from libtorch's generator seeded per step by the caller — nothing outlives a step.
 */
public final class Phase2Step implements AutoCloseable {

    static final long PURPOSE_MASK = 0x5032_4D41534BL;      // "P2MASK"
    static final long PURPOSE_DROP_PATH = 0x5032_44524F50L; // "P2DROP"

    /**
     * @param stochasticDepth torchvision's train-mode stochastic depth in the student backbone (true as OpenSlideFM;
     *                        false for parity runs)
     * @param teacherDropout  the aggregator teacher in training mode (OpenSlideFM never calls eval(), §17.9)
     */
    public record Settings(float weightDecay, float emaTau, float lambdaMfr, boolean stochasticDepth, boolean teacherDropout) {
    }

    public record StepLosses(double loss, double byol, double mfr, int tiles) {
    }

    private final NDManager root;
    private final AggregatorConfig config;
    private final TrainableBackbone backbone;
    private final TrainableBackbone backboneTeacher;
    private final NamedParams student;
    private final NamedParams teacher;
    private final NamedParams decoder;
    private final Settings settings;
    private final AdamW aggregatorOptimizer;
    private final AdamW backboneOptimizer;

    public Phase2Step(NDManager root, AggregatorConfig config, TrainableBackbone backbone, TrainableBackbone backboneTeacher,
                      NamedParams student, NamedParams teacher, NamedParams decoder, Settings settings) {
        if (!backbone.trainable() || backboneTeacher.trainable()) {
            throw new IllegalArgumentException("phase 2 needs a trainable backbone and a frozen backbone teacher");
        }
        if (config.dModel() != ConvNextTiny.FEATURE_DIM) {
            throw new IllegalArgumentException("phase 2 feeds ConvNeXt-Tiny features (768) to the aggregator, whose d_model is "
                + config.dModel());
        }
        this.root = root;
        this.config = config;
        this.backbone = backbone;
        this.backboneTeacher = backboneTeacher;
        this.student = student;
        this.teacher = teacher;
        this.decoder = decoder;
        this.settings = settings;
        student.requireGradients();
        decoder.requireGradients();
        Map<String, NDArray> aggregator = new LinkedHashMap<>();
        student.arrays().forEach((k, v) -> aggregator.put("student." + k, v));
        decoder.arrays().forEach((k, v) -> aggregator.put("decoder." + k, v));
        this.aggregatorOptimizer = new AdamW(root, aggregator, settings.weightDecay());
        this.backboneOptimizer = new AdamW(root, arrays(backbone, "backbone."), settings.weightDecay());
    }

    static Map<String, NDArray> arrays(TrainableBackbone b, String prefix) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : b.parameters().entrySet()) {
            out.put(prefix + e.getKey(), e.getValue().getArray());
        }
        return out;
    }

    public AdamW aggregatorOptimizer() {
        return aggregatorOptimizer;
    }

    public AdamW backboneOptimizer() {
        return backboneOptimizer;
    }

    /** OpenSlideFM's mask of a T-token slide: {@code max(1, round(0.25·T))} distinct tokens (round half to even). */
    public static boolean[] mask(int tokens, double maskFrac, SplittableRandom r) {
        int count = (int) Math.max(1, Math.rint(maskFrac * tokens));
        boolean[] m = new boolean[tokens];
        for (int i : StepSeeds.choose(r, tokens, Math.min(count, tokens))) {
            m[i] = true;
        }
        return m;
    }

    /** The mask and stochastic-depth generators of global step {@code step} of a run with {@code seed}. */
    public static SplittableRandom maskRandom(long seed, long step) {
        return StepSeeds.random(seed, PURPOSE_MASK, step);
    }

    public static SplittableRandom dropPathRandom(long seed, long step) {
        return StepSeeds.random(seed, PURPOSE_DROP_PATH, step);
    }

    /**
     * Forward, backward, the two AdamW groups at {@code lr} / {@code backboneLr}, both EMAs.
     *
     * @param pixels    T×3×size×size tiles (ImageNet-normalised)
     * @param positions T×3 (cx_mm, cy_mm, scale_um)
     * @param masked    T flags
     */
    public StepLosses step(float[] pixels, int tiles, int size, float[] positions, boolean[] masked, float lr,
                           float backboneLr, RandomGenerator dropPath) {
        StepLosses losses;
        try (NDManager sm = root.newSubManager()) {
            NDArray x = DjlArrays.owned(sm, pixels, new Shape(tiles, 3, size, size));
            NDArray pos = DjlArrays.owned(sm, positions, new Shape(1, tiles, 3));
            boolean[] pad = new boolean[tiles];
            NDArray keyMask = Layers.paddingMask(sm, pad, 1, tiles, false);
            NDArray poolMask = Layers.paddingMask(sm, pad, 1, tiles, true);
            float[] m = new float[tiles];
            int count = 0;
            for (int i = 0; i < tiles; i++) {
                m[i] = masked[i] ? 1f : 0f;
                count += masked[i] ? 1 : 0;
            }
            NDArray masked3 = DjlArrays.owned(sm, m, new Shape(1, tiles, 1));
            NDArray masked2 = DjlArrays.owned(sm, m, new Shape(1, tiles));
            NDArray keep3 = masked3.neg().add(1f);
            // Teachers: no gradient recorded (frozen arrays, no collector open); the backbone teacher in eval mode.
            NDArray featsT = backboneTeacher.forward(x, false, null).reshape(1, tiles, ConvNextTiny.FEATURE_DIM);
            AggregatorConfig tc = settings.teacherDropout() ? config : config.withDropout(0f);
            MilTransformer.Output t = MilTransformer.forward(tc, teacher, featsT, pos, keyMask, poolMask, settings.teacherDropout());
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray featsS = backbone.forward(x, true, settings.stochasticDepth() ? dropPath : null)
                    .reshape(1, tiles, ConvNextTiny.FEATURE_DIM);
                MilTransformer.Output s = MilTransformer.forward(config, student, featsS.mul(keep3), pos, keyMask, poolMask, true);
                NDArray byol = ByolMfrTrainer.cosLoss(s.gPred(), t.gProj()).mean();
                NDArray d = MfrDecoder.forward(config, decoder, s.tokens(), masked3, keyMask, true);
                // factors autograd saves are libtorch-owned arrays, never DJL's Number overloads (DjlArrays.scalar)
                NDArray mfr = ByolMfrTrainer.cosLoss(d, t.tokens()).mul(masked2).sum().div(DjlArrays.scalar(sm, (float) count));
                NDArray loss = byol.add(mfr.mul(DjlArrays.scalar(sm, settings.lambdaMfr())));
                gc.backward(loss);
                losses = new StepLosses(loss.getFloat(), byol.getFloat(), mfr.getFloat(), tiles);
            }
            aggregatorOptimizer.update(lr);
            backboneOptimizer.update(backboneLr);
            Ema.update(teacher.arrays(), student.arrays(), settings.emaTau());
            Ema.update(arrays(backboneTeacher, ""), arrays(backbone, ""), settings.emaTau());
        }
        return losses;
    }

    /**
     * Everything the next phase-2 step depends on, as one checkpoint: the aggregator student, teacher and decoder
     * ({@code student.*}, {@code teacher.*}, {@code decoder.*}) with the aggregator group's AdamW moments
     * ({@code optimizer.*}), the backbone and backbone teacher ({@code backbone.*}, {@code backbone_teacher.*}, timm
     * names) with the backbone group's moments ({@code optimizer_backbone.*}), both update counts and the caller's
     * counters (step, epoch, position). Randomness needs no state: each step's draws come from (seed, step).
     */
    public TrainCheckpoint checkpoint(Map<String, String> counters) {
        TrainCheckpoint agg = TrainCheckpoint.of(modules(), aggregatorOptimizer, counters);
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>(agg.tensors());
        backbone.weights().forEach((k, v) -> t.put("backbone." + k, v));
        backboneTeacher.weights().forEach((k, v) -> t.put("backbone_teacher." + k, v));
        t.putAll(backboneOptimizer.stateTensors("optimizer_backbone."));
        Map<String, String> meta = new LinkedHashMap<>(agg.metadata());
        meta.put("optimizer_backbone_step", Long.toString(backboneOptimizer.step()));
        return new TrainCheckpoint(t, meta);
    }

    /** Puts a {@link #checkpoint} back in place. */
    public void restore(TrainCheckpoint c, String source) {
        c.restore(modules(), aggregatorOptimizer, source);
        backbone.assign(c.tensors(), "backbone.", source);
        backboneTeacher.assign(c.tensors(), "backbone_teacher.", source);
        backboneOptimizer.loadState(c.tensors(), "optimizer_backbone.", c.requireLong("optimizer_backbone_step"), source);
    }

    private Map<String, NamedParams> modules() {
        Map<String, NamedParams> m = new LinkedHashMap<>();
        m.put("student", student);
        m.put("teacher", teacher);
        m.put("decoder", decoder);
        return m;
    }

    @Override
    public void close() {
        aggregatorOptimizer.close();
        backboneOptimizer.close();
    }
}
