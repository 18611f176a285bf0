package org.slidebatch.jobs;

import org.slidebatch.embed.EmbedParameters;
import org.slidebatch.pretrain.PretrainStepConfiguration;
import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Job {@code pretrain}: [manifest] → pretrain (OpenSlideFM phase 1 on the workspace's features) → embed → embed.export. */
@Configuration(proxyBeanMethods = false)
public class PretrainJobConfiguration {

    @Bean
    Job pretrainJob(JobRepository repo, PassportStore passports,
                    @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                    @Qualifier("manifestExportStep") Step export, @Qualifier("pretrainStep") Step pretrain,
                    @Qualifier("embedStep") Step embed, @Qualifier("embedExportStep") Step embedExport) {
        return StageJobFlow.build("pretrain", repo, passports, StageJobFlow.validator(PretrainJobConfiguration::validate),
            scan, record, export, pretrain, embed, embedExport);
    }

    static void validate(org.springframework.batch.core.job.parameters.JobParameters p) {
        PretrainStepConfiguration.parameters(p);
        PretrainStepConfiguration.phase2Parameters(p).requireSupported();
        EmbedParameters.from(p);
    }
}
