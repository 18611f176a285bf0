package org.slidebatch.batch;

import java.io.IOException;
import java.nio.file.Path;

import org.slidebatch.store.OutputFileStore;
import org.slidebatch.workspace.AtomicFiles;

/**
 * What the step's writer offers a {@link SlideWork#write}: the step execution the rows must carry, and {@link #file},
 * the one way a per-slide file is written (atomically) and registered (path, SHA-256, bytes, slide, step execution).
 */
public final class SlideOutputs {

    /** Writes a file at the given path (normally through {@link AtomicFiles} or a helper that uses it). */
    @FunctionalInterface
    public interface FileWriter {
        void write(Path target) throws IOException;
    }

    private final OutputFileStore files;
    private final String slideId;
    private final String fingerprint;
    private final long jobExecutionId;
    private final long stepExecutionId;
    private final String stepName;

    public SlideOutputs(OutputFileStore files, String slideId, String fingerprint, long jobExecutionId, long stepExecutionId,
                        String stepName) {
        this.files = files;
        this.slideId = slideId;
        this.fingerprint = fingerprint;
        this.jobExecutionId = jobExecutionId;
        this.stepExecutionId = stepExecutionId;
        this.stepName = stepName;
    }

    public long jobExecutionId() {
        return jobExecutionId;
    }

    public long stepExecutionId() {
        return stepExecutionId;
    }

    private final java.util.List<Path> written = new java.util.ArrayList<>();

    /**
     * Writes {@code target} with {@code writer}; the file is registered in the {@code output_file} table after the
     * work's write returns, with the rows, so that files are written before the transaction takes its connection.
     */
    public Path file(Path target, FileWriter writer) throws IOException {
        writer.write(target);
        written.add(target);
        return target;
    }

    /** Registers the files written so far (the step's writer calls this after {@link SlideWork#write}). */
    public void register() throws IOException {
        if (files != null) {
            for (Path p : written) {
                files.register(p, slideId, fingerprint, stepName, jobExecutionId, stepExecutionId);
            }
        }
        written.clear();
    }

    /** Writes raw bytes atomically and registers the file. */
    public Path bytes(Path target, AtomicFiles.StreamWriter writer) throws IOException {
        return file(target, t -> AtomicFiles.write(t, writer));
    }
}
