package org.slidebatch.batch;

import org.springframework.batch.core.partition.PartitionHandler;

/**
 * Sends the partitions of a per-slide step to remote workers (implemented over RabbitMQ in
 * {@code org.slidebatch.batch.remote}; present only when a broker is configured).
 */
public interface RemotePartitions {

    /**
     * A handler for one manager step execution: one request per partition of {@code workerStep} on the queue of
     * {@code p}, then polls the job repository until every partition has ended or {@code p}'s timeout passes.
     */
    PartitionHandler handler(String workerStep, Partitioning p);
}
