package org.slidebatch.batch.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.slidebatch.batch.Partitioning;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.step.StepExecution;

/** The worker's guard against stale requests, and the partitioning parameters; no broker, no database. */
class PartitionWorkerTest {

    static StepExecution step(BatchStatus job, BatchStatus step) {
        JobExecution je = new JobExecution(7L, new JobInstance(1L, "qc"), new JobParameters());
        je.setStatus(job);
        StepExecution se = new StepExecution(11L, "qc.slides:partition3", je);
        se.setStatus(step);
        return se;
    }

    @Test
    void runsOnlyARequestWhoseStepAndJobExecutionAreStillRunning() {
        assertThat(PartitionWorker.staleReason(step(BatchStatus.STARTED, BatchStatus.STARTING))).isNull();
        // a killed worker's request, redelivered: the same STARTED step execution resumes
        assertThat(PartitionWorker.staleReason(step(BatchStatus.STARTED, BatchStatus.STARTED))).isNull();
        // recovered by restart
        assertThat(PartitionWorker.staleReason(step(BatchStatus.FAILED, BatchStatus.FAILED)))
            .isEqualTo("its step execution is FAILED");
        // the manager timed out before a worker took it
        assertThat(PartitionWorker.staleReason(step(BatchStatus.FAILED, BatchStatus.STARTING)))
            .isEqualTo("its job execution 7 is FAILED");
        assertThat(PartitionWorker.staleReason(step(BatchStatus.STOPPING, BatchStatus.STARTED)))
            .isEqualTo("its job execution 7 is STOPPING");
        assertThat(PartitionWorker.staleReason(step(BatchStatus.STARTED, BatchStatus.COMPLETED)))
            .isEqualTo("its step execution is COMPLETED");
        assertThat(PartitionWorker.staleReason(null)).isEqualTo("no such step execution in this job repository");
    }

    static JobParameters params(String... kv) {
        JobParametersBuilder b = new JobParametersBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            b.addString(kv[i], kv[i + 1]);
        }
        return b.toJobParameters();
    }

    @Test
    void partitioningParameters() {
        assertThat(Partitioning.from(params())).isEqualTo(new Partitioning(false, 0, "slidebatch.partitions", 0, 1000));
        assertThat(Partitioning.from(params("partitioning", "remote")))
            .isEqualTo(new Partitioning(true, 1, "slidebatch.partitions", 0, 1000));
        assertThat(Partitioning.from(params("partitioning", "remote", "partition_slides", "8", "remote_queue", "cohort-a",
            "remote_timeout_s", "3600", "remote_poll_ms", "250")))
            .isEqualTo(new Partitioning(true, 8, "cohort-a", 3600, 250));
        assertThat(Partitioning.from(params("partition_slides", "3"))).isEqualTo(new Partitioning(false, 3, "slidebatch.partitions", 0, 1000));
        assertThatThrownBy(() -> Partitioning.from(params("partitioning", "cluster")))
            .hasMessage("partitioning must be local or remote, got 'cluster'");
        assertThatThrownBy(() -> Partitioning.from(params("partition_slides", "0")))
            .hasMessage("partition_slides must be a positive integer, got '0'");
        assertThatThrownBy(() -> Partitioning.from(params("partitioning", "remote", "remote_queue", "a queue")))
            .hasMessageStartingWith("remote_queue must be 1-200 characters");
        assertThatThrownBy(() -> Partitioning.from(params("remote_timeout_s", "30")))
            .hasMessage("remote_timeout_s applies only to partitioning=remote");
        assertThatThrownBy(() -> Partitioning.from(params("partitioning", "remote", "remote_poll_ms", "5")))
            .hasMessage("remote_poll_ms must be between 50 and 600000 milliseconds, got 5");
    }
}
