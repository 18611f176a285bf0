package org.slidebatch.pretrain;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

import org.slidebatch.model.DjlArrays;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.Layers;
import org.slidebatch.model.mil.MfrDecoder;
import org.slidebatch.model.mil.MilTransformer;
import org.slidebatch.model.mil.NamedParams;
import org.slidebatch.model.train.AdamW;
import org.slidebatch.model.train.Ema;

/**
 * One OpenSlideFM phase-1 update (OSFM-spec §8d): two views of the batch (feature dropout, Gaussian noise, the shared
 * mask zeroing the masked tokens), the EMA teacher on both views, the student on both, BYOL in both directions
 * against the teacher's projector plus λ × masked feature reconstruction against the teacher's tokens of the other
 * view, one AdamW update of student + decoder, then the EMA update of the teacher. Plain Java over DJL NDArrays.
 *
 * <p>Randomness inside a step (the views and every dropout mask) comes from libtorch's generator, seeded at the
 * start of the step from (run seed, step) by the caller, so no generator state outlives a step.
 */
public final class ByolMfrTrainer implements AutoCloseable {

    /** The step's losses (as computed, before the update). */
    public record StepLosses(double loss, double byol, double mfr) {
    }

    /**
     * @param viewDropout    probability of zeroing a feature value in a view (aug_dropout_p 0.1)
     * @param viewNoise      std of the Gaussian added to a view (aug_noise_std 0.02)
     * @param teacherDropout run the teacher in training mode (OpenSlideFM's behaviour, spec §17.9); false = eval
     */
    public record Settings(float weightDecay, float emaTau, float lambdaMfr, float viewDropout, float viewNoise,
                           boolean teacherDropout) {
    }

    private final AggregatorConfig config;
    private final NamedParams student;
    private final NamedParams teacher;
    private final NamedParams decoder;
    private final Settings settings;
    private final AdamW optimizer;
    private final NDManager root;

    public ByolMfrTrainer(NDManager root, AggregatorConfig config, NamedParams student, NamedParams teacher,
                          NamedParams decoder, Settings settings) {
        this.root = root;
        this.config = config;
        this.student = student;
        this.teacher = teacher;
        this.decoder = decoder;
        this.settings = settings;
        student.requireGradients();
        decoder.requireGradients();
        java.util.Map<String, NDArray> trained = new java.util.LinkedHashMap<>();
        student.arrays().forEach((k, v) -> trained.put("student." + k, v));
        decoder.arrays().forEach((k, v) -> trained.put("decoder." + k, v));
        this.optimizer = new AdamW(root, trained, settings.weightDecay());
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public NamedParams student() {
        return student;
    }

    public NamedParams teacher() {
        return teacher;
    }

    public NamedParams decoder() {
        return decoder;
    }

    /** Seeds libtorch's generator (dropout, views) for the next step. */
    public static void seedTorch(int seed) {
        Engine.getEngine("PyTorch");
        JniUtils.setSeed(seed);
    }

    /** Forward, backward, AdamW at {@code lr}, EMA. */
    public StepLosses step(Phase1Batch b, float lr) {
        org.slidebatch.model.DjlRuntime.gradOff();   // the teacher's forward records nothing, whatever thread this is
        StepLosses losses;
        try (NDManager sm = root.newSubManager()) {
            Shape tokShape = new Shape(b.batch(), b.tokens(), b.dim());
            NDArray positions = DjlArrays.owned(sm, b.positions(), new Shape(b.batch(), b.tokens(), 3));
            NDArray keyMask = Layers.paddingMask(sm, b.pad(), b.batch(), b.tokens(), false);
            NDArray poolMask = Layers.paddingMask(sm, b.pad(), b.batch(), b.tokens(), true);
            float[] maskedF = new float[b.batch() * b.tokens()];
            float[] keepF = new float[maskedF.length];
            for (int i = 0; i < maskedF.length; i++) {
                maskedF[i] = b.masked()[i] ? 1f : 0f;
                keepF[i] = b.masked()[i] || b.pad()[i] ? 0f : 1f;
            }
            NDArray masked3 = DjlArrays.owned(sm, maskedF, new Shape(b.batch(), b.tokens(), 1));
            NDArray masked2 = DjlArrays.owned(sm, maskedF, new Shape(b.batch(), b.tokens()));
            NDArray v1;
            NDArray v2;
            if (b.view1() != null) {
                v1 = DjlArrays.owned(sm, b.view1(), tokShape);
                v2 = DjlArrays.owned(sm, b.view2(), tokShape);
            } else {
                NDArray clean = DjlArrays.owned(sm, b.features(), tokShape);
                NDArray keep = DjlArrays.owned(sm, keepF, new Shape(b.batch(), b.tokens(), 1));
                v1 = view(sm, clean, keep);
                v2 = view(sm, clean, keep);
            }
            // Teacher: no gradient recorded (its arrays do not require one and no collector is open).
            AggregatorConfig tc = settings.teacherDropout() ? config : config.withDropout(0f);
            MilTransformer.Output t1 = MilTransformer.forward(tc, teacher, v1, positions, keyMask, poolMask, settings.teacherDropout());
            MilTransformer.Output t2 = MilTransformer.forward(tc, teacher, v2, positions, keyMask, poolMask, settings.teacherDropout());
            float count = b.maskedTokens();
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                MilTransformer.Output s1 = MilTransformer.forward(config, student, v1, positions, keyMask, poolMask, true);
                MilTransformer.Output s2 = MilTransformer.forward(config, student, v2, positions, keyMask, poolMask, true);
                // factors autograd saves are libtorch-owned arrays, never DJL's Number overloads (DjlArrays.scalar)
                NDArray half = DjlArrays.scalar(sm, 0.5f);
                NDArray byol = cosLoss(s1.gPred(), t2.gProj()).mean().mul(half)
                    .add(cosLoss(s2.gPred(), t1.gProj()).mean().mul(half));
                NDArray d1 = MfrDecoder.forward(config, decoder, s1.tokens(), masked3, keyMask, true);
                NDArray d2 = MfrDecoder.forward(config, decoder, s2.tokens(), masked3, keyMask, true);
                NDArray maskedCount = DjlArrays.scalar(sm, count);
                NDArray mfr = cosLoss(d1, t2.tokens()).mul(masked2).sum().div(maskedCount).mul(half)
                    .add(cosLoss(d2, t1.tokens()).mul(masked2).sum().div(maskedCount).mul(half));
                NDArray loss = byol.add(mfr.mul(DjlArrays.scalar(sm, settings.lambdaMfr())));
                gc.backward(loss);
                losses = new StepLosses(loss.getFloat(), byol.getFloat(), mfr.getFloat());
            }
            optimizer.update(lr);
            Ema.update(teacher.arrays(), student.arrays(), settings.emaTau());
        }
        return losses;
    }

    /** f ⊙ Bernoulli(1−p) + N(0, σ²), then masked and padded rows set to 0 (spec: no 1/(1−p) rescaling). */
    private NDArray view(NDManager sm, NDArray clean, NDArray keepRows) {
        NDArray keep = sm.randomUniform(0f, 1f, clean.getShape(), DataType.FLOAT32).gte(settings.viewDropout())
            .toType(DataType.FLOAT32, false);
        NDArray noise = sm.randomNormal(0f, settings.viewNoise(), clean.getShape(), DataType.FLOAT32);
        return clean.mul(keep).add(noise).mul(keepRows);
    }

    /** 1 − cos(p, z) per row along the last axis (F.normalize, eps 1e-12); z is a target (no gradient). */
    static NDArray cosLoss(NDArray p, NDArray z) {
        NDArray zs = z.stopGradient();
        NDArray eps = DjlArrays.scalar(p.getManager(), 1e-12f);   // saved by autograd: owned, see DjlArrays.scalar
        NDArray pn = p.div(p.norm(new int[] {-1}, true).maximum(eps));
        NDArray zn = zs.div(zs.norm(new int[] {-1}, true).maximum(eps));
        return pn.mul(zn).sum(new int[] {-1}).neg().add(1f);
    }

    @Override
    public void close() {
        optimizer.close();
    }
}
