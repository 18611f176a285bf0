-- Domain tables of slidebatch. Portable SQL: the same script runs on H2 (embedded default) and PostgreSQL.
-- Spring Batch's own BATCH_* tables are created by Spring Batch (spring.batch.jdbc.initialize-schema).

-- One row per slide of the workspace, as the manifest step last saw it.
CREATE TABLE slide (
    slide_id                  VARCHAR(512)   NOT NULL PRIMARY KEY,
    path                      VARCHAR(4096)  NOT NULL,
    cancer_code               VARCHAR(512),
    fingerprint               VARCHAR(64),
    fingerprint_sha256        VARCHAR(64),
    file_size                 BIGINT,
    mtime                     TIMESTAMP,
    vendor                    VARCHAR(64),
    width                     BIGINT,
    height                    BIGINT,
    level_count               INTEGER,
    level_dimensions          VARCHAR(8000),
    level_downsamples         VARCHAR(8000),
    mpp_x                     DOUBLE PRECISION,
    mpp_y                     DOUBLE PRECISION,
    mpp_source                VARCHAR(64),
    objective_power           DOUBLE PRECISION,
    associated_images         VARCHAR(8000),
    status                    VARCHAR(32)    NOT NULL,
    error                     VARCHAR(8000),
    manifest_job_instance_id  BIGINT,
    manifest_job_execution_id BIGINT,
    manifest_step_execution_id BIGINT,
    recorded_at               TIMESTAMP      NOT NULL
);
CREATE INDEX slide_manifest_instance ON slide (manifest_job_instance_id);

-- What each step did with each slide: done, skipped (with reason) or failed (with reason).
CREATE TABLE slide_step_status (
    slide_id          VARCHAR(512)  NOT NULL,
    step_name         VARCHAR(128)  NOT NULL,
    status            VARCHAR(32)   NOT NULL,
    reason            VARCHAR(8000),
    fingerprint       VARCHAR(64),
    job_execution_id  BIGINT,
    step_execution_id BIGINT,
    updated_at        TIMESTAMP     NOT NULL,
    PRIMARY KEY (slide_id, step_name)
);

-- The compute passport of every step execution (SPEC §1): who ran what, where, with which parameters, how long.
CREATE TABLE compute_passport (
    step_execution_id BIGINT        NOT NULL PRIMARY KEY,
    job_execution_id  BIGINT        NOT NULL,
    job_name          VARCHAR(128)  NOT NULL,
    step_name         VARCHAR(128)  NOT NULL,
    status            VARCHAR(32),
    host              VARCHAR(256),
    os                VARCHAR(256),
    cpu_model         VARCHAR(256),
    cpu_cores         INTEGER,
    ram_bytes         BIGINT,
    gpu               VARCHAR(512),
    jvm               VARCHAR(256),
    library_versions  VARCHAR(4000),
    project_version   VARCHAR(64),
    git_commit        VARCHAR(64),
    job_parameters    VARCHAR(100000),
    parameters_hash   VARCHAR(64),
    started_at        TIMESTAMP,
    ended_at          TIMESTAMP,
    wall_seconds      DOUBLE PRECISION,
    cpu_seconds       DOUBLE PRECISION,
    peak_heap_bytes   BIGINT,
    peak_rss_bytes    BIGINT,
    items_in          BIGINT,
    items_out         BIGINT,
    items_skipped     BIGINT,
    throughput_per_s  DOUBLE PRECISION,
    pid               BIGINT
);
CREATE INDEX compute_passport_job ON compute_passport (job_execution_id);

-- Which process runs a job execution, so that a restart can tell a crashed run from a live one.
CREATE TABLE execution_owner (
    job_execution_id BIGINT       NOT NULL PRIMARY KEY,
    host             VARCHAR(256) NOT NULL,
    pid              BIGINT       NOT NULL,
    started_at       TIMESTAMP    NOT NULL
);
