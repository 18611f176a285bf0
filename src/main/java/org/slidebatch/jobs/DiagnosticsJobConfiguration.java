package org.slidebatch.jobs;

import org.slidebatch.diagnostics.DiagnosticsParameters;
import org.slidebatch.store.PassportStore;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Job {@code diagnostics}: the post-pretraining gates (NB06C) on the workspace and the newest training log. */
@Configuration(proxyBeanMethods = false)
public class DiagnosticsJobConfiguration {

    /** NB06C's names; {@code weights}/{@code random_weights} name the starting backbone G4 compares with. */
    static final org.slidebatch.batch.StageParameters<DiagnosticsParameters> DIAGNOSTICS =
        org.slidebatch.batch.StageParameters.of("diagnostics", java.util.Set.of("reference_weights", "coverage_pass",
            "coverage_warn", "recent_checkpoints", "checkpoints", "fail_on", "weights", "random_weights"), DiagnosticsParameters::from);

    @Bean
    Job diagnosticsJob(JobRepository repo, PassportStore passports,
                       @Qualifier("manifestScanStep") Step scan, @Qualifier("manifestRecordStep") Step record,
                       @Qualifier("manifestExportStep") Step export, @Qualifier("diagnosticsStep") Step diagnostics) {
        return StageJobFlow.build("diagnostics", repo, passports, StageJobFlow.validator(DIAGNOSTICS),
            scan, record, export, diagnostics);
    }
}
