-- Read models (issue 4): where each catch-up projector stands in the global log. A projector writes
-- its checkpoint in the same transaction as its read-model rows, so a crash neither loses nor
-- double-applies an event. The read-model tables themselves are created by the projections crate
-- from one definition per table (a rebuild needs shadow copies of exactly that DDL), and
-- `schema_version` says which definition built them: a mismatch triggers a rebuild at start-up.
CREATE TABLE projection_checkpoints
(
    name           text   PRIMARY KEY,
    transaction_id bigint NOT NULL,
    position       bigint NOT NULL,
    schema_version text   NOT NULL,
    -- Bumped by every rebuild; index names carry it so a shadow never collides with the live table.
    generation     bigint NOT NULL
);

-- Wakes catch-up projectors (LISTEN shaobao_events) when events commit; NOTIFY is delivered at
-- commit and folded per transaction, so a command costs one notification at most.
CREATE FUNCTION notify_events_committed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shaobao_events', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER events_notify_projectors
    AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_events_committed();
