-- Post-training diagnostics (OpenSlideFM NB06C): one row per gate per run of the diagnostics step.
CREATE TABLE posttrain_gate (
    step_execution_id BIGINT        NOT NULL,
    gate              VARCHAR(64)   NOT NULL,
    status            VARCHAR(8)    NOT NULL,
    detail            VARCHAR(2000),
    gate_value        DOUBLE PRECISION,
    report_path       VARCHAR(4096),
    recorded_at       TIMESTAMP     NOT NULL,
    PRIMARY KEY (step_execution_id, gate)
);
