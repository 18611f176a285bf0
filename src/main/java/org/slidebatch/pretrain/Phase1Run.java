package org.slidebatch.pretrain;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import ai.djl.ndarray.NDManager;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.WeightsException;
import org.slidebatch.model.mil.NamedParams;
import org.slidebatch.model.train.CosineWarmup;
import org.slidebatch.model.train.StepSeeds;
import org.slidebatch.model.train.TrainCheckpoint;
import org.slidebatch.model.train.TrainThreads;

/**
 * OpenSlideFM phase 1 over a cohort, restartable to the bit (OSFM-spec §8d, §8f fixed): each epoch shuffles the
 * slides with a seed from (seed, epoch), takes consecutive chunks of {@code batch_slides}; each step draws its masks,
 * subsets and libtorch's dropout/view noise from (seed, step). A checkpoint every {@code save_every_steps} and at the
 * end of each epoch holds student, teacher, decoder, AdamW moments and step, and the counters (step, epoch, batch
 * in epoch); those counters are the whole RNG state. {@link #run} resumes from the newest checkpoint in the folder.
 */
public final class Phase1Run {

    public static final String STUDENT = "student";
    public static final String TEACHER = "teacher";
    public static final String DECODER = "decoder";

    /** One update, as logged. */
    public record StepRecord(int epoch, long step, long totalSteps, double lr, ByolMfrTrainer.StepLosses losses,
                             long tokens, double seconds, List<String> skipped) {

        public double tokensPerSecond() {
            return seconds > 0 ? tokens / seconds : 0;
        }
    }

    /** Progress callbacks (console, database, logs); called on the training thread. */
    public interface Listener {
        /** Before the first step of this run: {@code checkpoint} is null for a fresh start. */
        default void started(Path checkpoint, long step) {
        }

        void step(StepRecord record);

        default void checkpoint(Path file, long step) {
        }
    }

    /** What the run ended with. */
    public record Outcome(long steps, long stepsThisRun, Path checkpoint, Path studentFile, Path decoderFile,
                          double finalLoss, double tokensPerSecond, int slides) {
    }

    private final PretrainParameters params;
    private final SlideTokenStore store;
    private final List<String> slides;
    private final Path checkpointDir;
    /** The intra-op thread count this training runs on ({@link TrainThreads}): pinned at start or resume. */
    private int threads;

    public Phase1Run(PretrainParameters params, SlideTokenStore store, List<String> slides, Path checkpointDir) {
        if (slides.isEmpty()) {
            throw new IllegalArgumentException("pretrain: no slide has features at both scales (0.5 and 2.0 µm/px)");
        }
        this.params = params;
        this.store = store;
        this.slides = List.copyOf(slides);
        this.checkpointDir = checkpointDir;
    }

    public long stepsPerEpoch() {
        return (slides.size() + params.batchSlides() - 1) / params.batchSlides();
    }

    public long totalSteps() {
        return stepsPerEpoch() * params.epochsPhase1();
    }

    /** SHA-256 of the slide list and the parameters that change the weights: a checkpoint of other data is refused. */
    public String identity() {
        return identity(params, slides);
    }

    public static String identity(PretrainParameters params, List<String> slides) {
        StringBuilder sb = new StringBuilder();
        slides.forEach(s -> sb.append(s).append('\n'));
        params.trainingIdentity().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Newest checkpoint in the folder (highest step), if any. */
    public Optional<Path> latestCheckpoint() throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            return Optional.empty();
        }
        Path best = null;
        long bestStep = -1;
        try (Stream<Path> s = Files.list(checkpointDir)) {
            for (Path p : (Iterable<Path>) s.filter(p -> p.getFileName().toString().matches("p1_.*\\.safetensors"))::iterator) {
                long step = stepOf(p.getFileName().toString());
                if (step > bestStep) {
                    bestStep = step;
                    best = p;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** Step count encoded in a checkpoint name {@code p1_s<step>_e<epoch>[...].safetensors}. */
    static long stepOf(String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("p1_s(\\d+)_").matcher(name);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    public Outcome run(Listener listener) throws IOException {
        DjlRuntime.engine();
        CosineWarmup schedule = new CosineWarmup(params.lr(), params.warmupSteps(), totalSteps(), params.lrFirstStepFull());
        Files.createDirectories(checkpointDir);
        try (NDManager root = DjlRuntime.engine().newBaseManager()) {
            NamedParams student = NamedParams.init(root, params.model().studentShapes(), StepSeeds.derive(params.seed(), 1, 0));
            NamedParams teacher = student.copy(root);
            NamedParams decoder = NamedParams.init(root, params.model().decoderShapes(), StepSeeds.derive(params.seed(), 2, 0));
            Map<String, NamedParams> modules = new LinkedHashMap<>();
            modules.put(STUDENT, student);
            modules.put(TEACHER, teacher);
            modules.put(DECODER, decoder);
            try (ByolMfrTrainer trainer = new ByolMfrTrainer(root, params.model(), student, teacher, decoder, params.trainerSettings())) {
                long step = 0;
                int epoch = 1;
                long batchInEpoch = 0;
                Optional<Path> resume = latestCheckpoint();
                Path lastCheckpoint = null;
                TrainCheckpoint ck = resume.isPresent() ? TrainCheckpoint.read(resume.get()) : null;
                threads = TrainThreads.pin(params.threads(), ck == null ? null : ck.metadata());
                if (ck != null) {
                    String id = ck.require("identity");
                    if (!id.equals(identity())) {
                        throw new WeightsException("checkpoint " + resume.get() + " was written for other slides or other "
                            + "training parameters (identity " + id.substring(0, 12) + "…, this run " + identity().substring(0, 12) + "…)");
                    }
                    ck.restore(modules, trainer.optimizer(), resume.get().toString());
                    step = ck.requireLong("step");
                    epoch = (int) ck.requireLong("epoch");
                    batchInEpoch = ck.requireLong("batch_in_epoch");
                    lastCheckpoint = resume.get();
                }
                listener.started(lastCheckpoint, step);
                long stepsAtStart = step;
                double lastLoss = Double.NaN;
                long tokens = 0;
                double seconds = 0;
                int b = params.batchSlides();
                while (epoch <= params.epochsPhase1()) {
                    int[] order = StepSeeds.permutation(StepSeeds.random(params.seed(), StepSeeds.SHUFFLE, epoch), slides.size());
                    while (batchInEpoch < stepsPerEpoch()) {
                        long t = step + 1;
                        long start = System.nanoTime();
                        SplittableRandom r = StepSeeds.random(params.seed(), StepSeeds.STEP, t);
                        List<SlideTokens> batch = new ArrayList<>();
                        List<String> skipped = new ArrayList<>();
                        for (int i = (int) batchInEpoch * b; i < Math.min(slides.size(), (batchInEpoch + 1) * b); i++) {
                            String id = slides.get(order[i]);
                            SlideTokens st;
                            try {
                                st = store.load(id, params.tokenBudget05(), params.tokenBudget20(), r);
                            } catch (IOException | RuntimeException e) {
                                skipped.add(id + ": " + e.getMessage());
                                continue;
                            }
                            if (st.dim() != params.model().dModel()) {
                                throw new IllegalArgumentException("pretrain: the features of " + id + " have " + st.dim()
                                    + " columns but d_model=" + params.model().dModel() + " (tokens enter the aggregator as they are)");
                            }
                            batch.add(st);
                        }
                        double lr = schedule.lr(t);
                        ByolMfrTrainer.StepLosses losses = null;
                        long stepTokens = 0;
                        if (!batch.isEmpty()) {
                            Phase1Batch pb = Phase1Batches.build(batch, params.maskFrac(), r);
                            ByolMfrTrainer.seedTorch(StepSeeds.torchSeed(params.seed(), t));
                            losses = trainer.step(pb, (float) lr);
                            stepTokens = pb.realTokens();
                            lastLoss = losses.loss();
                        }
                        step = t;
                        batchInEpoch++;
                        double s = (System.nanoTime() - start) / 1e9;
                        tokens += stepTokens;
                        seconds += s;
                        listener.step(new StepRecord(epoch, step, totalSteps(), lr, losses, stepTokens, s, skipped));
                        boolean epochEnd = batchInEpoch == stepsPerEpoch();
                        if (step % params.saveEverySteps() == 0 && !epochEnd) {
                            lastCheckpoint = save(modules, trainer, step, epoch, batchInEpoch, "p1_s" + step + "_e" + epoch, listener);
                        }
                    }
                    epoch++;
                    batchInEpoch = 0;
                    lastCheckpoint = save(modules, trainer, step, epoch, batchInEpoch, "p1_s" + step + "_e" + (epoch - 1) + "_end", listener);
                }
                Path studentFile = checkpointDir.resolve("student_final.safetensors");
                Path decoderFile = checkpointDir.resolve("decoder_final.safetensors");
                Map<String, String> meta = Map.of("format", "pt", "identity", identity(), "step", Long.toString(step));
                student.save(studentFile, meta);
                decoder.save(decoderFile, meta);
                return new Outcome(step, step - stepsAtStart, lastCheckpoint, studentFile, decoderFile, lastLoss,
                    seconds > 0 ? tokens / seconds : 0, slides.size());
            }
        }
    }

    private Path save(Map<String, NamedParams> modules, ByolMfrTrainer trainer, long step, int epoch, long batchInEpoch,
                      String tag, Listener listener) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("step", Long.toString(step));
        meta.put("epoch", Integer.toString(epoch));
        meta.put("batch_in_epoch", Long.toString(batchInEpoch));
        meta.put("total_steps", Long.toString(totalSteps()));
        meta.put("identity", identity());
        meta.put("rng", "derived from (seed, epoch) for the shuffle and (seed, step) for everything else");
        meta.put(TrainThreads.KEY, Integer.toString(threads));
        params.asMap().forEach((k, v) -> meta.put("param." + k, v));
        Path file = checkpointDir.resolve(tag + ".safetensors");
        TrainCheckpoint.of(modules, trainer.optimizer(), meta).write(file);
        listener.checkpoint(file, step);
        return file;
    }
}
