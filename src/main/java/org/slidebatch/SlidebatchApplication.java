package org.slidebatch;

import java.nio.file.Path;

import javax.sql.DataSource;

import org.slidebatch.store.DiagnosticsStore;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.RepositoryConnection;
import org.slidebatch.store.ScanIssueStore;
import org.slidebatch.store.SlideStore;
import org.slidebatch.store.StageResultStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * The Spring context of a batch run. The job repository is Spring Boot's JDBC one (spring-boot-batch-jdbc
 * auto-configuration over our DataSource; no {@code @EnableBatchProcessing}, which would switch Boot's
 * configuration and schema initialisation off). The CLI starts this context only for commands that need it.
 */
@SpringBootApplication
public class SlidebatchApplication {

    @Bean
    Workspace workspace(@Value("${slidebatch.workspace:workspace}") String root) {
        return new Workspace(Path.of(root));
    }

    /** URL and login of the job repository; Spring Boot's pooled data source is built from it. */
    @Bean
    RepositoryConnection repositoryConnection(Environment env, Workspace workspace) {
        return RepositoryConnection.resolve(env, workspace);
    }

    @Bean
    SlideStore slideStore(DataSource dataSource) {
        return new SlideStore(dataSource);
    }

    @Bean
    ScanIssueStore scanIssueStore(DataSource dataSource) {
        return new ScanIssueStore(dataSource);
    }

    @Bean
    StageResultStore stageResultStore(DataSource dataSource) {
        return new StageResultStore(dataSource);
    }

    @Bean
    static org.slidebatch.batch.RepositoryPlumbing repositoryPlumbing(
        org.springframework.beans.factory.ObjectProvider<PassportStore> passports,
        org.springframework.beans.factory.ObjectProvider<org.springframework.transaction.PlatformTransactionManager> tx) {
        return new org.slidebatch.batch.RepositoryPlumbing(passports, tx);
    }

    @Bean
    org.slidebatch.store.SlideListStore slideListStore(DataSource dataSource) {
        return new org.slidebatch.store.SlideListStore(dataSource);
    }

    @Bean
    org.slidebatch.store.OutputFileStore outputFileStore(DataSource dataSource) {
        return new org.slidebatch.store.OutputFileStore(dataSource);
    }

    @Bean
    org.slidebatch.store.TrainingStore trainingStore(DataSource dataSource) {
        return new org.slidebatch.store.TrainingStore(dataSource);
    }

    @Bean
    PassportStore passportStore(DataSource dataSource) {
        return new PassportStore(dataSource);
    }

    @Bean
    DiagnosticsStore diagnosticsStore(DataSource dataSource) {
        return new DiagnosticsStore(dataSource);
    }
}
