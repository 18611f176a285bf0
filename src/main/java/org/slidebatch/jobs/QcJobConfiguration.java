package org.slidebatch.jobs;

import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Job {@code qc}: [manifest steps when roots are given] → qc → qc.export. */
@Configuration(proxyBeanMethods = false)
public class QcJobConfiguration {

    public static final String JOB_NAME = "qc";

    @Bean
    Job qcJob(JobRepository repo, PassportStore passports,
              @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
              @Qualifier("manifestExportStep") Step export, @Qualifier("qcStep") Step qc,
              @Qualifier("qcExportStep") Step qcExport) {
        return StageJobFlow.build(JOB_NAME, repo, passports, StageJobFlow.validator(org.slidebatch.qc.QcParameters.SPEC), scan, record, export, qc, qcExport);
    }
}
