package org.slidebatch.pretrain;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.batch.Params;
import org.slidebatch.store.PassportStore;
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
 * Step {@code pretrain}: OpenSlideFM phase 1 ({@link Phase1Run}) on the workspace's features. The run folder
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
    Step pretrainStep(JobRepository repo, TrainingStore store, PassportStore passports, Workspace workspace) {
        return new StepBuilder(STEP, repo)
            .tasklet((contribution, chunk) -> {
                StepExecution se = contribution.getStepExecution();
                PretrainParameters p = parameters(se.getJobParameters());
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
                        repo.updateExecutionContext(se);
                        lastSaved[0]++;
                    });
                Phase1Run.Outcome o = phase1.run(recorder);
                // phases=1 leaves the backbone as the features step ran it: that is the run's backbone checkpoint (G4)
                var start = StartingBackbone.load(Params.string(se.getJobParameters(), "weights", null),
                    Params.bool(se.getJobParameters(), "random_weights", false), Params.seed(se.getJobParameters()));
                if (start != null) {
                    Path b = StartingBackbone.writeUntrained(dir, start, java.util.Map.of("format", "pt",
                        "step_execution_id", Long.toString(se.getId()), "phases", "1"));
                    ctx.putString(CONTEXT_BACKBONE, b.toString());
                }
                ctx.putString(CONTEXT_STUDENT, o.studentFile().toString());
                if (o.checkpoint() != null) {
                    ctx.putString(CONTEXT_CHECKPOINT, o.checkpoint().toString());
                }
                ctx.putLong("pretrain.steps", o.steps());
                ctx.putDouble("pretrain.tokens_per_s", o.tokensPerSecond());
                ctx.putString(PassportListener.NOTES, String.format(Locale.ROOT,
                    "phase 1: %d steps (%d in this execution) on %d slides, %.1f tokens/s, final loss %s; student %s",
                    o.steps(), o.stepsThisRun(), o.slides(), o.tokensPerSecond(),
                    Double.isNaN(o.finalLoss()) ? "n/a (resumed at the end)" : String.format(Locale.ROOT, "%.5f", o.finalLoss()),
                    o.studentFile()));
                contribution.incrementWriteCount(o.stepsThisRun());
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
}
