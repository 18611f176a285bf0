-- Which processes set out to create an execution of a job instance, recorded before the execution exists (Spring Batch
-- creates executions in a transaction of its own, so the owner row can only follow it). An execution without an owner
-- row is then still attributable: if every process that claimed its instance on this host is gone, so is its owner.
CREATE TABLE execution_claim (
    job_instance_id    BIGINT       NOT NULL,
    host               VARCHAR(256) NOT NULL,
    pid                BIGINT       NOT NULL,
    process_started_at TIMESTAMP,
    claimed_at         TIMESTAMP    NOT NULL,
    PRIMARY KEY (job_instance_id, host, pid)
);
