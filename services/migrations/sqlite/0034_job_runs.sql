-- When each singleton job last completed a pass: see the PostgreSQL migration.
CREATE TABLE job_runs
(
    job         text PRIMARY KEY,
    last_run_at text NOT NULL
) STRICT;
