package org.slidebatch.evaluate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.store.EvalStore;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideStepStatus;
import org.slidebatch.store.SlideStore;
import org.slidebatch.workspace.AtomicFiles;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Steps of job {@code evaluate}: {@code evaluate.split} (draw the seeded outer splits, store them),
 * {@code evaluate.folds} (one fold task per transaction: a finished fold is never refitted after a restart; each
 * fit start is counted in {@code eval_fit}) and {@code evaluate.report} (summary metrics, bootstrap intervals and
 * the files under {@code evaluation/<protocol>/}, from the stored results only).
 */
@Configuration(proxyBeanMethods = false)
public class EvaluateStepConfiguration {

    public static final String SPLIT_STEP = "evaluate.split";
    public static final String FOLDS_STEP = "evaluate.folds";
    public static final String REPORT_STEP = "evaluate.report";
    public static final String STAGE_FOLDER = "evaluation";
    /** Job-context key: the embeddings folder a chain's own embed step wrote, the default of {@code embeddings}. */
    public static final String CHAIN_EMBEDDINGS = "evaluate.embeddings";

    @Bean
    EvalStore evalStore(DataSource dataSource) {
        return new EvalStore(dataSource);
    }

    @Bean
    Step evaluateSplitStep(JobRepository repo, PlatformTransactionManager tx, EvalStore store, Workspace workspace,
                           PassportStore passports, SlideStore slides) {
        return new StepBuilder(SPLIT_STEP, repo)
            .tasklet((contribution, chunk) -> {
                StepExecution se = contribution.getStepExecution();
                Loaded l = load(se, workspace, slides);
                long instanceId = se.getJobExecution().getJobInstance().getInstanceId();
                List<EvalStore.ExclusionRow> left = new ArrayList<>();
                for (EvaluationData.Exclusion x : l.data.excluded()) {
                    left.add(new EvalStore.ExclusionRow(x.line(), x.key(), x.reason(), se.getId()));
                    System.out.println("[" + SPLIT_STEP + "] left out " + l.params.labels() + " line " + x.line() + ": " + x.reason());
                }
                store.replaceExclusions(instanceId, l.params.protocol(), left);
                SplitPlan plan = SplitPlan.of(l.data, l.params);
                for (int s = 0; s < plan.seeds().size(); s++) {
                    for (Fold f : plan.foldsPerSeed().get(s)) {
                        List<String> test = new ArrayList<>();
                        for (int i : f.test()) {
                            test.add(l.data.units().get(i));
                        }
                        store.replaceSplits(se.getJobExecution().getJobInstance().getInstanceId(), l.params.protocol(),
                            plan.splitter(), plan.seeds().get(s), f.name(), f.index(), test, se.getId());
                    }
                }
                String note = String.format(Locale.ROOT, "%s: %d units from %d slides, %d classes, %s x %d seeds, %d fold tasks; "
                        + "%d label rows left out (eval_exclusion, evaluation/%s/excluded.csv)",
                    l.params.protocol(), l.data.units().size(), l.data.slides(), l.data.classes().size(), plan.splitter(),
                    plan.seeds().size(), plan.tasks().size(), left.size(), l.params.protocol());
                se.getExecutionContext().putString(PassportListener.NOTES, note);
                System.out.println("[" + SPLIT_STEP + "] " + note);
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    @Bean
    Step evaluateFoldsStep(JobRepository repo, PlatformTransactionManager tx, EvalStore store, Workspace workspace,
                           PassportStore passports, SlideStore slides) {
        TransactionTemplate own = new TransactionTemplate(tx);
        own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        Map<Long, Loaded> cache = new LinkedHashMap<>();
        long[] started = new long[2];
        return new StepBuilder(FOLDS_STEP, repo)
            .tasklet((contribution, chunk) -> {
                StepExecution se = contribution.getStepExecution();
                Loaded l = cache.get(se.getId());
                if (l == null) {
                    // First call of this execution (a new run or a restart): load once, keep for its later calls.
                    cache.clear();
                    started[0] = System.nanoTime();
                    started[1] = -1;
                    l = load(se, workspace, slides);
                    cache.put(se.getId(), l);
                }
                long instance = se.getJobExecution().getJobInstance().getInstanceId();
                String protocol = l.params.protocol();
                Set<String> done = store.finishedTasks(instance, protocol);
                if (started[1] < 0) {
                    started[1] = done.size();
                }
                FoldTask next = l.plan.tasks().stream().filter(t -> !done.contains(t.key())).findFirst().orElse(null);
                if (next == null) {
                    cache.clear();
                    return RepeatStatus.FINISHED;
                }
                Fold fold = storedFold(store, instance, protocol, next, l.data);
                own.executeWithoutResult(s -> store.recordFitStart(instance, protocol, next.key(), se.getId()));
                debugDelay();
                long t0 = System.nanoTime();
                FoldRunner.Outcome o = FoldRunner.run(l.data, fold, next, l.params);
                double seconds = (System.nanoTime() - t0) / 1e9;
                store.saveFoldResult(instance, protocol, resultRow(o, seconds, se.getId()), predictionRows(o, se.getId()));
                progress(se, done.size() + 1, l.plan.tasks().size(), started, next);
                return RepeatStatus.CONTINUABLE;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    @Bean
    Step evaluateReportStep(JobRepository repo, PlatformTransactionManager tx, EvalStore store, Workspace workspace,
                            PassportStore passports, SlideStore slides) {
        return new StepBuilder(REPORT_STEP, repo)
            .tasklet((contribution, chunk) -> {
                StepExecution se = contribution.getStepExecution();
                Loaded l = load(se, workspace, slides);
                long instance = se.getJobExecution().getJobInstance().getInstanceId();
                String protocol = l.params.protocol();
                EvaluationReport.Output out = EvaluationReport.build(l.data, l.params, store.foldResults(instance, protocol),
                    store.predictions(instance, protocol), store.exclusions(instance, protocol), se.getId());
                store.replaceMetrics(instance, protocol, out.metrics());
                Path dir = workspace.stage(STAGE_FOLDER).resolve(protocol);
                for (var f : out.files().entrySet()) {
                    AtomicFiles.writeString(dir.resolve(f.getKey()), f.getValue());
                }
                String note = "wrote " + out.files().keySet() + " to " + dir;
                se.getExecutionContext().putString(PassportListener.NOTES, note);
                System.out.println("[" + REPORT_STEP + "] " + note);
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }

    /** Tests slow folds down (slidebatch.debug.item-delay-ms) so a kill lands mid-fit. */
    private static void debugDelay() throws InterruptedException {
        long ms = Long.getLong("slidebatch.debug.item-delay-ms", 0);
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    private record Loaded(EvaluateParameters params, EvaluationData data, SplitPlan plan) {
    }

    private static Loaded load(StepExecution se, Workspace workspace, SlideStore slides) {
        // In a chain the embeddings are those of its own embed step (put in the job's context before evaluate.split);
        // the standalone job takes embeddings=DIR or the newest folder under embeddings/.
        String chain = se.getJobExecution().getExecutionContext().getString(CHAIN_EMBEDDINGS, null);
        EvaluateParameters p = EvaluateParameters.from(se.getJobParameters(), workspace.root(), chain == null ? null : Path.of(chain));
        try {
            // In a chain nothing checked the labels against the embeddings before the job started: a bad row fails
            // the step here, with the file and row in the message.
            EvaluationData d = EvaluationData.load(p.labels(), p.embeddings(), p.labelColumn(), p.aggregate(),
                p.strictLabels(), knowledge(slides));
            p.check(d);
            return new Loaded(p, d, SplitPlan.of(d, p));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Why a labelled slide may have no embedding: null when it is not in the manifest, else the reason of its
     * latest step that did not finish it (QC exclusion, tiling without a token tile, a failure), "" when none.
     */
    public static EvaluationData.SlideKnowledge knowledge(SlideStore slides) {
        Set<String> known = new java.util.HashSet<>();
        slides.findAll().forEach(r -> known.add(r.slideId()));
        Map<String, String> reason = new java.util.HashMap<>();
        for (SlideStepStatus s : slides.findStepStatuses()) { // ordered by slide, then time: the latest wins
            if (!SlideStepStatus.DONE.equals(s.status())) {
                reason.put(s.slideId(), s.stepName() + " " + s.status() + (s.reason() == null || s.reason().isBlank() ? "" : ": " + s.reason()));
            }
        }
        return id -> known.contains(id) ? reason.getOrDefault(id, "") : null;
    }

    /** The fold as stored by {@code evaluate.split}: test = its stored units, train = every other unit. */
    private static Fold storedFold(EvalStore store, long instance, String protocol, FoldTask t, EvaluationData d) {
        Set<String> test = store.testUnits(instance, protocol, t.splitSeed(), t.foldName());
        if (test.isEmpty()) {
            throw new IllegalStateException("no stored split for " + t.key() + " (did evaluate.split run?)");
        }
        List<Integer> tr = new ArrayList<>();
        List<Integer> te = new ArrayList<>();
        for (int i = 0; i < d.units().size(); i++) {
            (test.contains(d.units().get(i)) ? te : tr).add(i);
        }
        int index = d.units().isEmpty() ? 0 : indexOf(t.foldName());
        return new Fold(index, t.foldName(), Splitters.toArray(tr), Splitters.toArray(te));
    }

    private static int indexOf(String foldName) {
        String digits = foldName.replaceAll("\\D", "");
        return digits.isEmpty() ? 0 : (int) (Long.parseLong(digits) % 1_000_000);
    }

    private static EvalStore.FoldResultRow resultRow(FoldRunner.Outcome o, double seconds, long sid) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (var e : o.metrics().entrySet()) {
            m.put(e.getKey(), e.getValue().orNull());
            if (!e.getValue().defined()) {
                m.put(e.getKey() + "_undefined", e.getValue().undefinedReason());
            }
        }
        FoldTask t = o.task();
        return new EvalStore.FoldResultRow(t.key(), t.splitSeed(), t.foldName(), t.model(), t.c(), o.selected(), o.nTrain(),
            o.nTest(), o.fits(), EvaluationReport.JSON.writeValueAsString(m), seconds, sid);
    }

    private static List<EvalStore.PredictionRow> predictionRows(FoldRunner.Outcome o, long sid) {
        List<EvalStore.PredictionRow> out = new ArrayList<>();
        for (FoldRunner.Prediction p : o.predictions()) {
            String prob = null;
            if (p.probabilities() != null) {
                StringBuilder sb = new StringBuilder();
                for (double v : p.probabilities()) {
                    sb.append(sb.isEmpty() ? "" : ";").append(v);
                }
                prob = sb.toString();
            }
            out.add(new EvalStore.PredictionRow(o.task().key(), p.unitId(), p.yTrue(), p.yPred(), prob, sid));
        }
        return out;
    }

    private static void progress(StepExecution se, int done, int total, long[] started, FoldTask t) {
        double seconds = (System.nanoTime() - started[0]) / 1e9;
        double rate = seconds > 0 ? (done - started[1]) / seconds : 0;
        long eta = rate > 0 ? Math.round((total - done) / rate) : -1;
        var ctx = se.getExecutionContext();
        ctx.putInt("progress.done", done);
        ctx.putInt("progress.total", total);
        ctx.putDouble("progress.rate", rate);
        ctx.putLong("progress.eta_seconds", eta);
        System.out.println(String.format(Locale.ROOT, "[%s] %d/%d folds (%.1f%%), %.2f folds/s, ETA %s s, last %s",
            FOLDS_STEP, done, total, 100.0 * done / total, rate, eta < 0 ? "?" : Long.toString(eta), t.key()));
    }
}
