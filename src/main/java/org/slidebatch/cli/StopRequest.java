package org.slidebatch.cli;

import java.util.function.Consumer;
import java.util.function.LongFunction;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * Sends Spring Batch's stop for an execution that runs in another process. Batch 6's {@code JobOperator.stop} writes
 * the job execution (STOPPING), then each running step execution, each against the version it read. A running step
 * writes its own execution at every chunk and, in training, at every checkpoint (several a second in a short grade
 * fold), so the step's version read here can be stale by the time of the write: the stop then fails with an
 * optimistic-locking error. Whether the job's STOPPING was kept varies (the full suite once saw the job end STOPPED
 * after such a failure), so each retry first reads the execution again: STOPPING or STOPPED means the stop landed;
 * otherwise it is resent (the running process keeps the stop once it sees STOPPING, whoever wrote last).
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
                JobExecution fresh = read.apply(id);
                if (made > 1 && (fresh.getStatus() == BatchStatus.STOPPING || fresh.getStatus() == BatchStatus.STOPPED)) {
                    return;   // an earlier attempt's STOPPING reached the job before its step write failed
                }
                stop.accept(fresh);
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
