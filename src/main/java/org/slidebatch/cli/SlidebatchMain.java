package org.slidebatch.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The launcher (SPEC §9). Exit codes: 0 success (for run/restart: the job COMPLETED), 1 failure,
 * 2 usage error, 3 refused (the job instance is already running).
 */
@Command(name = "slidebatch", mixinStandardHelpOptions = true, versionProvider = SlidebatchMain.Version.class,
    description = "Whole-slide images to slide-level models as restartable, auditable batch jobs.",
    subcommands = {RunCommand.class, RestartCommand.class, WorkerCommand.class, StopCommand.class, HistoryCommand.class,
        ShowCommand.class, TraceCommand.class, SlidesCommand.class, DoctorCommand.class, SynthCommand.class, StreamCommand.class, ModelCommand.class, BenchCommand.class, ServeCommand.class, EvalCommand.class,
        CommandLine.HelpCommand.class})
public final class SlidebatchMain implements Runnable {

    static {
        // DJL must never phone home or download (STACK-NOTES §3); set before any engine class loads.
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("java.awt.headless", "true");
        // H2 reads its bind address once, when it loads: the embedded repository's server listens on loopback only.
        if (System.getProperty(org.slidebatch.workspace.EmbeddedDatabase.BIND_ADDRESS_PROPERTY) == null) {
            System.setProperty(org.slidebatch.workspace.EmbeddedDatabase.BIND_ADDRESS_PROPERTY,
                org.slidebatch.workspace.EmbeddedDatabase.LOOPBACK);
        }
        // Commands that run without the Spring context (bench, model, stream) still keep library chatter down.
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger("ai.djl").setLevel(ch.qos.logback.classic.Level.WARN);
            ctx.getLogger("io.jhdf").setLevel(ch.qos.logback.classic.Level.ERROR);
        }
    }

    @Option(names = "--workspace", scope = ScopeType.INHERIT, paramLabel = "DIR",
        description = "Workspace folder (default: $SLIDEBATCH_WORKSPACE, else ./workspace).")
    Path workspace;

    @Option(names = "--db", scope = ScopeType.INHERIT, paramLabel = "JDBC_URL",
        description = "Job repository (default: $SLIDEBATCH_DB, else $SPRING_DATASOURCE_URL with _USERNAME/_PASSWORD, "
            + "else the H2 file database inside the workspace, loopback only, credentials in DIR/db/credentials). "
            + "PostgreSQL: jdbc:postgresql://127.0.0.1:5432/DB?user=USER")
    String db;

    @Option(names = "--broker", scope = ScopeType.INHERIT, paramLabel = "AMQP_URL",
        description = "RabbitMQ broker for remote partitioning (partitioning=remote, slidebatch worker), "
            + "e.g. amqp://USER:PASSWORD@HOST:5672 (default: $SLIDEBATCH_BROKER, else Spring Boot's "
            + "$SPRING_RABBITMQ_ADDRESSES or $SPRING_RABBITMQ_HOST with _PORT/_USERNAME/_PASSWORD). Never printed with its password.")
    String broker;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new SlidebatchMain());
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof CliException ce) {
                err.println("slidebatch: " + ce.getMessage());
                err.flush();
                return ce.exitCode();
            }
            err.println("slidebatch: unexpected error: " + ex);
            ex.printStackTrace(err);
            err.flush();
            return 1;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            var h = org.slidebatch.batch.HostFacts.current();
            return new String[] {"slidebatch " + h.projectVersion() + " (" + h.gitCommit() + ")", "JVM " + h.jvm()};
        }
    }
}
