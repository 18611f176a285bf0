package org.slidebatch.cli;

import java.util.function.Consumer;
import java.util.function.LongFunction;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * Sends Spring Batch's stop for an execution that runs in another process. Batch 6's {@code JobOperator.stop} writes
 * the job execution (STOPPING) and each running step execution in one transaction, each against the version it read.
 * A running step writes its own execution at every chunk and, in training, at every checkpoint (several a second in a
 * short grade fold), so the versions read here can be stale by the time of the write: the stop then fails with an
 * optimistic-locking error and nothing of it is committed. Reading the execution again and resending is safe (the
 * running process keeps the stop once it sees STOPPING, whoever wrote last), so a few attempts settle the race.
 */
final class StopRequest {

    static final int ATTEMPTS = 8;

    private StopRequest() {
    }

    /** Reads execution {@code id} with {@code read} and passes it to {@code stop}, again on each version race. */
    static void send(long id, LongFunction<JobExecution> read, Consumer<JobExecution> stop) {
        OptimisticLockingFailureException last = null;
        int made = 0;
        while (made < ATTEMPTS) {
            made++;
            try {
                stop.accept(read.apply(id));
                return;
            } catch (OptimisticLockingFailureException raced) {
                last = raced;
            }
            try {
                Thread.sleep(25L << Math.min(made - 1, 4));   // let the running step's commit land
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new CliException("execution " + id + " kept changing under the stop request (" + made
            + " attempts: " + last.getMessage() + "); run stop again");
    }
}
