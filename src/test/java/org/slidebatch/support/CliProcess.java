package org.slidebatch.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The slidebatch CLI in a separate JVM, for process-level tests (kill -9, concurrent launches). Output lines are
 * collected as they come so a test can wait for a progress line and then kill the process.
 */
public final class CliProcess implements AutoCloseable {

    private final Process process;
    private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
    private final Thread pump;

    private CliProcess(Process process) {
        this.process = process;
        this.pump = Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // process killed
            }
        });
    }

    /** Starts {@code slidebatch ARGS} with the test classpath; {@code itemDelayMs} slows items so a test can interrupt. */
    public static CliProcess start(long itemDelayMs, String... args) throws IOException {
        return start("512m", itemDelayMs, args);
    }

    /** As {@link #start(long, String...)} with the JVM's {@code -Xmx} (phase 2 holds a trainable ConvNeXt-Tiny: 2g). */
    public static CliProcess start(String heap, long itemDelayMs, String... args) throws IOException {
        return start(heap, java.util.Map.of(), itemDelayMs, args);
    }

    /** As {@link #start(String, long, String...)} with extra environment variables for the process. */
    public static CliProcess start(String heap, java.util.Map<String, String> env, long itemDelayMs, String... args)
            throws IOException {
        return start(List.of(), List.of(), heap, env, itemDelayMs, args);
    }

    /**
     * As {@link #start(String, java.util.Map, long, String...)} with a command {@code prefix} (e.g. {@code setpriv}
     * dropping capabilities) and extra JVM options ({@code -Dslidebatch.debug.…}).
     */
    public static CliProcess start(List<String> prefix, List<String> jvmOptions, String heap, java.util.Map<String, String> env,
                                   long itemDelayMs, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.add("-Xmx" + heap);
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dslidebatch.debug.item-delay-ms=" + itemDelayMs);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("org.slidebatch.cli.SlidebatchMain");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        fastPath(pb);
        pb.environment().putAll(env);
        return new CliProcess(pb.start());
    }

    /**
     * With {@code SLIDEBATCH_MKL_AMD_FASTPATH=1} in the test's environment, the CLI processes run with the MKL fast
     * path preloaded as {@code scripts/slidebatch} would, so the crash tests can prove restart-to-the-bit with it on
     * ({@code target/native}, built by {@code scripts/build-native}). Otherwise, as by default, they run without it.
     */
    static void fastPath(ProcessBuilder pb) {
        if (!"1".equals(System.getenv("SLIDEBATCH_MKL_AMD_FASTPATH"))) {
            return;
        }
        Path lib = Path.of("target", "native", org.slidebatch.model.MklFastPath.LIBRARY).toAbsolutePath();
        if (!java.nio.file.Files.isRegularFile(lib)) {
            throw new IllegalStateException("SLIDEBATCH_MKL_AMD_FASTPATH=1 but " + lib + " is missing: run scripts/build-native");
        }
        pb.environment().put("LD_PRELOAD", lib.toString());
    }

    /** Any main class of the test classpath in its own JVM ({@code jvmOptions} before the class, e.g. {@code -Xmx}). */
    public static CliProcess java(List<String> jvmOptions, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new CliProcess(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** Runs to completion and returns the exit code. */
    public static CliProcess run(Duration timeout, String... args) throws IOException, InterruptedException {
        return run("512m", timeout, args);
    }

    /** As {@link #run(Duration, String...)} with the JVM's {@code -Xmx}. */
    public static CliProcess run(String heap, Duration timeout, String... args) throws IOException, InterruptedException {
        return run(heap, java.util.Map.of(), timeout, args);
    }

    /** As {@link #run(String, Duration, String...)} with extra environment variables for the process. */
    public static CliProcess run(String heap, java.util.Map<String, String> env, Duration timeout, String... args)
            throws IOException, InterruptedException {
        CliProcess p = start(heap, env, 0, args);
        p.waitFor(timeout);
        return p;
    }

    /** As {@link #start(List, List, String, java.util.Map, long, String...)}, run to completion. */
    public static CliProcess run(List<String> prefix, List<String> jvmOptions, String heap, Duration timeout, String... args)
            throws IOException, InterruptedException {
        CliProcess p = start(prefix, jvmOptions, heap, java.util.Map.of(), 0, args);
        p.waitFor(timeout);
        return p;
    }

    /** The first line that matches, or null when the process ended without printing one (exit code then set). */
    public String awaitLineOrExit(Predicate<String> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        while (System.nanoTime() < end) {
            synchronized (lines) {
                for (; seen < lines.size(); seen++) {
                    if (match.test(lines.get(seen))) {
                        return lines.get(seen);
                    }
                }
            }
            if (!process.isAlive()) {
                pump.join(5000);
                synchronized (lines) {
                    for (; seen < lines.size(); seen++) {
                        if (match.test(lines.get(seen))) {
                            return lines.get(seen);
                        }
                    }
                }
                return null;
            }
            Thread.sleep(20);
        }
        process.destroyForcibly();
        throw new AssertionError("neither the expected line nor the end within " + timeout + "; output:\n" + output());
    }

    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("slidebatch did not finish within " + timeout + "; output:\n" + output());
        }
        pump.join(5000);
        return process.exitValue();
    }

    /** Waits until a line matches; fails with the output so far if the process ends or time runs out first. */
    public String awaitLine(Predicate<String> match, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            synchronized (lines) {
                for (String l : lines) {
                    if (match.test(l)) {
                        return l;
                    }
                }
            }
            if (!process.isAlive()) {
                pump.join(2000);
                synchronized (lines) {
                    for (String l : lines) {
                        if (match.test(l)) {
                            return l;
                        }
                    }
                }
                throw new AssertionError("process ended (exit " + process.exitValue() + ") before the expected line; output:\n" + output());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("expected line not seen within " + timeout + "; output:\n" + output());
    }

    /**
     * The command prefix that makes file permissions bind for a process started by root (who reads a chmod 000 file
     * anyway): {@code setpriv} dropping CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH. Empty when not root.
     */
    public static List<String> withoutRootFileAccess() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return List.of();
        }
        return List.of("setpriv", "--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search");
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hooks, no finally blocks, like a crash or the OOM killer. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        pump.join(5000);
    }

    public int exitCode() {
        return process.exitValue();
    }

    public String output() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
