package org.slidebatch.batch;

import org.slidebatch.store.SlideRecord;
import org.springframework.batch.core.job.parameters.JobParameters;

/**
 * The work of one per-slide step, split so that no database connection is held while a slide is computed
 * (a slide takes minutes in {@code features}; the pool has a handful of connections):
 * <ol>
 *   <li>{@link #open} once per partition step execution, before any slide: parse the stage's parameter record.
 *       A fresh instance is made for every partition step execution (step scope), so fields are safe.</li>
 *   <li>{@link #compute} per slide, on a thread outside the chunk transaction: read inputs (short database reads
 *       are allowed: each borrows a pooled connection and returns it at once), compute, return the result. It must not
 *       write files or rows.</li>
 *   <li>{@link #write} per slide, in the chunk transaction that also records the slide's status and the reader
 *       position: write the files through {@link SlideOutputs#file} (atomic, registered with their SHA-256 and the step
 *       execution) first, then the rows (the chunk transaction takes its pooled connection at the first statement, so the
 *       files are written without one). If it throws before its rows (a file cannot be written), the slide is FAILED
 *       with the reason and the run goes on; a database error fails the chunk (restart redoes the slide).</li>
 * </ol>
 * Deterministic, so that a slide redone after a crash (files written, status not yet committed) gives the same bytes.
 * Wire it with {@link PerSlideSteps#build}. Code written against the older {@link SlideTask} still works through
 * {@link PerSlidePartitionedStep#build}.
 *
 * @param <R> what compute hands to write (a record)
 */
public interface SlideWork<R> {

    default void open(JobParameters parameters) throws Exception {
    }

    SlideResult<R> compute(SlideRecord slide) throws Exception;

    void write(SlideRecord slide, R result, SlideOutputs outputs) throws Exception;
}
