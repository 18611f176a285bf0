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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import ai.djl.ndarray.NDManager;

import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.SafeTensors;
import org.slidebatch.model.TrainableBackbone;
import org.slidebatch.model.WeightsException;
import org.slidebatch.model.mil.AggregatorConfig;
import org.slidebatch.model.mil.NamedParams;
import org.slidebatch.model.train.StepSeeds;
import org.slidebatch.model.train.TrainCheckpoint;
import org.slidebatch.model.train.TrainThreads;

/**
 * OpenSlideFM phase 2 over a cohort, restartable to the bit (OSFM-spec §8e): each epoch shuffles the slides with a
 * seed from (seed, epoch) and makes one update per slide ({@link Phase2Tiles} through {@link Phase2Step}); the mask,
 * the stochastic-depth draws and libtorch's dropout come from (seed, step). A checkpoint every
 * {@code save_every_steps} and at the end of each epoch holds the backbone, backbone teacher, aggregator student,
 * teacher, decoder, the AdamW moments of both groups, and the counters (step, epoch, slide in epoch) — the whole RNG
 * state. {@link #run} resumes from the newest checkpoint in the folder; at the end it writes the trained backbone with
 * torchvision's names ({@value #BACKBONE_FILE}, what the diagnostics gate G4 compares) and the aggregator.
 */
public final class Phase2Run {

    public static final String BACKBONE_FILE = "backbone_phase2.safetensors";
    public static final String STUDENT_FILE = "student_phase2.safetensors";
    public static final String DECODER_FILE = "decoder_phase2.safetensors";
    static final long PURPOSE_SHUFFLE = 0x5032_53485546L; // "P2SHUF": not phase 1's order
    static final long PURPOSE_TORCH = 0x5032_544F5243L;   // "P2TORC"
    private static final Pattern CHECKPOINT = Pattern.compile("p2_s(\\d+)_e\\d+(_end)?\\.safetensors");

    /**
     * @param epochs          OpenSlideFM's {@code epochs_phase2}
     * @param backboneRatio   {@code lr_backbone_ratio} (0.1)
     * @param warmup          phase-2 warm-up updates (OpenSlideFM hard-codes 200)
     * @param firstStepFullLr OpenSlideFM's first update at the full lr (§17.10)
     */
    public record Config(long seed, int epochs, double lr, double backboneRatio, long warmup, int saveEverySteps,
                         double maskFrac, boolean firstStepFullLr, Phase2Step.Settings settings) {

        public Config {
            if (epochs < 1 || saveEverySteps < 1) {
                throw new IllegalArgumentException("epochs_phase2 and save_every_steps must be at least 1");
            }
        }

        Map<String, String> identity() {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("seed", Long.toString(seed));
            m.put("epochs_phase2", Integer.toString(epochs));
            m.put("lr", Double.toString(lr));
            m.put("lr_backbone_ratio", Double.toString(backboneRatio));
            m.put("p2_warmup_steps", Long.toString(warmup));
            m.put("mask_frac", Double.toString(maskFrac));
            m.put("lr_first_step_full", Boolean.toString(firstStepFullLr));
            m.put("settings", settings.toString());
            return m;
        }
    }

    /** One slide's phase-2 input: T×3×size×size ImageNet-normalised pixels and T×3 positions. */
    public record SlideInput(float[] pixels, int tiles, int size, float[] positions) {
    }

    /** Reads a slide's phase-2 tiles (a slide that cannot be read throws; the step is skipped and logged). */
    public interface Slides {
        SlideInput load(String slideId) throws IOException, InterruptedException;
    }

    /** The weights phase 2 starts from: the backbone (timm names) and phase 1's student, teacher and decoder. */
    public record Start(Map<String, SafeTensors.Tensor> backbone, Map<String, SafeTensors.Tensor> student,
                        Map<String, SafeTensors.Tensor> teacher, Map<String, SafeTensors.Tensor> decoder) {
    }

    /** One update, as logged. */
    public record StepRecord(int epoch, long step, long totalSteps, String slideId, double lr, double backboneLr,
                             Phase2Step.StepLosses losses, int tiles, double seconds, List<String> skipped) {

        public double tilesPerSecond() {
            return seconds > 0 ? tiles / seconds : 0;
        }
    }

    /** Progress callbacks (console, database, logs); called on the training thread. */
    public interface Listener {
        default void resumed(Path checkpoint, long step) {
        }

        void step(StepRecord record);

        default void checkpoint(Path file, long step) {
        }
    }

    public record Outcome(long steps, long stepsThisRun, Path checkpoint, Path backboneFile, Path studentFile,
                          Path decoderFile, double finalLoss, double tilesPerSecond, int slides) {
    }

    private final Config config;
    private final AggregatorConfig model;
    private final Slides source;
    private final List<String> slides;
    private final Path checkpointDir;
    private final String startIdentity;
    /** The intra-op thread count this training runs on ({@link TrainThreads}): pinned at start or resume. */
    private int threads;

    /**
     * @param startIdentity names the starting weights (e.g. the SHA-256 of the phase-1 checkpoint and the backbone
     *                      file): a checkpoint of a run from other weights is refused
     */
    public Phase2Run(Config config, AggregatorConfig model, Slides source, List<String> slides, Path checkpointDir,
                     String startIdentity) {
        if (slides.isEmpty()) {
            throw new IllegalArgumentException("pretrain phase 2: no slides");
        }
        this.config = config;
        this.model = model;
        this.source = source;
        this.slides = List.copyOf(slides);
        this.checkpointDir = checkpointDir;
        this.startIdentity = startIdentity;
    }

    public long totalSteps() {
        return (long) slides.size() * config.epochs();
    }

    /** SHA-256 of the slide list, the parameters that change the weights and the starting weights' identity. */
    public String identity() {
        StringBuilder sb = new StringBuilder("phase2\n").append(startIdentity).append('\n');
        slides.forEach(s -> sb.append(s).append('\n'));
        config.identity().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        sb.append("model=").append(model).append('\n');
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Newest phase-2 checkpoint in the folder (highest step), if any. */
    public Optional<Path> latestCheckpoint() throws IOException {
        if (!Files.isDirectory(checkpointDir)) {
            return Optional.empty();
        }
        Path best = null;
        long bestStep = -1;
        try (Stream<Path> s = Files.list(checkpointDir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = CHECKPOINT.matcher(p.getFileName().toString());
                if (m.matches() && Long.parseLong(m.group(1)) > bestStep) {
                    bestStep = Long.parseLong(m.group(1));
                    best = p;
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The slide order of an epoch (1-based), from (seed, epoch) only. */
    public int[] order(int epoch) {
        return StepSeeds.permutation(StepSeeds.random(config.seed(), PURPOSE_SHUFFLE, epoch), slides.size());
    }

    public Outcome run(Start start, Listener listener) throws IOException, InterruptedException {
        Phase2Schedule schedule = Phase2Schedule.of(config.lr(), config.backboneRatio(), config.warmup(), config.epochs(),
            slides.size(), config.firstStepFullLr());
        Files.createDirectories(checkpointDir);
        try (NDManager root = DjlRuntime.engine().newBaseManager();
             TrainableBackbone backbone = TrainableBackbone.create(root, start.backbone(), true);
             TrainableBackbone backboneTeacher = TrainableBackbone.create(root, start.backbone(), false)) {
            NamedParams student = NamedParams.init(root, model.studentShapes(), 0);
            student.assign(start.student(), "", "phase-1 student");
            NamedParams teacher = NamedParams.init(root, model.studentShapes(), 0);
            teacher.assign(start.teacher(), "", "phase-1 teacher");
            NamedParams decoder = NamedParams.init(root, model.decoderShapes(), 0);
            decoder.assign(start.decoder(), "", "phase-1 decoder");
            try (Phase2Step p2 = new Phase2Step(root, model, backbone, backboneTeacher, student, teacher, decoder,
                config.settings())) {
                long step = 0;
                int epoch = 1;
                int slideInEpoch = 0;
                Path lastCheckpoint = null;
                Optional<Path> resume = latestCheckpoint();
                TrainCheckpoint resumed = resume.isPresent() ? TrainCheckpoint.read(resume.get()) : null;
                // a fresh phase 2 runs on the count phase 1 ran on (set on this thread), a resumed one on its own
                threads = TrainThreads.pin(DjlRuntime.intraOpThreads(), resumed == null ? null : resumed.metadata());
                if (resumed != null) {
                    TrainCheckpoint ck = resumed;
                    String id = ck.require("identity");
                    if (!id.equals(identity())) {
                        throw new WeightsException("checkpoint " + resume.get() + " was written for other slides, other "
                            + "starting weights or other training parameters (identity " + id.substring(0, 12)
                            + "…, this run " + identity().substring(0, 12) + "…)");
                    }
                    p2.restore(ck, resume.get().toString());
                    step = ck.requireLong("step");
                    epoch = (int) ck.requireLong("epoch");
                    slideInEpoch = (int) ck.requireLong("slide_in_epoch");
                    lastCheckpoint = resume.get();
                    listener.resumed(resume.get(), step);
                }
                long stepsAtStart = step;
                double lastLoss = Double.NaN;
                long tiles = 0;
                double seconds = 0;
                while (epoch <= config.epochs()) {
                    int[] order = order(epoch);
                    while (slideInEpoch < slides.size()) {
                        long t = step + 1;
                        long t0 = System.nanoTime();
                        String id = slides.get(order[slideInEpoch]);
                        List<String> skipped = new ArrayList<>();
                        Phase2Step.StepLosses losses = null;
                        SlideInput in = null;
                        try {
                            in = source.load(id);
                        } catch (IOException | RuntimeException e) {
                            skipped.add(id + ": " + e.getMessage());
                        }
                        double lr = schedule.aggregatorLr(t);
                        double blr = schedule.backboneLr(t);
                        if (in != null) {
                            ByolMfrTrainer.seedTorch(torchSeed(t));
                            boolean[] mask = Phase2Step.mask(in.tiles(), config.maskFrac(), Phase2Step.maskRandom(config.seed(), t));
                            losses = p2.step(in.pixels(), in.tiles(), in.size(), in.positions(), mask, (float) lr, (float) blr,
                                Phase2Step.dropPathRandom(config.seed(), t));
                            lastLoss = losses.loss();
                        }
                        step = t;
                        slideInEpoch++;
                        double s = (System.nanoTime() - t0) / 1e9;
                        int n = in == null ? 0 : in.tiles();
                        tiles += n;
                        seconds += s;
                        listener.step(new StepRecord(epoch, step, totalSteps(), id, lr, blr, losses, n, s, skipped));
                        if (step % config.saveEverySteps() == 0 && slideInEpoch < slides.size()) {
                            lastCheckpoint = save(p2, step, epoch, slideInEpoch, "p2_s" + step + "_e" + epoch, listener);
                        }
                    }
                    epoch++;
                    slideInEpoch = 0;
                    lastCheckpoint = save(p2, step, epoch, slideInEpoch, "p2_s" + step + "_e" + (epoch - 1) + "_end", listener);
                }
                Map<String, String> meta = Map.of("format", "pt", "identity", identity(), "step", Long.toString(step));
                Path backboneFile = checkpointDir.resolve(BACKBONE_FILE);
                backbone.writeTorchvision(backboneFile, meta);
                Path studentFile = checkpointDir.resolve(STUDENT_FILE);
                Path decoderFile = checkpointDir.resolve(DECODER_FILE);
                student.save(studentFile, meta);
                decoder.save(decoderFile, meta);
                return new Outcome(step, step - stepsAtStart, lastCheckpoint, backboneFile, studentFile, decoderFile,
                    lastLoss, seconds > 0 ? tiles / seconds : 0, slides.size());
            }
        }
    }

    /** libtorch's seed for update {@code t} of phase 2: its own purpose, so phase 1's step t draws differ. */
    int torchSeed(long t) {
        return StepSeeds.torchSeed(StepSeeds.derive(config.seed(), PURPOSE_TORCH, 0), t);
    }

    private Path save(Phase2Step p2, long step, int epoch, int slideInEpoch, String tag, Listener listener) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("phase", "2");
        meta.put("step", Long.toString(step));
        meta.put("epoch", Integer.toString(epoch));
        meta.put("slide_in_epoch", Integer.toString(slideInEpoch));
        meta.put("total_steps", Long.toString(totalSteps()));
        meta.put("identity", identity());
        meta.put("rng", "derived from (seed, epoch) for the shuffle and (seed, step) for everything else");
        meta.put(TrainThreads.KEY, Integer.toString(threads));
        config.identity().forEach((k, v) -> meta.put("param." + k, v));
        Path file = checkpointDir.resolve(tag + ".safetensors");
        p2.checkpoint(meta).write(file);
        listener.checkpoint(file, step);
        return file;
    }
}
