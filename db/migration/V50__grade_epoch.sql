-- Per-epoch record of the grading cross-validation (OpenSlideFM NB11): one row per (run, seed, fold, epoch).
-- run_tag names the cross-validation's folder (cohort + training parameters); a fold resumed after a crash
-- rewrites the rows of the epochs it repeats.
CREATE TABLE grade_epoch (
    step_execution_id BIGINT           NOT NULL,
    run_tag           VARCHAR(200)     NOT NULL,
    seed              BIGINT           NOT NULL,
    fold              INTEGER          NOT NULL,
    epoch             INTEGER          NOT NULL,
    train_loss        DOUBLE PRECISION,
    val_loss          DOUBLE PRECISION,
    val_qwk           DOUBLE PRECISION,
    val_accuracy      DOUBLE PRECISION,
    lr                DOUBLE PRECISION,
    recorded_at       TIMESTAMP        NOT NULL,
    PRIMARY KEY (run_tag, seed, fold, epoch)
);
