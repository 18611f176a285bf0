package org.slidebatch.batch;

import java.util.concurrent.Callable;

import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * {@code slidebatch stop} from another process marks the job execution STOPPING in the repository, and Spring Batch
 * hands that to a step only when the step updates its execution: at each chunk commit. A training tasklet has one
 * commit, at its end, hours later. So it calls {@link #check} after every checkpoint it writes: the step's context
 * (which names that checkpoint) and execution are saved, and if a stop was asked for, {@link Requested} ends the
 * training there; the tasklet turns it into Spring Batch's {@code JobInterruptedException} (the step ends STOPPED),
 * and {@code restart} resumes from that checkpoint.
 */
public final class StopAtCheckpoint {

    private StopAtCheckpoint() {
    }

    /** Saves {@code step}'s context and execution; throws {@link Requested} when its job was asked to stop. */
    public static void check(JobRepository repository, StepExecution step, Object checkpoint) {
        repository.updateExecutionContext(step);
        try {
            repository.update(step);   // reads the job's status back and marks the step terminate-only if it is stopping
        } catch (OptimisticLockingFailureException raced) {
            // slidebatch stop writes this step execution too (Batch 6's JobOperator.stop), and its commit can land
            // between our read of the job's status and our write: take the version it wrote, and write again (the
            // job is now STOPPING, so this update marks the step terminate-only).
            step.setVersion(repository.getStepExecution(step.getId()).getVersion());
            repository.update(step);
        }
        if (step.isTerminateOnly()) {
            throw new Requested("stop requested: stopped after writing checkpoint " + checkpoint + "; restart resumes from it");
        }
    }

    /** Runs a training; one that {@link #check} ended ends the calling step STOPPED (said on the console as {@code [step] …}). */
    public static <T> T stoppable(String step, Callable<T> training) throws Exception {
        try {
            return training.call();
        } catch (Requested stop) {
            System.out.println("[" + step + "] " + stop.getMessage());
            throw new JobInterruptedException(stop.getMessage());
        }
    }

    /** Unchecked, so it passes through a training loop's callbacks to the tasklet that started it. */
    public static final class Requested extends RuntimeException {
        Requested(String message) {
            super(message);
        }
    }
}
