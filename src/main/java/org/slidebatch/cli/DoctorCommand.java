package org.slidebatch.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.slidebatch.slide.OpenSlideReader;
import org.slidebatch.workspace.Workspace;

import picocli.CommandLine.Command;

@Command(name = "doctor", mixinStandardHelpOptions = true,
    description = {"Check Java, libopenslide, the database, the workspace and free disk; exit 1 if anything is wrong.",
        "With a broker configured (--broker, SLIDEBATCH_BROKER, SPRING_RABBITMQ_*): also the broker and that the database can be shared."})
final class DoctorCommand extends GlobalOptions implements Callable<Integer> {

    private int failures;

    @Override
    public Integer call() {
        Runtime.Version v = Runtime.version();
        check(v.feature() >= 25, "java", "JDK " + v + " at " + System.getProperty("java.home"),
            "JDK 25 or newer is required (scripts/ select /usr/lib/jvm/temurin-25-jdk-amd64)");
        boolean openslide = OpenSlideReader.isAvailable();
        check(openslide, "openslide", openslide ? "libopenslide " + OpenSlideReader.libraryVersion() : "",
            "libopenslide.so.0 not found: apt-get install libopenslide0");
        Workspace ws = workspace();
        boolean writable;
        try {
            ws.create();
            Path probe = Files.createTempFile(ws.root(), ".doctor", ".tmp");
            Files.delete(probe);
            writable = true;
        } catch (Exception e) {
            writable = false;
        }
        check(writable, "workspace", ws.root() + " is writable", ws.root() + " is not writable");
        if (writable) {
            try {
                long free = Files.getFileStore(ws.root()).getUsableSpace();
                String gib = String.format(Locale.ROOT, "%.1f GiB free", free / (1024.0 * 1024 * 1024));
                check(free > 2L * 1024 * 1024 * 1024, "disk", gib + " at " + ws.root(), "only " + gib + " (need at least 2 GiB)");
            } catch (Exception e) {
                check(false, "disk", "", "cannot read free space: " + e.getMessage());
            }
            try (BatchContext ctx = openContext()) {
                int jobs = ctx.jobRepository().getJobNames().size();
                check(true, "database", ctx.connection().describe() + " (" + jobs + " job names recorded)", "");
                if (brokerConfigured()) {
                    remote(ctx);
                }
            } catch (CliException e) {
                check(false, "database", "", e.getMessage());
            }
        }
        System.out.println(failures == 0 ? "all checks passed" : failures + " check(s) failed");
        return failures == 0 ? 0 : 1;
    }

    @picocli.CommandLine.Option(names = "--queue", paramLabel = "NAME",
        description = "With a broker configured: the partition queue to check (default: ${DEFAULT-VALUE}).")
    String queue = org.slidebatch.batch.Partitioning.DEFAULT_QUEUE;

    /** Remote partitioning is configured (a broker is): the broker answers, and the job repository can be shared. */
    private void remote(BatchContext ctx) {
        String where = BatchContext.describeBroker(broker());
        var cf = ctx.bean(org.springframework.amqp.rabbit.connection.ConnectionFactory.class);
        try (var connection = cf.createConnection()) {
            var props = new org.springframework.amqp.rabbit.core.RabbitAdmin(cf).getQueueProperties(queue);
            check(connection.isOpen(), "broker", where + (props == null ? " (queue " + queue + " not declared yet: the first "
                + "worker or manager declares it)" : " (queue " + queue + ": " + props.get("QUEUE_MESSAGE_COUNT")
                + " request(s) waiting, " + props.get("QUEUE_CONSUMER_COUNT") + " worker(s) listening)"), "");
        } catch (RuntimeException e) {
            String why = org.slidebatch.store.RepositoryConnection.redactSecrets(
                String.valueOf(e.getMessage()), broker() != null ? broker() : BatchContext.springBrokerEnv());
            check(false, "broker", "", "cannot reach the broker at " + where + ": " + why);
        }
        boolean shared = !ctx.embeddedRepository();
        check(shared, "shared-db", "workers and the manager can share " + ctx.connection().describe(),
            "the job repository is the workspace's embedded H2: remote workers on other machines cannot share it; "
                + "give every process the same PostgreSQL database (--db or SPRING_DATASOURCE_URL)");
    }

    private void check(boolean ok, String what, String good, String bad) {
        if (!ok) {
            failures++;
        }
        System.out.printf("%-5s %-10s %s%n", ok ? "ok" : "FAIL", what, ok ? good : bad);
    }
}
