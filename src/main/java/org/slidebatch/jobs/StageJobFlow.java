package org.slidebatch.jobs;

import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.flow.FlowExecutionStatus;
import org.springframework.batch.core.job.flow.JobExecutionDecider;
import org.springframework.batch.core.job.parameters.JobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;

/**
 * The shape of a stage job: with {@code roots} it first runs the manifest steps on them; without, it works on the
 * workspace's manifest (SPEC §9: "every job takes roots, or runs on the manifest of the same workspace").
 */
final class StageJobFlow {

    static final String DECIDER = "manifest.needed";

    private StageJobFlow() {
    }

    /**
     * The job's validator: only the names of the manifest steps (when roots are given), the common ones and the stages'
     * are accepted, and each stage's parameter record must parse (see {@link org.slidebatch.batch.StageParameters}).
     */
    static JobParametersValidator validator(org.slidebatch.batch.StageParameters<?>... stages) {
        org.slidebatch.batch.StageParameters<?>[] all = new org.slidebatch.batch.StageParameters<?>[stages.length + 4];
        all[0] = org.slidebatch.manifest.ManifestParameters.IF_ROOTS;
        all[1] = org.slidebatch.batch.StageParameters.of("workers", java.util.Set.of(),
            org.slidebatch.batch.PerSlidePartitionedStep::workers);
        // every stage job reads pixels (or runs the manifest, which ignores it): reader=openslide|fast|auto
        all[2] = org.slidebatch.batch.StageParameters.of("reader", java.util.Set.of(org.slidebatch.slide.ReaderChoice.PARAMETER),
            org.slidebatch.batch.Params::reader);
        // partitioning=local|remote and its settings (the per-slide steps: docs/scale-out.md)
        all[3] = org.slidebatch.batch.Partitioning.SPEC;
        System.arraycopy(stages, 0, all, 4, stages.length);
        return org.slidebatch.batch.StageParameters.validator(all);
    }

    /**
     * The older form, for job configurations written before the parameter records: runs the stage's checks but, knowing
     * no names, cannot refuse a typo. Prefer {@link #validator(org.slidebatch.batch.StageParameters[])}.
     */
    @Deprecated
    static JobParametersValidator validator(java.util.function.Consumer<org.springframework.batch.core.job.parameters.JobParameters> stageChecks) {
        return parameters -> {
            try {
                if (parameters.getString("roots") != null) {
                    org.slidebatch.manifest.ManifestParameters.from(parameters);
                }
                org.slidebatch.batch.PerSlidePartitionedStep.workers(parameters);
                org.slidebatch.batch.Params.reader(parameters);
                stageChecks.accept(parameters);
            } catch (IllegalArgumentException e) {
                throw new org.springframework.batch.core.job.parameters.InvalidJobParametersException(e.getMessage());
            }
        };
    }

    static Job build(String name, JobRepository repo, PassportStore passports, JobParametersValidator validator,
                     Step scan, Step record, Step export, Step... stageSteps) {
        return build(name, repo, passports, validator, null, scan, record, export, stageSteps);
    }

    /**
     * An optional evaluation after the stage steps, then the report: when {@code labels} is a job parameter,
     * {@code evaluateSteps} run (and the decider puts {@code embeddings} — the folder the chain wrote — in the job's
     * context for them), then {@code report}; without {@code labels} only {@code report} runs.
     */
    record Tail(JobExecutionDecider evaluateNeeded, Step report, Step... evaluateSteps) {
    }

    static final String EVALUATE = "EVALUATE";
    static final String SKIP_EVALUATION = "SKIP_EVALUATION";

    /** The decider of {@link Tail}: {@code embeddings} gives the chain's own embeddings folder for the parameters. */
    static JobExecutionDecider evaluateNeeded(java.util.function.Function<org.springframework.batch.core.job.parameters.JobParameters,
                                                  java.nio.file.Path> embeddings) {
        return (jobExecution, stepExecution) -> {
            var p = jobExecution.getJobParameters();
            if (p.getString("labels") == null) {
                return new FlowExecutionStatus(SKIP_EVALUATION);
            }
            jobExecution.getExecutionContext().putString(org.slidebatch.evaluate.EvaluateStepConfiguration.CHAIN_EMBEDDINGS,
                embeddings.apply(p).toString());
            return new FlowExecutionStatus(EVALUATE);
        };
    }

    static Job build(String name, JobRepository repo, PassportStore passports, JobParametersValidator validator,
                     Tail tail, Step scan, Step record, Step export, Step... stageSteps) {
        JobExecutionDecider manifestNeeded = (jobExecution, stepExecution) ->
            new FlowExecutionStatus(jobExecution.getJobParameters().getString("roots") != null ? "SCAN" : "WORKSPACE");
        var flow = new JobBuilder(name, repo)
            .validator(validator)
            .listener(new ExecutionOwnerListener(passports))
            .start(manifestNeeded)
            .on("SCAN").to(scan).next(record).next(export).next(stageSteps[0])
            .from(manifestNeeded).on("WORKSPACE").to(stageSteps[0]);
        var last = flow.from(stageSteps[0]);
        for (int i = 1; i < stageSteps.length; i++) {
            last = last.next(stageSteps[i]);
        }
        if (tail == null) {
            return last.end().build();
        }
        var evaluate = last.next(tail.evaluateNeeded()).on(EVALUATE).to(tail.evaluateSteps()[0]);
        for (int i = 1; i < tail.evaluateSteps().length; i++) {
            evaluate = evaluate.next(tail.evaluateSteps()[i]);
        }
        return evaluate.next(tail.report())
            .from(tail.evaluateNeeded()).on(SKIP_EVALUATION).to(tail.report())
            .end().build();
    }
}
