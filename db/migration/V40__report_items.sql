-- The figures and tables of each report execution (issue 15): what was drawn from which step executions and inputs,
-- and what was not available and why. One row per item of a report step execution.
CREATE TABLE report_item (
    report_step_execution_id  BIGINT         NOT NULL,
    item_id                   VARCHAR(128)   NOT NULL,
    kind                      VARCHAR(16)    NOT NULL,
    title                     VARCHAR(512)   NOT NULL,
    available                 BOOLEAN        NOT NULL,
    reason                    VARCHAR(4000),
    files                     VARCHAR(4000),
    source_step_execution_ids VARCHAR(4000),
    inputs                    VARCHAR(16000),
    report_path               VARCHAR(4096),
    recorded_at               TIMESTAMP      NOT NULL,
    PRIMARY KEY (report_step_execution_id, item_id)
);
