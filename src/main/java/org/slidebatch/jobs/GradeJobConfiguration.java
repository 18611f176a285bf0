package org.slidebatch.jobs;

import org.slidebatch.grade.GradeParameters;
import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Job {@code grade}: [manifest] → grade (OpenSlideFM NB11 attention-MIL cross-validation on the workspace's two-scale
 * features and a labels CSV, then NB12's metrics). Unknown or malformed parameters are refused before it starts.
 */
@Configuration(proxyBeanMethods = false)
public class GradeJobConfiguration {

    @Bean
    Job gradeJob(JobRepository repo, PassportStore passports,
                 @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                 @Qualifier("manifestExportStep") Step export, @Qualifier("gradeStep") Step grade) {
        return StageJobFlow.build("grade", repo, passports, StageJobFlow.validator(GradeParameters.SPEC),
            scan, record, export, grade);
    }
}
