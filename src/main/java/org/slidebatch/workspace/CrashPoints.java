package org.slidebatch.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Named moments where a fault-injection test may kill the process: a temporary output written but not yet renamed,
 * an output rename, a chunk's rows written but not committed, a training step. Off unless a test sets
 * {@code slidebatch.debug.crash-trace=true} (every moment reached is printed as {@code [crash-point] hit ID}) or
 * {@code slidebatch.debug.crash-points=FILE} (one moment id a line: the first thread that reaches one prints
 * {@code [crash-point] pause ID} and stops there, so the test's kill -9 lands exactly at that moment).
 * A moment id is {@code KIND:LABEL}, the label naming the work (output file, step and slide, training step) so the
 * same moment has the same id in every process of a run.
 */
public final class CrashPoints {

    private static final boolean TRACE = Boolean.getBoolean("slidebatch.debug.crash-trace");
    private static final Set<String> PAUSE = load(System.getProperty("slidebatch.debug.crash-points"));
    private static final boolean ENABLED = TRACE || !PAUSE.isEmpty();

    private CrashPoints() {
    }

    /** Reached a moment: print it when tracing, stop here for good when a test asked to be killed at it. */
    public static void reach(String kind, String label) {
        if (!ENABLED) {
            return;
        }
        String id = kind + ":" + label.replace('\n', ' ').replace('\r', ' ');
        if (TRACE) {
            System.out.println("[crash-point] hit " + id);
            System.out.flush();
        }
        if (PAUSE.contains(id)) {
            synchronized (CrashPoints.class) {
                System.out.println("[crash-point] pause " + id);
                System.out.flush();
                while (true) {
                    try {
                        Thread.sleep(60_000);   // the test kills the process now
                    } catch (InterruptedException e) {
                        // keep holding: the kill is the only way out
                    }
                }
            }
        }
    }

    /** The label of an output file: its folder's name and its own. */
    public static String fileLabel(Path target) {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        return (parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/") + abs.getFileName();
    }

    private static Set<String> load(String file) {
        if (file == null || file.isBlank()) {
            return Set.of();
        }
        try {
            Set<String> ids = ConcurrentHashMap.newKeySet();
            for (String line : Files.readAllLines(Path.of(file), StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    ids.add(line.strip());
                }
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("slidebatch.debug.crash-points: cannot read " + file, e);
        }
    }
}
