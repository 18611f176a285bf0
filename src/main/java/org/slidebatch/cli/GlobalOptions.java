package org.slidebatch.cli;

import org.slidebatch.workspace.Workspace;

import picocli.CommandLine.ParentCommand;

/** Base of subcommands that use the inherited --workspace/--db options. */
abstract class GlobalOptions {

    @ParentCommand
    SlidebatchMain main;

    Workspace workspace() {
        return Workspace.resolve(main.workspace);
    }

    /** {@code --db}, else {@code $SLIDEBATCH_DB}, else null (Spring's $SPRING_DATASOURCE_URL, else the workspace's H2). */
    String db() {
        if (main.db != null) {
            return main.db;
        }
        String env = System.getenv("SLIDEBATCH_DB");
        return env == null || env.isBlank() ? null : env;
    }

    /** {@code --broker}, else {@code $SLIDEBATCH_BROKER}, else null (Spring Boot's $SPRING_RABBITMQ_*, if set). */
    String broker() {
        if (main.broker != null) {
            return main.broker;
        }
        String env = System.getenv("SLIDEBATCH_BROKER");
        return env == null || env.isBlank() ? null : env;
    }

    /** Whether a broker is configured: {@link #broker()} or Spring Boot's own RabbitMQ environment variables. */
    boolean brokerConfigured() {
        return broker() != null || BatchContext.springBrokerEnv() != null;
    }

    BatchContext openContext() {
        return BatchContext.open(workspace(), db(), broker(), brokerConfigured(), java.util.Map.of());
    }
}
