package org.slidebatch.jobs;

import org.slidebatch.manifest.ManifestParameters;
import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Job {@code manifest}: scan → record → export. */
@Configuration(proxyBeanMethods = false)
public class ManifestJobConfiguration {

    public static final String JOB_NAME = "manifest";

    @Bean
    Job manifestJob(JobRepository jobRepository, PassportStore passports,
                    @Qualifier("manifestScanStep") Step scan,
                    @Qualifier("manifestRecordStep") Step record,
                    @Qualifier("manifestExportStep") Step export) {
        return new JobBuilder(JOB_NAME, jobRepository)
            .validator(org.slidebatch.batch.StageParameters.validator(ManifestParameters.SPEC))
            .listener(new ExecutionOwnerListener(passports))
            .start(scan)
            .next(record)
            .next(export)
            .build();
    }
}
