package org.slidebatch.batch;

import org.slidebatch.store.OutputFileStore;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideListStore;
import org.slidebatch.store.SlideStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The per-slide steps' reader, processor, writer and listeners as Spring Batch step-scoped beans: one set per partition
 * step execution (a partition thread's reader position, parsed parameters and progress are its own), made by
 * {@link PerSlideSteps#partition} for the stage the step execution belongs to.
 */
@Configuration(proxyBeanMethods = false)
public class PerSlideScope {

    /**
     * Builds every per-slide partitioned step (see {@link SlideWork}); the worker step is built once, with the
     * step-scoped proxies below as its components.
     */
    @Bean
    PerSlideSteps perSlideSteps(JobRepository repo, PlatformTransactionManager tx, SlideStore slides, SlideListStore lists,
                                PassportStore passports, OutputFileStore files, Workspace workspace,
                                @Qualifier("perSlideReader") PerSlideSteps.SlideIdReader reader,
                                @Qualifier("perSlideProcessor") PerSlideSteps.ComputeProcessor processor,
                                @Qualifier("perSlideWriter") PerSlideSteps.ResultWriter writer,
                                @Qualifier("perSlideProgress") ProgressListener progress,
                                @Qualifier("perSlidePassport") PassportListener passport,
                                org.springframework.beans.factory.ObjectProvider<RemotePartitions> remote) {
        return new PerSlideSteps(repo, tx, slides, lists, passports, files, workspace, System.out)
            .scoped(new PerSlideSteps.Partition(reader, processor, writer, progress, passport))
            .remote(remote::getIfAvailable);
    }

    /** Not proxied: only the step-scoped factories below use it, inside the step execution's scope. */
    @Bean
    @org.springframework.context.annotation.Scope(value = "step", proxyMode = org.springframework.context.annotation.ScopedProxyMode.NO)
    PerSlideSteps.Partition perSlidePartition(@Value("#{stepExecution}") StepExecution se, PerSlideSteps steps) {
        return steps.partition(se.getStepName());
    }

    @Bean
    @StepScope
    PerSlideSteps.SlideIdReader perSlideReader(PerSlideSteps.Partition perSlidePartition) {
        return perSlidePartition.reader();
    }

    @Bean
    @StepScope
    PerSlideSteps.ComputeProcessor perSlideProcessor(PerSlideSteps.Partition perSlidePartition) {
        return perSlidePartition.processor();
    }

    @Bean
    @StepScope
    PerSlideSteps.ResultWriter perSlideWriter(PerSlideSteps.Partition perSlidePartition) {
        return perSlidePartition.writer();
    }

    @Bean
    @StepScope
    ProgressListener perSlideProgress(PerSlideSteps.Partition perSlidePartition) {
        return perSlidePartition.progress();
    }

    @Bean
    @StepScope
    PassportListener perSlidePassport(PerSlideSteps.Partition perSlidePartition) {
        return perSlidePartition.passport();
    }
}
