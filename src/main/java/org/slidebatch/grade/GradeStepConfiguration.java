package org.slidebatch.grade;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import ai.djl.ndarray.NDManager;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.batch.StopAtCheckpoint;
import org.slidebatch.model.DjlRuntime;
import org.slidebatch.model.train.TrainThreads;
import org.slidebatch.store.GradeStore;
import org.slidebatch.store.OutputFileStore;
import org.slidebatch.store.PassportStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.batch.infrastructure.support.transaction.ResourcelessTransactionManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Step {@code grade}: NB11's cross-validation ({@link GradeCrossValidation}) on the labels CSV joined with the
 * workspace's two-scale features ({@link GradeCohort}), then NB12's metrics. The folds train in
 * {@code grade/<run>/}, the run named by the cohort (slides, grades, providers, patients) and the parameters that
 * change the models, so a restart — or a new job on the same cohort and parameters — never retrains a finished fold
 * and resumes an interrupted one from its last epoch. The four result files are published to {@code grade/} with
 * this step execution's id ({@link GradeOutputs}) and registered as its output files. Every epoch is printed and saved in {@code grade_epoch}; the tasklet runs
 * without a surrounding transaction, so those rows are committed as they are written.
 */
@Configuration(proxyBeanMethods = false)
public class GradeStepConfiguration {

    public static final String STEP = "grade";
    public static final String STAGE_FOLDER = "grade";
    public static final String CONTEXT_RUN = "grade.run";
    public static final String CONTEXT_EPOCHS_RUN = "grade.epochs_run";
    public static final String CONTEXT_FOLDS_SKIPPED = "grade.folds_skipped";
    public static final String CONTEXT_THREADS = "grade.intra_op_threads";

    @Bean
    GradeStore gradeStore(DataSource dataSource) {
        return new GradeStore(dataSource);
    }

    @Bean
    Step gradeStep(JobRepository repo, GradeStore store, PassportStore passports, OutputFileStore files, Workspace workspace) {
        return new StepBuilder(STEP, repo)
            .tasklet((contribution, chunk) -> {
                StepExecution se = contribution.getStepExecution();
                GradeParameters p = GradeParameters.from(se.getJobParameters());
                // threads=0 is resolved once (the machine's cores) and kept in the step's context: a restart, even on a
                // host with other cores, validates and predicts on the count the first execution used (TrainThreads)
                int threads = se.getExecutionContext().containsKey(CONTEXT_THREADS)
                    ? se.getExecutionContext().getInt(CONTEXT_THREADS) : TrainThreads.resolve(p.threads(), null);
                DjlRuntime.setIntraOpThreads(threads);
                se.getExecutionContext().putInt(CONTEXT_THREADS, threads);
                GradeCohort cohort = GradeCohort.load(p.labels(), workspace.stage("features"), GradeParameters.CLASSES,
                    p.gradeColumn(), p.providerColumn());
                for (String why : cohort.skipped()) {
                    System.out.println("[grade] left out " + why);
                }
                if (cohort.slides().size() < 2 * p.folds()) {
                    throw new IllegalStateException("grade: " + cohort.slides().size() + " slides of " + p.labels()
                        + " have features at both scales under " + workspace.stage("features") + "; " + p.folds()
                        + " folds need at least " + 2 * p.folds());
                }
                int dim = cohort.slides().get(0).dim();
                GradeCrossValidation.Settings s = p.settings(dim);
                String run = runTag(p, cohort);
                Path dir = workspace.stage(STAGE_FOLDER).resolve(run);
                var ctx = se.getExecutionContext();
                ctx.putString(CONTEXT_RUN, run);
                repo.updateExecutionContext(se);
                int units = p.seeds().length * p.folds();
                System.out.printf(Locale.ROOT, "[grade] %d slides (%d left out), %d-d features, %d folds × %d seeds, "
                        + "%d epochs at most, selection on %s; run folder %s%n", cohort.slides().size(), cohort.skipped().size(),
                    dim, p.folds(), p.seeds().length, p.epochs(), p.selectOnTestFold() ? "the test fold (NB11)" : "an inner split", dir);
                long start = System.nanoTime();
                long[] epochsRun = {0};
                int[] unitsDone = {0};
                int[] skipped = {0};
                String[] current = {null};
                GradeCrossValidation.Listener listener = new GradeCrossValidation.Listener() {
                    @Override
                    public void epochDone(long seed, int fold, FoldTrainer.Epoch e, int epochs) {
                        epochsRun[0]++;
                        String unit = seed + "/" + fold;
                        if (current[0] != null && !current[0].equals(unit)) {
                            unitsDone[0]++;   // the previous (seed, fold) finished (last epoch or early stop)
                        }
                        current[0] = unit;
                        double rate = epochsRun[0] / Math.max(1e-9, (System.nanoTime() - start) / 1e9);
                        System.out.printf(Locale.ROOT, "[grade] seed %d fold%d (%d/%d) epoch %d/%d lr %.3g train_loss %.4f "
                                + "val_loss %.4f QWK %.4f acc %.4f%s | %.2f epochs/s%n", seed, fold, fold + 1, p.folds(), e.epoch(),
                            epochs, e.lr(), e.trainLoss(), e.valLoss(), e.valKappa(), e.valAccuracy(), e.improved() ? " *" : "", rate);
                        store.save(new GradeStore.EpochRow(se.getId(), run, seed, fold, e.epoch(), e.trainLoss(), e.valLoss(),
                            e.valKappa(), e.valAccuracy(), e.lr(), Instant.now()));
                        ctx.putLong("progress.done", unitsDone[0]);
                        ctx.putLong("progress.total", units);
                        ctx.putString("progress.unit", "folds");
                        ctx.putDouble("progress.rate", rate);
                        ctx.putLong(CONTEXT_EPOCHS_RUN, epochsRun[0]);
                        // the fold's state after this epoch is written: a `stop` may end the step here
                        StopAtCheckpoint.check(repo, se, dir.resolve("seed" + seed).resolve("fold" + fold));
                    }

                    @Override
                    public void foldSkipped(long seed, int fold) {
                        skipped[0]++;
                        unitsDone[0]++;
                        System.out.printf(Locale.ROOT, "[grade] seed %d fold%d (%d/%d) already trained (%s): kept%n", seed, fold, fold + 1,
                            p.folds(), dir.resolve("seed" + seed).resolve("fold" + fold));
                    }
                };
                Map<String, Object> summary;
                try (NDManager root = DjlRuntime.engine().newBaseManager()) {
                    summary = StopAtCheckpoint.stoppable(STEP,
                        () -> GradeCrossValidation.run(root, cohort.slides(), cohort.patients(), s, dir, listener));
                }
                for (Path f : GradeOutputs.publish(dir, workspace.stage(STAGE_FOLDER), se.getId())) {
                    files.register(f, null, null, STEP, se.getJobExecutionId(), se.getId());
                }
                ctx.putLong(CONTEXT_EPOCHS_RUN, epochsRun[0]);
                ctx.putLong(CONTEXT_FOLDS_SKIPPED, skipped[0]);
                ctx.putLong("progress.done", units);
                ctx.putLong("progress.total", units);
                String notes = String.format(Locale.ROOT,
                    "OOF QWK %.4f (95%% CI %.4f–%.4f, patient bootstrap, %d replicates), accuracy %.4f; %d slides, %d folds × %d seeds "
                        + "(%d trained here in %d epochs, %d kept), selection on %s; run %s",
                    (Double) summary.get("oof_kappa"), (Double) summary.get("oof_kappa_ci_low"),
                    (Double) summary.get("oof_kappa_ci_high"), p.bootstrap(), (Double) summary.get("oof_accuracy"),
                    cohort.slides().size(), p.folds(), p.seeds().length, units - skipped[0], epochsRun[0], skipped[0],
                    p.selectOnTestFold() ? "the test fold (NB11)" : "an inner split", run);
                System.out.println("[grade] " + notes);
                ctx.putString(PassportListener.NOTES, notes);
                contribution.incrementWriteCount(cohort.slides().size());
                return RepeatStatus.FINISHED;
            }, new ResourcelessTransactionManager())
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    /** The run folder's name: the first 16 hex digits of SHA-256 over the cohort and the training parameters. */
    public static String runTag(GradeParameters p, GradeCohort cohort) {
        StringBuilder sb = new StringBuilder();
        p.trainingIdentity().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        List<GradeSlide> slides = cohort.slides();
        for (int i = 0; i < slides.size(); i++) {
            GradeSlide s = slides.get(i);
            sb.append(s.id()).append('\t').append(s.grade()).append('\t').append(s.provider()).append('\t')
                .append(cohort.patients()[i]).append('\t').append(s.n05()).append('\t').append(s.n20()).append('\n');
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return "cv-" + HexFormat.of().formatHex(h).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
