-- Issue 15: a NOTIFY inside a transaction holds one database-wide lock from before its commit
-- until the commit is flushed, so the trigger's NOTIFY in every command made all nodes' commits
-- (and their WAL flushes) wait one behind the other. Each process now announces its own commits
-- after they committed (the projections runtime, `wake.rs`); other writers are found by polling.
DROP TRIGGER events_notify_projectors ON events;
DROP FUNCTION notify_events_committed();
