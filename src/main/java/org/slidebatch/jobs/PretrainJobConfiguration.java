package org.slidebatch.jobs;

import org.slidebatch.batch.StageParameters;
import org.slidebatch.embed.EmbedParameters;
import org.slidebatch.pretrain.PretrainParameters;
import org.slidebatch.pretrain.PretrainStepConfiguration;
import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Job {@code pretrain}: [manifest] → pretrain (OpenSlideFM phase 1 on the workspace's features; phase 2 with phases=both|2) → embed → embed.export. */
@Configuration(proxyBeanMethods = false)
public class PretrainJobConfiguration {

    /** The pretrain step's names (OpenSlideFM NB06 CONFIG) and its record. */
    static final StageParameters<PretrainParameters> PRETRAIN = StageParameters.of("pretrain", PretrainParameters.names(),
        PretrainStepConfiguration::parameters);
    /** The embed step's own names; it also reads the pretrain names (budgets, positions, heads). */
    static final StageParameters<EmbedParameters> EMBED = StageParameters.of("embed",
        java.util.Set.of("embed_tag", EmbedParameters.AGGREGATOR_WEIGHTS), EmbedParameters::from);
    /** Phase 2's names (phases, epochs_phase2, …). */
    static final StageParameters<org.slidebatch.pretrain.Phase2Parameters> PHASE2 = StageParameters.of("pretrain phase 2",
        org.slidebatch.pretrain.Phase2Parameters.DEFAULTS.keySet(), PretrainStepConfiguration::phase2Parameters);

    @Bean
    Job pretrainJob(JobRepository repo, PassportStore passports,
                    @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                    @Qualifier("manifestExportStep") Step export, @Qualifier("pretrainStep") Step pretrain,
                    @Qualifier("embedStep") Step embed, @Qualifier("embedExportStep") Step embedExport) {
        return StageJobFlow.build("pretrain", repo, passports, StageJobFlow.validator(PRETRAIN, PHASE2, EMBED),
            scan, record, export, pretrain, embed, embedExport);
    }
}
