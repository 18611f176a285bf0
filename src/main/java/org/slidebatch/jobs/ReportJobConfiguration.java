package org.slidebatch.jobs;

import org.slidebatch.report.ReportParameters;
import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Job {@code report}: the report step alone, on whatever the workspace and its database hold. */
@Configuration(proxyBeanMethods = false)
public class ReportJobConfiguration {

    public static final String JOB_NAME = "report";
    /** The report step's names, for the chains that end with it. */
    static final org.slidebatch.batch.StageParameters<ReportParameters> SPEC = org.slidebatch.batch.StageParameters.of(
        "report", java.util.Set.of("dpi", "embedding_tag"), ReportParameters::from);

    @Bean
    Job reportJob(JobRepository repo, PassportStore passports, @Qualifier("reportStep") Step report) {
        return new JobBuilder(JOB_NAME, repo)
            .validator(parameters -> {
                try {
                    ReportParameters.from(parameters);
                } catch (IllegalArgumentException e) {
                    throw new InvalidJobParametersException(e.getMessage());
                }
            })
            .listener(new ExecutionOwnerListener(passports))
            .start(report)
            .build();
    }
}
