-- The owner of a job execution is recorded in the transaction that creates the execution (no window in which an
-- execution exists without an owner), with the owning process's start time, so a recycled pid is told apart.
ALTER TABLE execution_owner ADD COLUMN process_started_at TIMESTAMP;
