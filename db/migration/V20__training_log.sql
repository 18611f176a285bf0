-- Training record of the aggregator pretraining (OpenSlideFM NB06 phase 1): one row every log_every_steps.
-- run_tag names the training run (its checkpoint folder); a restart deletes the rows past the step it resumes from.
CREATE TABLE training_log (
    step_execution_id BIGINT        NOT NULL,
    run_tag           VARCHAR(200)  NOT NULL,
    phase             INTEGER       NOT NULL,
    epoch             INTEGER       NOT NULL,
    step              BIGINT        NOT NULL,
    lr                DOUBLE PRECISION,
    loss              DOUBLE PRECISION,
    loss_byol         DOUBLE PRECISION,
    loss_mfr          DOUBLE PRECISION,
    tokens_per_s      DOUBLE PRECISION,
    seconds           DOUBLE PRECISION,
    recorded_at       TIMESTAMP     NOT NULL,
    PRIMARY KEY (run_tag, phase, step)
);
