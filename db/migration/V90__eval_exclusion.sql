-- Label rows an evaluation left out (no embedding for the slide, no label), with the reason, per job instance and
-- protocol; written by evaluate.split, each row naming its step execution.
CREATE TABLE eval_exclusion (
    job_instance_id   BIGINT        NOT NULL,
    protocol          VARCHAR(32)   NOT NULL,
    line_number       INTEGER       NOT NULL,
    label_key         VARCHAR(512)  NOT NULL,
    reason            VARCHAR(2000) NOT NULL,
    step_execution_id BIGINT        NOT NULL,
    PRIMARY KEY (job_instance_id, protocol, line_number)
);
