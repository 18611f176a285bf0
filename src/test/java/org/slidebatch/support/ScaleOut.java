package org.slidebatch.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;

/**
 * What a remote partitioning test runs on: a fresh PostgreSQL database (created here, dropped on close) as the shared
 * job repository, a queue of its own on the RabbitMQ broker of this machine kind (deleted on close), and worker
 * processes. Skips with a message where PostgreSQL (127.0.0.1:5432, user postgres) or RabbitMQ (127.0.0.1:5672,
 * guest/guest) does not answer.
 */
public final class ScaleOut implements AutoCloseable {

    public static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    /** The password appears in the URLs given to slidebatch only: a test checks it never comes out. */
    public static final String DB_SECRET = "pg-secret-7f3a";
    public static final String BROKER = "amqp://guest:guest@127.0.0.1:5672";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final String database;
    private final String queue;
    private final List<CliProcess> processes = new ArrayList<>();

    private ScaleOut(String database, String queue) {
        this.database = database;
        this.queue = queue;
    }

    /** A fresh database and queue named after {@code tag}, this JVM and a counter. */
    public static ScaleOut create(String tag) {
        assumeTrue(reachable(5672), "RabbitMQ not reachable at 127.0.0.1:5672: skipping remote partitioning tests");
        String name = "sb_" + tag + "_" + ProcessHandle.current().pid() + "_" + SEQ.incrementAndGet();
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            assumeTrue(false, "PostgreSQL not reachable at " + SERVER + " (" + e.getMessage() + "): skipping remote partitioning tests");
        }
        return new ScaleOut(name, "slidebatch.test." + name);
    }

    static boolean reachable(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The job repository URL given to slidebatch (with a password the server ignores: it must never be printed). */
    public String db() {
        return "jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres&password=" + DB_SECRET;
    }

    public String queue() {
        return queue;
    }

    public RepositoryQueries queries() {
        return new RepositoryQueries("jdbc:postgresql://127.0.0.1:5432/" + database + "?user=postgres");
    }

    /** The common options of every slidebatch command of this test. */
    public List<String> options(Path workspace) {
        return List.of("--workspace", workspace.toString(), "--db", db(), "--broker", BROKER);
    }

    /** Starts {@code slidebatch worker} on this queue; waits until it listens; {@code itemDelayMs} slows each slide. */
    public Worker worker(Path workspace, long itemDelayMs) throws Exception {
        List<String> args = new ArrayList<>(options(workspace));
        args.addAll(List.of("worker", "--queue", queue));
        CliProcess p = CliProcess.start("384m", Map.of(), itemDelayMs, args.toArray(String[]::new));
        processes.add(p);
        String line = p.awaitLine(l -> l.startsWith("[worker] pid "), Duration.ofMinutes(4));
        return new Worker(p, Long.parseLong(line.split(" ")[2]));
    }

    /**
     * Starts {@code slidebatch worker} configured through Spring Boot's environment variables only
     * ({@code SPRING_DATASOURCE_*}, {@code SPRING_RABBITMQ_*}): no --db, no --broker.
     */
    public Worker workerFromEnvironment(Path workspace) throws Exception {
        Map<String, String> env = Map.of(
            "SPRING_DATASOURCE_URL", "jdbc:postgresql://127.0.0.1:5432/" + database,
            "SPRING_DATASOURCE_USERNAME", "postgres", "SPRING_DATASOURCE_PASSWORD", DB_SECRET,
            "SPRING_RABBITMQ_HOST", "127.0.0.1", "SPRING_RABBITMQ_PORT", "5672",
            "SPRING_RABBITMQ_USERNAME", "guest", "SPRING_RABBITMQ_PASSWORD", "guest");
        CliProcess p = CliProcess.start("384m", env, 0, "--workspace", workspace.toString(), "worker", "--queue", queue);
        processes.add(p);
        String line = p.awaitLine(l -> l.startsWith("[worker] pid "), Duration.ofMinutes(4));
        return new Worker(p, Long.parseLong(line.split(" ")[2]));
    }

    /** A worker process and its pid. */
    public record Worker(CliProcess process, long pid) {

        /** How many of this worker's output lines start with {@code prefix}. */
        public long lines(String prefix) {
            return process.output().lines().filter(l -> l.startsWith(prefix)).count();
        }

        /** Waits until {@code lines(prefix) >= n}. */
        public void awaitLines(String prefix, long n, Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (lines(prefix) < n) {
                if (System.nanoTime() > end) {
                    throw new AssertionError("worker " + pid + " printed fewer than " + n + " lines '" + prefix + "'; output:\n"
                        + process.output());
                }
                Thread.sleep(100);
            }
        }
    }

    /** Starts a slidebatch command (the manager) in its own JVM with this test's options. */
    public CliProcess start(Path workspace, String... args) throws Exception {
        List<String> all = new ArrayList<>(options(workspace));
        all.addAll(List.of(args));
        CliProcess p = CliProcess.start("512m", Map.of(), 0, all.toArray(String[]::new));
        processes.add(p);
        return p;
    }

    /**
     * Starts the manager: {@code run qc} on {@code cohort} with partitioning=remote on this test's queue, the manager
     * polling every 300 ms, and the given {@code KEY=VALUE} parameters.
     */
    public CliProcess qcManager(Path workspace, Path cohort, String... params) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "qc", "--param", "roots=" + cohort, "--param", "partitioning=remote",
            "--param", "remote_queue=" + queue, "--param", "remote_poll_ms=300"));
        for (String p : params) {
            args.addAll(List.of("--param", p));
        }
        return start(workspace, args.toArray(String[]::new));
    }

    /** Runs a slidebatch command in this JVM with this test's options; returns exit code and standard output. */
    public static Result inProcess(List<String> options, String... args) {
        List<String> all = new ArrayList<>(options);
        all.addAll(List.of(args));
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = org.slidebatch.cli.SlidebatchMain.execute(all.toArray(String[]::new));
        } finally {
            System.setOut(out);
        }
        String text = buf.toString(StandardCharsets.UTF_8);
        out.print(text);
        return new Result(code, text);
    }

    public record Result(int exitCode, String output) {
    }

    /** Messages waiting in this test's queue. */
    public int queued() {
        CachingConnectionFactory cf = connectionFactory();
        try {
            var info = new RabbitAdmin(cf).getQueueInfo(queue);
            return info == null ? 0 : (int) info.getMessageCount();
        } finally {
            cf.destroy();
        }
    }

    private static CachingConnectionFactory connectionFactory() {
        CachingConnectionFactory cf = new CachingConnectionFactory("127.0.0.1", 5672);
        cf.setUsername("guest");
        cf.setPassword("guest");
        return cf;
    }

    @Override
    public void close() {
        for (CliProcess p : processes) {
            p.close();
        }
        CachingConnectionFactory cf = connectionFactory();
        try {
            new RabbitAdmin(cf).deleteQueue(queue);
        } catch (RuntimeException ignored) {
            // broker gone: nothing to clean
        } finally {
            cf.destroy();
        }
        try (Connection c = DriverManager.getConnection(SERVER); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        } catch (SQLException ignored) {
            // server gone: nothing to clean
        }
    }
}
