package org.slidebatch.batch;

import org.slidebatch.store.SlideRecord;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * The work of one per-slide step on one slide: compute, write the slide's outputs atomically, say what happened.
 * It must be deterministic, so that a slide redone after a crash (its outputs written, its status not yet
 * committed) produces byte-identical files.
 */
public interface SlideTask {

    /** Called once per step execution (and per partition thread) before any slide, e.g. to parse parameters. */
    default void open(JobParameters parameters) {
    }

    SlideOutcome process(SlideRecord slide, JobParameters parameters) throws Exception;
}
