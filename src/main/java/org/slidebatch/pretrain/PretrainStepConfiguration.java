package org.slidebatch.pretrain;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.batch.StopAtCheckpoint;
import org.slidebatch.batch.Params;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.TrainingStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Step {@code pretrain}: OpenSlideFM phase 1 ({@link Phase1Run}) on the workspace's features, then, with
 * {@code phases=both} (or {@code 2} after a finished phase 1), phase 2 ({@link Phase2Run}: backbone and aggregator
 * on the slides' token tiles, {@link Phase2Slides}) in {@link #phase2Folder}, whose student and backbone the context
 * then names. The run folder
 * {@code pretrain/<run>/} is named by the training identity (slides + parameters that change the weights), so a
 * restart — or a new job with the same data and parameters — resumes from its newest checkpoint; the execution
 * context names the last checkpoint ({@code pretrain.checkpoint}) and the student weights ({@code pretrain.student}).
 * The tasklet runs without a surrounding transaction: training-log rows are committed as they are written.
 */
@Configuration(proxyBeanMethods = false)
public class PretrainStepConfiguration {

    public static final String STEP = "pretrain";
    public static final String STAGE_FOLDER = "pretrain";
    public static final String CONTEXT_CHECKPOINT = "pretrain.checkpoint";
    public static final String CONTEXT_STUDENT = "pretrain.student";
    public static final String CONTEXT_RUN = "pretrain.run";
    public static final String CONTEXT_BACKBONE = "pretrain.backbone";

    @Bean
    Step pretrainStep(JobRepository repo, TrainingStore store, PassportStore passports, Workspace workspace,
                      SlideStore slideStore) {
        return new StepBuilder(STEP, repo)
            .tasklet((contribution, chunk) -> {
                StepExecution se = contribution.getStepExecution();
                PretrainParameters p = parameters(se.getJobParameters());
                Phase2Parameters p2 = phase2Parameters(se.getJobParameters());
                String given = Params.string(se.getJobParameters(), "aggregator_weights", null);
                if (given != null) {
                    String why = "not trained: aggregator_weights=" + given + " is embedded instead";
                    System.out.println("[pretrain] " + why);
                    se.getExecutionContext().putString(PassportListener.NOTES, why);
                    return RepeatStatus.FINISHED;
                }
                SlideTokenStore tokens = tokenStore(workspace, p.positions());
                List<String> slides = tokens.slides();
                String run = runTag(p, slides);
                Path dir = workspace.stage(STAGE_FOLDER).resolve(run);
                var ctx = se.getExecutionContext();
                ctx.putString(CONTEXT_RUN, run);
                System.out.printf(Locale.ROOT, "[pretrain] %d slides with features at both scales, %s, run folder %s%n",
                    slides.size(), p.model(), dir);
                Phase1Run phase1 = new Phase1Run(p, tokens, slides, dir);
                long[] lastSaved = {0};
                long startNanos = System.nanoTime();
                long[] stepsHere = {0};
                TrainingRecorder recorder = new TrainingRecorder(store, se.getId(), run, dir, p.logEverySteps(), System.out,
                    r -> {
                        ctx.putLong("progress.done", r.step());
                        ctx.putLong("progress.total", r.totalSteps());
                        ctx.putString("progress.unit", "steps");
                        stepsHere[0]++;
                        double rate = stepsHere[0] / Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
                        ctx.putDouble("progress.rate", rate);
                        ctx.putLong("progress.eta_seconds", Math.round((r.totalSteps() - r.step()) / rate));
                        ctx.putDouble("progress.tokens_per_s", r.tokensPerSecond());
                        if (r.step() % p.logEverySteps() == 0) {
                            repo.updateExecutionContext(se);
                        }
                    },
                    file -> {
                        ctx.putString(CONTEXT_CHECKPOINT, file.toString());
                        lastSaved[0]++;
                        StopAtCheckpoint.check(repo, se, file);
                    });
                Phase1Run.Outcome o;
                if (p2.runsPhase1()) {
                    o = StopAtCheckpoint.stoppable(STEP, () -> phase1.run(recorder));
                } else {
                    o = finishedPhase1(phase1, dir, slides.size());
                }
                var jp = se.getJobParameters();
                String weights = Params.string(jp, "weights", null);
                boolean random = Params.bool(jp, "random_weights", false);
                var start = StartingBackbone.load(weights, random, Params.seed(jp));
                String notes = String.format(Locale.ROOT,
                    "phase 1: %d steps (%d in this execution) on %d slides, %.1f tokens/s, final loss %s; student %s",
                    o.steps(), o.stepsThisRun(), o.slides(), o.tokensPerSecond(),
                    Double.isNaN(o.finalLoss()) ? "n/a (resumed at the end)" : String.format(Locale.ROOT, "%.5f", o.finalLoss()),
                    o.studentFile());
                ctx.putString(CONTEXT_STUDENT, o.studentFile().toString());
                if (o.checkpoint() != null) {
                    ctx.putString(CONTEXT_CHECKPOINT, o.checkpoint().toString());
                }
                ctx.putLong("pretrain.steps", o.steps());
                ctx.putDouble("pretrain.tokens_per_s", o.tokensPerSecond());
                long written = o.stepsThisRun();
                if (!p2.runsPhase2()) {
                    // phases=1 leaves the backbone as the features step ran it: that is the run's backbone checkpoint (G4)
                    if (start != null) {
                        Path b = StartingBackbone.writeUntrained(dir, start, java.util.Map.of("format", "pt",
                            "step_execution_id", Long.toString(se.getId()), "phases", "1"));
                        ctx.putString(CONTEXT_BACKBONE, b.toString());
                    }
                } else {
                    if (start == null) {
                        throw new IllegalArgumentException("pretrain: phases=" + p2.phases() + " trains the ConvNeXt "
                            + "backbone: give the weights the features step used (weights=FILE or random_weights=true)");
                    }
                    Path dir2 = phase2Folder(dir, p, p2, jp);
                    Files.createDirectories(dir2);
                    var ck = org.slidebatch.model.train.TrainCheckpoint.read(o.checkpoint());
                    var begin = new Phase2Run.Start(start, ck.module(Phase1Run.STUDENT + "."),
                        ck.module(Phase1Run.TEACHER + "."), ck.module(Phase1Run.DECODER + "."));
                    String startIdentity = "phase1=" + ck.require("identity") + "\nbackbone="
                        + (weights != null ? "sha256:" + org.slidebatch.model.WeightsLoader.sha256(Path.of(weights))
                        : "random_weights seed=" + Params.seed(jp)) + "\n" + p2.asMap();
                    ExecutorService readers = Executors.newFixedThreadPool(2);
                    try {
                        var source = new Phase2Slides(workspace.stage("tiles"), id -> slideStore.find(id)
                            .map(r -> r.path() == null ? null : Path.of(r.path())).orElse(null), p2.tilesPerSlide(),
                            p.seed(), p2.tileSize(), p.positions(), readers);
                        Phase2Run phase2 = new Phase2Run(p2.runConfig(p), p.model(), source, slides, dir2, startIdentity);
                        System.out.printf(Locale.ROOT, "[pretrain] phase 2: %d slides × %d epochs, %d tiles of %d px per slide, "
                            + "folder %s%n", slides.size(), p2.epochsPhase2(), p2.tilesPerSlide(), p2.tileSize(), dir2);
                        TrainingRecorder rec2 = new TrainingRecorder(store, se.getId(), run, dir2, p.logEverySteps(), System.out,
                            r -> {
                                ctx.putLong("progress.done", r.step());
                                ctx.putLong("progress.total", r.totalSteps());
                                ctx.putString("progress.unit", "phase-2 steps");
                                if (r.step() % p.logEverySteps() == 0) {
                                    repo.updateExecutionContext(se);
                                }
                            },
                            file -> {
                                ctx.putString(CONTEXT_CHECKPOINT, file.toString());
                                StopAtCheckpoint.check(repo, se, file);
                            });
                        Phase2Run.Listener l2 = rec2.phase2();
                        if (phase2.latestCheckpoint().isEmpty()) {
                            l2.resumed(null, 0); // a fresh phase 2: drop rows of an attempt that crashed before its first checkpoint
                        }
                        Phase2Run.Outcome o2 = StopAtCheckpoint.stoppable(STEP, () -> phase2.run(begin, l2));
                        ctx.putString(CONTEXT_STUDENT, o2.studentFile().toString());
                        ctx.putString(CONTEXT_BACKBONE, o2.backboneFile().toString());
                        if (o2.checkpoint() != null) {
                            ctx.putString(CONTEXT_CHECKPOINT, o2.checkpoint().toString());
                        }
                        ctx.putLong("pretrain.phase2_steps", o2.steps());
                        ctx.putDouble("pretrain.phase2_tiles_per_s", o2.tilesPerSecond());
                        written += o2.stepsThisRun();
                        notes += String.format(Locale.ROOT, "; phase 2: %d steps (%d in this execution), %.1f tiles/s, "
                            + "final loss %s; student %s, backbone %s", o2.steps(), o2.stepsThisRun(), o2.tilesPerSecond(),
                            Double.isNaN(o2.finalLoss()) ? "n/a (resumed at the end)"
                                : String.format(Locale.ROOT, "%.5f", o2.finalLoss()), o2.studentFile(), o2.backboneFile());
                    } finally {
                        readers.shutdownNow();
                    }
                }
                ctx.putString(PassportListener.NOTES, notes);
                contribution.incrementWriteCount(written);
                return RepeatStatus.FINISHED;
            }, new ResourcelessTransactionManager())
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    public static PretrainParameters parameters(JobParameters jp) {
        return PretrainParameters.from(k -> Params.string(jp, k, null));
    }

    public static Phase2Parameters phase2Parameters(JobParameters jp) {
        return Phase2Parameters.from(k -> Params.string(jp, k, null));
    }

    public static SlideTokenStore tokenStore(Workspace workspace, TokenPositions positions) {
        return new SlideTokenStore(workspace.stage("features"), workspace.stage("tiles"), positions);
    }

    /** The run folder's name: the first 16 hex digits of the training identity. */
    public static String runTag(PretrainParameters p, List<String> slides) {
        return "p1-" + Phase1Run.identity(p, slides).substring(0, 16);
    }

    /** The student weights of the run these parameters and this workspace's slides make (embed's default weights). */
    public static Path studentFile(Workspace workspace, PretrainParameters p) throws java.io.IOException {
        List<String> slides = tokenStore(workspace, p.positions()).slides();
        return workspace.stage(STAGE_FOLDER).resolve(runTag(p, slides)).resolve("student_final.safetensors");
    }

    /** As {@link #studentFile(Workspace, PretrainParameters)}, but phase 2's student when the job's phases include 2. */
    public static Path studentFile(Workspace workspace, JobParameters jp) throws java.io.IOException {
        PretrainParameters p = parameters(jp);
        Phase2Parameters p2 = phase2Parameters(jp);
        if (!p2.runsPhase2()) {
            return studentFile(workspace, p);
        }
        List<String> slides = tokenStore(workspace, p.positions()).slides();
        Path dir = workspace.stage(STAGE_FOLDER).resolve(runTag(p, slides));
        return phase2Folder(dir, p, p2, jp).resolve(Phase2Run.STUDENT_FILE);
    }

    /**
     * Phase 2's folder inside the phase-1 run folder, named by what phase 2 adds (its parameters and the starting
     * backbone as given): another phase 2 from the same phase 1 gets its own folder; a restart finds its checkpoints.
     */
    public static Path phase2Folder(Path runFolder, PretrainParameters p, Phase2Parameters p2, JobParameters jp) {
        String id = p2.asMap() + "\n" + p2.runConfig(p).identity() + "\nweights=" + Params.string(jp, "weights", "")
            + "\nrandom_weights=" + Params.bool(jp, "random_weights", false) + "\nseed=" + Params.seed(jp);
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(id.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return runFolder.resolve("p2-" + java.util.HexFormat.of().formatHex(h).substring(0, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** phases=2: phase 1 must have finished in this run folder (an earlier job with phases=1 and the same parameters). */
    private static Phase1Run.Outcome finishedPhase1(Phase1Run phase1, Path dir, int slideCount) throws java.io.IOException {
        var last = phase1.latestCheckpoint();
        Path student = dir.resolve("student_final.safetensors");
        if (last.isEmpty() || !Files.isRegularFile(student)
            || org.slidebatch.model.train.TrainCheckpoint.read(last.get()).requireLong("step") != phase1.totalSteps()) {
            throw new IllegalStateException("pretrain: phases=2 starts from a finished phase 1, but " + dir + " has none "
                + "(run phases=1 or phases=both first with the same parameters)");
        }
        return new Phase1Run.Outcome(phase1.totalSteps(), 0, last.get(), student, dir.resolve("decoder_final.safetensors"),
            Double.NaN, 0, slideCount);
    }
}
