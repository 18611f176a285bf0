package org.slidebatch.report;

import javax.sql.DataSource;

import org.slidebatch.batch.PassportListener;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.ReportStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Step {@code report} (OpenSlideFM NB13 and the pipeline's own figures): writes {@code report/<job execution>/} with
 * {@code index.html}, {@code figures/*.png|svg} and {@code tables/*.csv}, and a {@code report_item} row per entry.
 */
@Configuration(proxyBeanMethods = false)
public class ReportStepConfiguration {

    public static final String STEP = "report";
    public static final String STAGE_FOLDER = "report";

    @Bean
    ReportStore reportStore(DataSource dataSource) {
        return new ReportStore(dataSource);
    }

    @Bean
    Step reportStep(JobRepository repo, PlatformTransactionManager tx, ReportStore store, PassportStore passports,
                    Workspace workspace) {
        return new StepBuilder(STEP, repo)
            .tasklet((contribution, chunk) -> {
                var se = contribution.getStepExecution();
                ReportParameters params = ReportParameters.from(se.getJobParameters());
                ReportBuilder.Result r = new ReportBuilder(store, workspace.root()).build(se.getId(), se.getJobExecutionId(), params);
                contribution.incrementWriteCount(r.available());
                se.getExecutionContext().putString(PassportListener.NOTES, "report: " + workspace.root().relativize(r.index()));
                System.out.printf("[%s] %d of %d figures/tables available -> %s%n", STEP, r.available(), r.items().size(), r.index());
                return RepeatStatus.FINISHED;
            }, tx)
            .listener(new PassportListener(passports, workspace, STAGE_FOLDER))
            .build();
    }
}
