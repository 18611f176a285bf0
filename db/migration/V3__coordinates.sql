-- Patch coordinates: one row per slide and scale (tokens, OpenSlideFM NB04) and per slide (CLAM/GPFM grid).
CREATE TABLE tile_summary (
    slide_id        VARCHAR(512)  NOT NULL,
    scale_um_per_px DOUBLE PRECISION NOT NULL,
    fingerprint     VARCHAR(64),
    level           INTEGER,
    approx_mpp      DOUBLE PRECISION,
    candidates      INTEGER,
    tiles           INTEGER,
    seed            BIGINT,
    path            VARCHAR(4096),
    job_execution_id BIGINT,
    recorded_at     TIMESTAMP     NOT NULL,
    PRIMARY KEY (slide_id, scale_um_per_px)
);

CREATE TABLE grid_summary (
    slide_id        VARCHAR(512)  NOT NULL PRIMARY KEY,
    fingerprint     VARCHAR(64),
    patch_size      INTEGER,
    step_size       INTEGER,
    patch_level     INTEGER,
    contour_fn      VARCHAR(32),
    use_padding     BOOLEAN,
    patches         INTEGER,
    parquet_path    VARCHAR(4096),
    h5_path         VARCHAR(4096),
    job_execution_id BIGINT,
    recorded_at     TIMESTAMP     NOT NULL
);
