package org.slidebatch.store;

import java.time.Instant;

/** What one step did with one slide. */
public record SlideStepStatus(String slideId, String stepName, String status, String reason, String fingerprint,
                              Long jobExecutionId, Long stepExecutionId, Instant updatedAt) {

    public static final String DONE = "done";
    public static final String SKIPPED = "skipped";
    public static final String FAILED = "failed";
    /** Processed, and excluded from later stages by this step's decision (QC); the reason says why. */
    public static final String EXCLUDED = "excluded";
}
