package org.slidebatch.jobs;

import org.slidebatch.batch.StageParameters;
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

    /**
     * Evaluate's names and values in a chain (openslidefm), where its embeddings do not exist when the job starts:
     * the values are checked and a given labels file must exist; the labels are checked against the embeddings at
     * the start of evaluate.split. Without {@code labels} the chain skips evaluation (the other values still parse).
     */
    static final StageParameters<EvaluateParameters> IN_CHAIN = StageParameters.of("evaluate",
        EvaluateParameters.KNOWN.stream().filter(n -> !StageParameters.COMMON.contains(n)).collect(java.util.stream.Collectors.toSet()),
        p -> {
            String labels = p.getString("labels");
            if (labels != null && !java.nio.file.Files.isRegularFile(java.nio.file.Path.of(labels))) {
                throw new IllegalArgumentException("labels file " + labels + " does not exist");
            }
            String emb = p.getString("embeddings");
            return EvaluateParameters.values(p, labels == null ? null : java.nio.file.Path.of(labels),
                emb == null ? null : java.nio.file.Path.of(emb));
        });

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
                    p.check(EvaluationData.load(p.labels(), p.embeddings(), p.labelColumn(), p.aggregate(), p.strictLabels(), null));
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
