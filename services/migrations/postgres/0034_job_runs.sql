-- When each singleton job (the deadline service) last completed a pass, whichever node ran it:
-- `/metrics` on every node shows it, so an operator sees a stalled deadline service.
CREATE TABLE job_runs
(
    job         text        PRIMARY KEY,
    last_run_at timestamptz NOT NULL
);
