package org.slidebatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.dao.OptimisticLockingFailureException;

/** A stop that loses the version race to the running step is resent with a freshly read execution. */
class StopRequestTest {

    @Test
    void aStopThatRacedTheRunningStepIsResentWithTheExecutionReadAgain() {
        List<JobExecution> reads = new ArrayList<>();
        List<JobExecution> stopped = new ArrayList<>();
        StopRequest.send(7, id -> {
            JobExecution e = new JobExecution(id, new JobInstance(1, "grade"), new JobParameters());
            e.setVersion(reads.size());   // the running step moved on between reads
            reads.add(e);
            return e;
        }, e -> {
            if (e.getVersion() < 2) {
                throw new OptimisticLockingFailureException("Attempt to update step execution id=1 with wrong version (" + e.getVersion() + ")");
            }
            stopped.add(e);
        });
        assertThat(reads).hasSize(3);
        assertThat(stopped).containsExactly(reads.get(2));
    }

    @Test
    void aStopWhoseJobWriteLandedBeforeItsStepWriteFailedIsNotSentAgain() {
        // The job went STOPPING with the first attempt and the training stopped before the retry read it: sending the
        // stop again would be refused ("not running"), though the stop did what was asked.
        List<JobExecution> reads = new ArrayList<>();
        int[] sent = {0};
        StopRequest.send(7, id -> {
            JobExecution e = new JobExecution(id, new JobInstance(1, "grade"), new JobParameters());
            e.setStatus(reads.isEmpty() ? org.springframework.batch.core.BatchStatus.STARTED : org.springframework.batch.core.BatchStatus.STOPPED);
            reads.add(e);
            return e;
        }, e -> {
            sent[0]++;
            throw new OptimisticLockingFailureException("Attempt to update step execution id=1 with wrong version (9)");
        });
        assertThat(reads).hasSize(2);
        assertThat(sent[0]).isEqualTo(1);
    }

    @Test
    void aStopThatNeverWinsSaysSoAfterItsAttempts() {
        int[] attempts = {0};
        assertThatThrownBy(() -> StopRequest.send(7, id -> new JobExecution(id, new JobInstance(1, "grade"), new JobParameters()),
            e -> {
                attempts[0]++;
                throw new OptimisticLockingFailureException("wrong version");
            }))
            .isInstanceOf(CliException.class)
            .hasMessage("execution 7 kept changing under the stop request (8 attempts: wrong version); run stop again");
        assertThat(attempts[0]).isEqualTo(StopRequest.ATTEMPTS);
    }
}
