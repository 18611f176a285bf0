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

    /** Writes {@code target} with {@code writer}, then registers it in the {@code output_file} table. */
    public Path file(Path target, FileWriter writer) throws IOException {
        writer.write(target);
        if (files != null) {
            files.register(target, slideId, fingerprint, stepName, jobExecutionId, stepExecutionId);
        }
        return target;
    }

    /** Writes raw bytes atomically and registers the file. */
    public Path bytes(Path target, AtomicFiles.StreamWriter writer) throws IOException {
        return file(target, t -> AtomicFiles.write(t, writer));
    }
}
