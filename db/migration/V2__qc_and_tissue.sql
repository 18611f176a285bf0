-- QC metrics (OpenSlideFM NB03) and CLAM tissue segmentation results, one row per slide (latest run).
CREATE TABLE qc_metrics (
    slide_id          VARCHAR(512)  NOT NULL PRIMARY KEY,
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
    recorded_at       TIMESTAMP     NOT NULL
);

CREATE TABLE tissue_segmentation (
    slide_id           VARCHAR(512)  NOT NULL PRIMARY KEY,
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
    recorded_at        TIMESTAMP     NOT NULL
);
