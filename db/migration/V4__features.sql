-- Feature files (OpenSlideFM NB05) and free-form passport notes (model weights, throughput self-test).
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
    recorded_at     TIMESTAMP     NOT NULL,
    PRIMARY KEY (slide_id, scale_um_per_px)
);

ALTER TABLE compute_passport ADD COLUMN notes VARCHAR(4000);
