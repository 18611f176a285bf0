-- Who started a job execution (the operating-system user of the process), for the dashboard's "who/where".
ALTER TABLE execution_owner ADD COLUMN os_user VARCHAR(256);
