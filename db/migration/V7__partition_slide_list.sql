-- The slide list a partitioned step froze when it first split its work: partitions hold only an index range into it
-- (not a growing string re-saved with every commit), and a restart walks exactly the same list.
CREATE TABLE step_slide_list (
    list_id  BIGINT       NOT NULL,
    idx      INTEGER      NOT NULL,
    slide_id VARCHAR(512) NOT NULL,
    PRIMARY KEY (list_id, idx)
);
