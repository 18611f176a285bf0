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
        return open(workspace, jdbcUrl, null, false, Map.of());
    }

    /** Spring Boot's RabbitMQ variable that is set ($SPRING_RABBITMQ_ADDRESSES, else $SPRING_RABBITMQ_HOST), or null. */
    static String springBrokerEnv() {
        for (String v : new String[] {"SPRING_RABBITMQ_ADDRESSES", "SPRING_RABBITMQ_HOST"}) {
            String s = System.getenv(v);
            if (s != null && !s.isBlank()) {
                return s;
            }
        }
        return null;
    }

    /** The broker as printable text: its URL without a password. */
    static String describeBroker(String brokerUrl) {
        String b = brokerUrl != null ? brokerUrl : springBrokerEnv();
        return b == null ? "amqp://localhost:5672 (Spring Boot's default)" : RepositoryConnection.redact(b);
    }

    /**
     * The context; with {@code remote}, remote partitioning's beans too ({@code brokerUrl}, when given, becomes Spring
     * Boot's {@code spring.rabbitmq.addresses}); {@code extra}: further properties (the worker's queue).
     */
    static BatchContext open(Workspace workspace, String jdbcUrl, String brokerUrl, boolean remote, Map<String, String> extra) {
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
        if (brokerUrl != null) {
            props.put("spring.rabbitmq.addresses", brokerUrl);
        }
        if (remote) {
            props.put("slidebatch.remote.enabled", "true");
            // Spring AMQP's connection log lines name the user, never the password; keep its retries quiet.
            props.put("logging.level.org.springframework.amqp", "ERROR");
        }
        props.putAll(extra);
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
                    throw failure(e, jdbcUrl, brokerUrl, where);
                }
                try {
                    Thread.sleep(500L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw failure(e, jdbcUrl, brokerUrl, where);
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

    private static CliException failure(RuntimeException e, String jdbcUrl, String brokerUrl, String where) {
        {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            // Driver messages may quote the URL or pieces of it: never let a password through.
            String secretUrl = jdbcUrl != null ? jdbcUrl : System.getenv("SPRING_DATASOURCE_URL");
            String why = root.getMessage() == null ? root.toString() : root.getMessage();
            why = RepositoryConnection.redactSecrets(why, secretUrl);
            why = RepositoryConnection.redactSecrets(why, brokerUrl != null ? brokerUrl : springBrokerEnv());
            String password = System.getenv("SPRING_DATASOURCE_PASSWORD");
            if (password != null && !password.isEmpty()) {
                why = why.replace(password, "***");
            }
            String brokerPassword = System.getenv("SPRING_RABBITMQ_PASSWORD");
            if (brokerPassword != null && !brokerPassword.isEmpty()) {
                why = why.replace(brokerPassword, "***");
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

    /** Remote partitioning's manager side, or null when no broker is configured. */
    org.slidebatch.batch.RemotePartitions remotePartitions() {
        return context.getBeanProvider(org.slidebatch.batch.RemotePartitions.class).getIfAvailable();
    }

    <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Whether the job repository is the workspace's embedded H2 (one machine only). */
    boolean embeddedRepository() {
        return connection().embedded();
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
        try {
            if (context.isActive() && embeddedRepository()) {
                EmbeddedRepositoryHost.awaitGuests(context.getBean(javax.sql.DataSource.class), passports());
            }
        } finally {
            context.close();
        }
    }
}
