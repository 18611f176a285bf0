package org.slidebatch.jobs;

import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Job {@code segment}: [manifest steps when roots are given] → segment. Bad CLAM parameters fail before anything runs. */
@Configuration(proxyBeanMethods = false)
public class SegmentJobConfiguration {

    public static final String JOB_NAME = "segment";

    @Bean
    Job segmentJob(JobRepository repo, PassportStore passports,
                   @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                   @Qualifier("manifestExportStep") Step export, @Qualifier("segmentStep") Step segment) {
        return StageJobFlow.build(JOB_NAME, repo, passports, StageJobFlow.validator(org.slidebatch.tissue.SegmentParameters.SPEC),
            scan, record, export, segment);
    }
}
