-- Provenance: every file a step wrote, with its hash and the step execution that wrote it (kept per execution).
CREATE TABLE output_file (
    path              VARCHAR(4096) NOT NULL,
    sha256            VARCHAR(64)   NOT NULL,
    bytes             BIGINT        NOT NULL,
    slide_id          VARCHAR(512),
    input_fingerprint VARCHAR(64),
    step_name         VARCHAR(128)  NOT NULL,
    job_execution_id  BIGINT        NOT NULL,
    step_execution_id BIGINT        NOT NULL,
    recorded_at       TIMESTAMP     NOT NULL,
    PRIMARY KEY (path, step_execution_id)
);
CREATE INDEX output_file_job ON output_file (job_execution_id);
