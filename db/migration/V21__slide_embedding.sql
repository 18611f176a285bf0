-- Slide embeddings (OpenSlideFM NB08): one row per (tag, slide); a slide is skipped when embedded with the same checkpoint.
CREATE TABLE slide_embedding (
    tag               VARCHAR(200)  NOT NULL,
    slide_id          VARCHAR(512)  NOT NULL,
    checkpoint_sha256 VARCHAR(64)   NOT NULL,
    tokens_0p5        INTEGER       NOT NULL,
    tokens_2p0        INTEGER       NOT NULL,
    norm              DOUBLE PRECISION NOT NULL,
    path              VARCHAR(4096) NOT NULL,
    step_execution_id BIGINT,
    recorded_at       TIMESTAMP     NOT NULL,
    PRIMARY KEY (tag, slide_id)
);
