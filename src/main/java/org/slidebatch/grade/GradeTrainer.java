package org.slidebatch.grade;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;

import org.slidebatch.model.DjlArrays;
import org.slidebatch.model.mil.GraderConfig;
import org.slidebatch.model.mil.MilGrader;
import org.slidebatch.model.mil.NamedParams;
import org.slidebatch.model.train.AdamW;
import org.slidebatch.model.train.Ema;
import org.slidebatch.model.train.GradClip;

/**
 * One NB11 update (OSFM-spec §15): forward in training mode, {@link GradeLoss}, backward, gradient clipping at
 * {@code maxGradNorm} on the true gradients, AdamW, then the EMA of the weights. NB11 clips the still-scaled fp16
 * gradients (no {@code scaler.unscale_}, §17.25); we train in float32 without a scaler, so the clip is the intended
 * one. Plain Java over DJL NDArrays; dropout draws from libtorch's generator, seeded by the caller.
 */
public final class GradeTrainer implements AutoCloseable {

    /**
     * @param weightDecay WD 1e-4
     * @param emaDecay    EMA_DECAY 0.999
     * @param maxGradNorm MAX_GRAD_NORM 1.0
     */
    public record Settings(float weightDecay, float emaDecay, float maxGradNorm, GradeLoss loss) {

        public static Settings nb11() {
            return new Settings(1e-4f, 0.999f, 1.0f, GradeLoss.nb11());
        }
    }

    /** The step's loss terms (before the update) and the gradient norm before clipping. */
    public record StepResult(double loss, double focal, double dist, double mse, double gradNorm) {
    }

    private final NDManager root;
    private final GraderConfig config;
    private final NamedParams model;
    private final NamedParams ema;
    private final Settings settings;
    private final AdamW optimizer;

    /** Trains {@code model} in place; the EMA shadow starts as a copy of it. */
    public GradeTrainer(NDManager root, GraderConfig config, NamedParams model, Settings settings) {
        this.root = root;
        this.config = config;
        this.model = model;
        this.settings = settings;
        this.ema = model.copy(root);
        model.requireGradients();
        this.optimizer = new AdamW(root, model.arrays(), settings.weightDecay());
    }

    public NamedParams model() {
        return model;
    }

    public NamedParams ema() {
        return ema;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public StepResult step(GradeBatch b, float[] classWeights, float lr) {
        StepResult r;
        try (NDManager sm = root.newSubManager()) {
            NDArray x05 = DjlArrays.owned(sm, b.x05(), new Shape(b.batch(), b.t05(), b.dim()));
            NDArray x20 = DjlArrays.owned(sm, b.x20(), new Shape(b.batch(), b.t20(), b.dim()));
            GradeLoss.Parts parts;
            float loss;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray logits = MilGrader.forward(config, model, x05, b.len05(), x20, b.len20(), true);
                parts = settings.loss().compute(logits, b.grades(), classWeights);
                gc.backward(parts.total());
                loss = parts.total().getFloat();
            }
            double norm = GradClip.clip(model.arrays().values(), settings.maxGradNorm());
            r = new StepResult(loss, parts.focal(), parts.dist(), parts.mse(), norm);
            optimizer.update(lr);
            Ema.update(ema.arrays(), model.arrays(), settings.emaDecay());
        }
        return r;
    }

    @Override
    public void close() {
        optimizer.close();
        ema.close();
    }
}
