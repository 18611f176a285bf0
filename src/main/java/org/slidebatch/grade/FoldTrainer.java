package org.slidebatch.grade;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;


import org.slidebatch.evaluate.Metrics;
import org.slidebatch.model.DjlArrays;
import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.mil.GraderConfig;
import org.slidebatch.model.mil.MilGrader;
import org.slidebatch.model.mil.NamedParams;
import org.slidebatch.model.train.StepSeeds;
import org.slidebatch.model.train.TrainCheckpoint;
import org.slidebatch.model.train.TrainThreads;

/**
 * Trains one (fold, seed) of NB11 (OSFM-spec §15) and resumes it: per epoch a shuffled pass over the training slides
 * in batches (budget subsets and augmentation drawn from (seed, step), libtorch's dropout seeded from (seed, step)),
 * one {@link GradeTrainer} update per batch at the epoch's {@link GradeSchedule} rate, then validation with the EMA
 * weights in eval mode (loss without label smoothing, quadratic κ, accuracy). A better κ writes the EMA weights as
 * {@code best.safetensors}; after {@code patience} epochs without one the fold stops. After every epoch the whole
 * state (weights, EMA, AdamW moments and count, epoch, step, best κ, epochs without improvement) is written to
 * {@code state.safetensors}; all randomness is derived from counters, so that is the RNG state too, and a fold
 * restarted from it continues exactly as the uninterrupted run.
 */
public final class FoldTrainer {

    /** NB11's training settings (CFG names in the record's words). */
    public record Settings(GraderConfig model, GradeTrainer.Settings step, GradeSchedule schedule, GradeAugment augment,
                           int batchSlides, int patience, int budget05, int budget20, long seed) {
    }

    /** One epoch's numbers, as NB11 prints them. */
    public record Epoch(int epoch, double lr, double trainLoss, double valLoss, double valKappa, double valAccuracy,
                        boolean improved) {
    }

    /** Called after every epoch (console and database progress). */
    public interface Listener {
        void epochDone(Epoch e, int epochs);
    }

    public static final String STATE = "state.safetensors";
    public static final String BEST = "best.safetensors";

    private final NDManager root;
    private final Settings s;

    public FoldTrainer(NDManager root, Settings settings) {
        this.root = root;
        this.s = settings;
    }

    /**
     * Trains from {@code dir}'s state if there is one, up to the last epoch or early stop, or until {@code maxEpochs}
     * epochs ran in this call (a test's interruption). Returns the epochs run in this call.
     */
    public List<Epoch> train(List<GradeSlide> train, List<GradeSlide> val, Path dir, int maxEpochs, Listener listener)
        throws java.io.IOException {
        Files.createDirectories(dir);
        int[] trainGrades = train.stream().mapToInt(GradeSlide::grade).toArray();
        float[] classWeights = GradeLoss.classWeights(trainGrades, s.model().classes());
        List<Epoch> ran = new ArrayList<>();
        Path statePath = dir.resolve(STATE);
        TrainCheckpoint saved = Files.exists(statePath) ? TrainCheckpoint.read(statePath) : null;
        int before = DjlRuntime.intraOpThreads();
        int threads = TrainThreads.pin(before, saved == null ? null : saved.metadata());
        try (NamedParams model = MilGrader.init(root, s.model(), StepSeeds.derive(s.seed(), INIT, 0));
             GradeTrainer trainer = new GradeTrainer(root, s.model(), model, s.step())) {
            int epoch = 0;
            long step = 0;
            double best = Double.NEGATIVE_INFINITY;
            int noImprove = 0;
            if (saved != null) {
                TrainCheckpoint c = saved;
                c.restore(modules(trainer), trainer.optimizer(), statePath.toString());
                epoch = (int) c.requireLong("epoch");
                step = c.requireLong("step");
                best = Double.longBitsToDouble(Long.parseUnsignedLong(c.require("best_kappa_bits"), 16));
                noImprove = (int) c.requireLong("no_improve");
            }
            int epochs = s.schedule().epochs();
            while (epoch < epochs && noImprove < s.patience() && ran.size() < maxEpochs) {
                epoch++;
                float lr = (float) s.schedule().lr(epoch);
                int[] order = StepSeeds.permutation(StepSeeds.random(s.seed(), StepSeeds.SHUFFLE, epoch), train.size());
                double lossSum = 0;
                int batches = 0;
                for (int from = 0; from < order.length; from += s.batchSlides()) {
                    step++;
                    SplittableRandom r = StepSeeds.random(s.seed(), StepSeeds.STEP, step);
                    List<GradeSlide> views = new ArrayList<>();
                    for (int i = from; i < Math.min(order.length, from + s.batchSlides()); i++) {
                        views.add(s.augment().train(train.get(order[i]), s.budget05(), s.budget20(), r));
                    }
                    ai.djl.pytorch.jni.JniUtils.setSeed(StepSeeds.torchSeed(s.seed(), step));
                    lossSum += trainer.step(GradeBatch.collate(views), classWeights, lr).loss();
                    batches++;
                }
                Validation v = validate(s.model(), trainer.ema(), val, classWeights);
                boolean improved = v.kappa() > best;
                if (improved) {
                    best = v.kappa();
                    noImprove = 0;
                    trainer.ema().save(dir.resolve(BEST), Map.of("epoch", Integer.toString(epoch),
                        "kappa", Double.toString(v.kappa())));
                } else {
                    noImprove++;
                }
                Map<String, String> counters = new LinkedHashMap<>();
                counters.put("epoch", Integer.toString(epoch));
                counters.put("step", Long.toString(step));
                counters.put("best_kappa_bits", Long.toHexString(Double.doubleToRawLongBits(best)));
                counters.put("no_improve", Integer.toString(noImprove));
                counters.put("seed", Long.toString(s.seed()));
                counters.put(TrainThreads.KEY, Integer.toString(threads));
                TrainCheckpoint.of(modules(trainer), trainer.optimizer(), counters).write(statePath);
                Epoch e = new Epoch(epoch, lr, lossSum / Math.max(1, batches), v.loss(), v.kappa(), v.accuracy(), improved);
                ran.add(e);
                if (listener != null) {
                    listener.epochDone(e, epochs);
                }
            }
        } finally {
            if (threads != before) {
                DjlRuntime.setIntraOpThreads(before);   // the next fold starts on the job's count
            }
        }
        return ran;
    }

    static final long INIT = 0x494e4954L;

    private static Map<String, NamedParams> modules(GradeTrainer t) {
        Map<String, NamedParams> m = new LinkedHashMap<>();
        m.put("model", t.model());
        m.put("ema", t.ema());
        return m;
    }

    record Validation(double loss, double kappa, double accuracy) {
    }

    private Validation validate(GraderConfig c, NamedParams weights, List<GradeSlide> val, float[] classWeights) {
        double[][] prob = new double[val.size()][];
        double lossSum = 0;
        GradeLoss vl = s.step().loss().forValidation();
        for (int from = 0; from < val.size(); from += s.batchSlides()) {
            List<GradeSlide> views = new ArrayList<>();
            for (int i = from; i < Math.min(val.size(), from + s.batchSlides()); i++) {
                views.add(GradeAugment.eval(val.get(i), s.budget05(), s.budget20()));
            }
            GradeBatch b = GradeBatch.collate(views);
            try (NDManager sm = root.newSubManager()) {
                NDArray logits = logits(c, weights, sm, b);
                lossSum += vl.compute(logits, b.grades(), classWeights).total().getFloat() * b.batch();
                float[] p = logits.softmax(1).toFloatArray();
                for (int i = 0; i < b.batch(); i++) {
                    prob[from + i] = new double[c.classes()];
                    for (int k = 0; k < c.classes(); k++) {
                        prob[from + i][k] = p[i * c.classes() + k];
                    }
                }
            }
        }
        int[] y = val.stream().mapToInt(GradeSlide::grade).toArray();
        int[] pred = Metrics.argmax(prob);
        double kappa = Metrics.cohenKappa(y, pred, Metrics.KappaWeights.QUADRATIC).value();
        return new Validation(lossSum / val.size(), Double.isNaN(kappa) ? 0 : kappa, Metrics.accuracy(y, pred).value());
    }

    static NDArray logits(GraderConfig c, NamedParams weights, NDManager sm, GradeBatch b) {
        return MilGrader.forward(c, weights, DjlArrays.owned(sm, b.x05(), new Shape(b.batch(), b.t05(), b.dim())), b.len05(),
            DjlArrays.owned(sm, b.x20(), new Shape(b.batch(), b.t20(), b.dim())), b.len20(), false);
    }

    /** Softmax probabilities of {@code slides} (first-budget tokens) under the fold's best EMA weights. */
    public double[][] predict(Path dir, List<GradeSlide> slides) {
        try (NamedParams best = NamedParams.load(root, dir.resolve(BEST), "a grading MILModel", s.model().shapes())) {
            double[][] prob = new double[slides.size()][];
            for (int from = 0; from < slides.size(); from += s.batchSlides()) {
                List<GradeSlide> views = new ArrayList<>();
                for (int i = from; i < Math.min(slides.size(), from + s.batchSlides()); i++) {
                    views.add(GradeAugment.eval(slides.get(i), s.budget05(), s.budget20()));
                }
                GradeBatch b = GradeBatch.collate(views);
                try (NDManager sm = root.newSubManager()) {
                    float[] p = logits(s.model(), best, sm, b).softmax(1).toFloatArray();
                    int c = s.model().classes();
                    for (int i = 0; i < b.batch(); i++) {
                        prob[from + i] = new double[c];
                        for (int k = 0; k < c; k++) {
                            prob[from + i][k] = p[i * c + k];
                        }
                    }
                }
            }
            return prob;
        }
    }
}
