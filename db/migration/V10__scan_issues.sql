-- What a manifest scan found but could not turn into a slide row, with the reason (duplicate slide id, the same
-- file reached twice through links, an unlistable folder, a symlink loop, a dangling link), per job instance.
CREATE TABLE scan_issue (
    manifest_job_instance_id   BIGINT        NOT NULL,
    path                       VARCHAR(4096) NOT NULL,
    slide_id                   VARCHAR(512),
    kind                       VARCHAR(32)   NOT NULL,
    reason                     VARCHAR(8000) NOT NULL,
    job_execution_id           BIGINT,
    step_execution_id          BIGINT,
    recorded_at                TIMESTAMP     NOT NULL,
    PRIMARY KEY (manifest_job_instance_id, path)
);
