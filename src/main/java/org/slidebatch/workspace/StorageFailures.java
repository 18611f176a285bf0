package org.slidebatch.workspace;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Failures of the workspace's storage rather than of a slide: a full disk, a read-only file system, an exhausted
 * quota. A per-slide step must not record these as the slide's fault (every later slide would fail the same way and
 * the step would "complete"): it fails the step, naming the file, and a restart after space is freed redoes it.
 */
public final class StorageFailures {

    private static final String[] ENVIRONMENTAL = {"no space left on device", "read-only file system",
        "disk quota exceeded", "file too large"};

    private StorageFailures() {
    }

    /** The message of the cause that is a full disk, a read-only file system or a quota (libraries wrap it), or null. */
    static String environmentalReason(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (c instanceof IOException && m != null) {
                String lower = m.toLowerCase(Locale.ROOT);
                for (String e : ENVIRONMENTAL) {
                    if (lower.contains(e)) {
                        return c instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : m;
                    }
                }
            }
        }
        return null;
    }

    /** True when {@code t} or one of its causes is a full disk, a read-only file system or an exhausted quota. */
    public static boolean isEnvironmental(Throwable t) {
        return environmentalReason(t) != null;
    }

    /** {@code e} with the output file it was writing in its message (a full disk's error names no file). */
    public static IOException naming(Path target, IOException e) {
        String m = e.getMessage();
        if (m != null && m.contains(target.toString())) {
            return e;
        }
        String reason = environmentalReason(e);
        if (reason == null) {
            reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : (m == null ? e.getClass().getSimpleName() : m);
        }
        FileSystemException named = new FileSystemException(target.toString(), null, "cannot write: " + reason);
        named.initCause(e);
        return named;
    }

    /** The unchecked failure a step throws for a storage failure: names the step, the slide and the file. */
    public static IllegalStateException stepFailure(String what, Throwable cause) {
        return new IllegalStateException(what + ": the workspace's storage failed (" + cause.getMessage()
            + "); free space or make it writable, then restart", cause);
    }
}
