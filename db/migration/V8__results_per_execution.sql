-- Results kept per execution: every result row names the job and step execution that produced it, and a rerun adds
-- rows instead of deleting the previous ones; the current row of a slide (and scale) has is_current = TRUE.
-- Portable rebuild (H2 and PostgreSQL): rename, create, copy, drop. Rows from before this version get step execution 0.
ALTER TABLE qc_metrics RENAME TO qc_metrics_v4;
CREATE TABLE qc_metrics (
    slide_id          VARCHAR(512)  NOT NULL,
    fingerprint       VARCHAR(64),
    thumb_width       INTEGER,
    thumb_height      INTEGER,
    tissue_pct        DOUBLE PRECISION,
    white_pct         DOUBLE PRECISION,
    pen_pct           DOUBLE PRECISION,
    blur_var          DOUBLE PRECISION,
    brightness_mean   DOUBLE PRECISION,
    saturation_mean   DOUBLE PRECISION,
    excluded          BOOLEAN       NOT NULL,
    reasons           VARCHAR(1000),
    thresholds        VARCHAR(1000),
    overlay_path      VARCHAR(4096),
    job_execution_id  BIGINT,
    recorded_at       TIMESTAMP     NOT NULL,
    step_execution_id BIGINT NOT NULL DEFAULT 0,
    is_current BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO qc_metrics (slide_id, fingerprint, thumb_width, thumb_height, tissue_pct, white_pct, pen_pct, blur_var, brightness_mean, saturation_mean, excluded, reasons, thresholds, overlay_path, job_execution_id, recorded_at) SELECT slide_id, fingerprint, thumb_width, thumb_height, tissue_pct, white_pct, pen_pct, blur_var, brightness_mean, saturation_mean, excluded, reasons, thresholds, overlay_path, job_execution_id, recorded_at FROM qc_metrics_v4;
DROP TABLE qc_metrics_v4;
CREATE UNIQUE INDEX qc_metrics_per_run ON qc_metrics (slide_id, step_execution_id);
CREATE INDEX qc_metrics_current ON qc_metrics (slide_id, is_current);

ALTER TABLE tissue_segmentation RENAME TO tissue_segmentation_v4;
CREATE TABLE tissue_segmentation (
    slide_id           VARCHAR(512)  NOT NULL,
    fingerprint        VARCHAR(64),
    preset             VARCHAR(64),
    parameters         VARCHAR(4000),
    seg_level          INTEGER,
    seg_downsample_x   DOUBLE PRECISION,
    seg_downsample_y   DOUBLE PRECISION,
    contour_count      INTEGER,
    hole_count         INTEGER,
    tissue_area_level0 DOUBLE PRECISION,
    tissue_fraction    DOUBLE PRECISION,
    geojson_path       VARCHAR(4096),
    mask_path          VARCHAR(4096),
    seconds            DOUBLE PRECISION,
    job_execution_id   BIGINT,
    recorded_at        TIMESTAMP     NOT NULL,
    step_execution_id BIGINT NOT NULL DEFAULT 0,
    is_current BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO tissue_segmentation (slide_id, fingerprint, preset, parameters, seg_level, seg_downsample_x, seg_downsample_y, contour_count, hole_count, tissue_area_level0, tissue_fraction, geojson_path, mask_path, seconds, job_execution_id, recorded_at) SELECT slide_id, fingerprint, preset, parameters, seg_level, seg_downsample_x, seg_downsample_y, contour_count, hole_count, tissue_area_level0, tissue_fraction, geojson_path, mask_path, seconds, job_execution_id, recorded_at FROM tissue_segmentation_v4;
DROP TABLE tissue_segmentation_v4;
CREATE UNIQUE INDEX tissue_segmentation_per_run ON tissue_segmentation (slide_id, step_execution_id);
CREATE INDEX tissue_segmentation_current ON tissue_segmentation (slide_id, is_current);

ALTER TABLE tile_summary RENAME TO tile_summary_v4;
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
    step_execution_id BIGINT NOT NULL DEFAULT 0,
    is_current BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO tile_summary (slide_id, scale_um_per_px, fingerprint, level, approx_mpp, candidates, tiles, seed, path, job_execution_id, recorded_at) SELECT slide_id, scale_um_per_px, fingerprint, level, approx_mpp, candidates, tiles, seed, path, job_execution_id, recorded_at FROM tile_summary_v4;
DROP TABLE tile_summary_v4;
CREATE UNIQUE INDEX tile_summary_per_run ON tile_summary (slide_id, scale_um_per_px, step_execution_id);
CREATE INDEX tile_summary_current ON tile_summary (slide_id, is_current);

ALTER TABLE grid_summary RENAME TO grid_summary_v4;
CREATE TABLE grid_summary (
    slide_id        VARCHAR(512)  NOT NULL,
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
    recorded_at     TIMESTAMP     NOT NULL,
    step_execution_id BIGINT NOT NULL DEFAULT 0,
    is_current BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO grid_summary (slide_id, fingerprint, patch_size, step_size, patch_level, contour_fn, use_padding, patches, parquet_path, h5_path, job_execution_id, recorded_at) SELECT slide_id, fingerprint, patch_size, step_size, patch_level, contour_fn, use_padding, patches, parquet_path, h5_path, job_execution_id, recorded_at FROM grid_summary_v4;
DROP TABLE grid_summary_v4;
CREATE UNIQUE INDEX grid_summary_per_run ON grid_summary (slide_id, step_execution_id);
CREATE INDEX grid_summary_current ON grid_summary (slide_id, is_current);

ALTER TABLE feature_file RENAME TO feature_file_v4;
CREATE TABLE feature_file (
    slide_id        VARCHAR(512)  NOT NULL,
    scale_um_per_px DOUBLE PRECISION NOT NULL,
    fingerprint     VARCHAR(64),
    tiles           INTEGER,
    dim             INTEGER,
    dtype           VARCHAR(16),
    features_path   VARCHAR(4096),
    coords_path     VARCHAR(4096),
    weights         VARCHAR(1000),
    seconds         DOUBLE PRECISION,
    job_execution_id BIGINT,
    recorded_at     TIMESTAMP     NOT NULL,
    step_execution_id BIGINT NOT NULL DEFAULT 0,
    is_current BOOLEAN NOT NULL DEFAULT TRUE
);
INSERT INTO feature_file (slide_id, scale_um_per_px, fingerprint, tiles, dim, dtype, features_path, coords_path, weights, seconds, recorded_at) SELECT slide_id, scale_um_per_px, fingerprint, tiles, dim, dtype, features_path, coords_path, weights, seconds, recorded_at FROM feature_file_v4;
DROP TABLE feature_file_v4;
CREATE UNIQUE INDEX feature_file_per_run ON feature_file (slide_id, scale_um_per_px, step_execution_id);
CREATE INDEX feature_file_current ON feature_file (slide_id, is_current);

