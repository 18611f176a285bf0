package org.slidebatch.jobs;

import org.slidebatch.evaluate.EvaluateParameters;
import org.slidebatch.evaluate.EvaluationData;
import org.slidebatch.store.PassportStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Job {@code evaluate} (OpenSlideFM NB07/NB09/NB09A): evaluate.split → evaluate.folds → evaluate.report on a labels
 * CSV and a folder of slide embeddings. Unknown parameters are refused before the job starts.
 */
@Configuration(proxyBeanMethods = false)
public class EvaluateJobConfiguration {

    @Bean
    Job evaluateJob(JobRepository repo, PassportStore passports, Workspace workspace,
                    @Qualifier("evaluateSplitStep") Step split, @Qualifier("evaluateFoldsStep") Step folds,
                    @Qualifier("evaluateReportStep") Step report) {
        return new JobBuilder("evaluate", repo)
            .validator(parameters -> {
                try {
                    EvaluateParameters.refuseUnknown(parameters);
                    EvaluateParameters p = EvaluateParameters.from(parameters, workspace.root());
                    // Labels are checked against the embeddings before anything runs (file and line in the message).
                    EvaluationData.load(p.labels(), p.embeddings(), p.labelColumn(), p.aggregate());
                } catch (java.io.IOException e) {
                    throw new InvalidJobParametersException("cannot read the evaluation inputs: " + e.getMessage());
                } catch (IllegalArgumentException e) {
                    throw new InvalidJobParametersException(e.getMessage());
                }
            })
            .listener(new ExecutionOwnerListener(passports))
            .start(split).next(folds).next(report)
            .build();
    }
}
