package org.slidebatch.cli;

import java.util.Map;

import org.slidebatch.SlidebatchApplication;
import org.slidebatch.store.PassportStore;
import org.slidebatch.store.RepositoryConnection;
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
        Map<String, Object> props = new java.util.HashMap<>(Map.of("slidebatch.workspace", workspace.root().toString()));
        // Spring's own start-up failure logs print exception messages verbatim, and a driver may quote the URL's
        // password in them: the one-line error below says what failed, redacted; SLIDEBATCH_DEBUG=1 adds the trace.
        props.put("logging.level.org.springframework.boot.SpringApplication", "OFF");
        props.put("logging.level.org.springframework.context", "ERROR");
        props.put("logging.level.com.zaxxer.hikari", "OFF");
        if (jdbcUrl != null) {
            props.put("slidebatch.db-url", jdbcUrl);
        }
        String where = jdbcUrl != null ? RepositoryConnection.redact(jdbcUrl)
            : System.getenv("SPRING_DATASOURCE_URL") != null ? RepositoryConnection.redact(System.getenv("SPRING_DATASOURCE_URL"))
            : workspace.root().toString();
        // Two launchers opening a new embedded database at the same moment: the loser of H2's file lock finds the
        // database "already in use" before the winner's AUTO_SERVER listens; a moment later it connects through it.
        for (int attempt = 1; ; attempt++) {
            try {
                ConfigurableApplicationContext ctx = new SpringApplicationBuilder(SlidebatchApplication.class)
                    .properties(props)
                    .logStartupInfo(false)
                    .run();
                return new BatchContext(ctx, where);
            } catch (RuntimeException e) {
                if (attempt >= 8 || !lockedByAnotherLauncher(e)) {
                    throw failure(e, jdbcUrl, where);
                }
                try {
                    Thread.sleep(500L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw failure(e, jdbcUrl, where);
                }
            }
        }
    }

    /** H2's "Database may be already in use" (90020) at startup: another launcher holds the file lock this instant. */
    static boolean lockedByAnotherLauncher(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c.getMessage() != null && c.getMessage().contains("Database may be already in use")) {
                return true;
            }
        }
        return false;
    }

    private static CliException failure(RuntimeException e, String jdbcUrl, String where) {
        {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // Driver messages may quote the URL or pieces of it: never let a password through.
            String secretUrl = jdbcUrl != null ? jdbcUrl : System.getenv("SPRING_DATASOURCE_URL");
            String why = root.getMessage() == null ? root.toString() : root.getMessage();
            why = RepositoryConnection.redactSecrets(why, secretUrl);
            String password = System.getenv("SPRING_DATASOURCE_PASSWORD");
            if (password != null && !password.isEmpty()) {
                why = why.replace(password, "***");
            }
            if ("1".equals(System.getenv("SLIDEBATCH_DEBUG"))) {
                java.io.StringWriter trace = new java.io.StringWriter();
                e.printStackTrace(new java.io.PrintWriter(trace));
                String t = RepositoryConnection.redactSecrets(trace.toString(), secretUrl);
                System.err.print(password != null && !password.isEmpty() ? t.replace(password, "***") : t);
            }
            return new CliException("cannot open the job repository at " + where + ": " + why);
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

    org.slidebatch.store.ScanIssueStore scanIssues() {
        return context.getBean(org.slidebatch.store.ScanIssueStore.class);
    }

    RepositoryConnection connection() {
        return context.getBean(RepositoryConnection.class);
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
