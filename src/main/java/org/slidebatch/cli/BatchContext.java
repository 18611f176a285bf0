package org.slidebatch.cli;

import java.util.Map;

import org.slidebatch.SlidebatchApplication;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.SlideStore;
import org.slidebatch.workspace.Workspace;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The Spring context behind the commands that touch the job repository. */
final class BatchContext implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private final String location;

    private BatchContext(ConfigurableApplicationContext context, String location) {
        this.context = context;
        this.location = location;
    }

    /** The job execution with this id, or a one-line error naming the repository. */
    org.springframework.batch.core.job.JobExecution execution(long id) {
        org.springframework.batch.core.job.JobExecution e;
        try {
            e = jobRepository().getJobExecution(id);
        } catch (org.springframework.dao.EmptyResultDataAccessException notThere) {
            e = null; // Batch 6's JDBC DAO throws instead of returning null for an unknown id
        }
        if (e == null) {
            throw new CliException("no job execution " + id + " in " + location);
        }
        return e;
    }

    static BatchContext open(Workspace workspace, String jdbcUrl) {
        try {
            workspace.create();
        } catch (java.io.IOException e) {
            throw new CliException("cannot create workspace " + workspace.root() + ": " + e.getMessage());
        }
        String url = jdbcUrl != null ? jdbcUrl : workspace.defaultJdbcUrl();
        try {
            ConfigurableApplicationContext ctx = new SpringApplicationBuilder(SlidebatchApplication.class)
                .properties(Map.of("slidebatch.workspace", workspace.root().toString(), "slidebatch.db-url", url))
                .logStartupInfo(false)
                .run();
            return new BatchContext(ctx, jdbcUrl != null ? url : workspace.root().toString());
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw new CliException("cannot open the job repository at " + url + ": " + root.getMessage(), e);
        }
    }

    JobOperator jobOperator() {
        return context.getBean(JobOperator.class);
    }

    JobRepository jobRepository() {
        return context.getBean(JobRepository.class);
    }

    SlideStore slides() {
        return context.getBean(SlideStore.class);
    }

    org.slidebatch.store.SlideListStore lists() {
        return context.getBean(org.slidebatch.store.SlideListStore.class);
    }

    org.slidebatch.store.OutputFileStore outputFiles() {
        return context.getBean(org.slidebatch.store.OutputFileStore.class);
    }

    PassportStore passports() {
        return context.getBean(PassportStore.class);
    }

    Job job(String name) {
        return context.getBeansOfType(Job.class).values().stream().filter(j -> j.getName().equals(name)).findFirst()
            .orElseThrow(() -> new CliException("no job named '" + name + "' in this build"));
    }

    @Override
    public void close() {
        context.close();
    }
}
