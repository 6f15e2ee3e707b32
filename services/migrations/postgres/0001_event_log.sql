-- The event log: postgres-es's `events` table (its seven columns and primary key, unchanged), plus a
-- global commit order. postgres-es names its seven columns in its INSERT, so the extra columns take
-- their defaults.
--
-- Catch-up readers follow (transaction_id, position) and only read below the oldest transaction
-- still open (pg_snapshot_xmin), so an event committed late by a long transaction is never skipped.
CREATE TABLE events
(
    aggregate_type text                         NOT NULL,
    aggregate_id   text                         NOT NULL,
    sequence       bigint CHECK (sequence >= 0) NOT NULL,
    event_type     text                         NOT NULL,
    event_version  text                         NOT NULL,
    payload        json                         NOT NULL,
    metadata       json                         NOT NULL,
    position       bigint GENERATED ALWAYS AS IDENTITY,
    transaction_id xid8                         NOT NULL DEFAULT pg_current_xact_id(),
    PRIMARY KEY (aggregate_type, aggregate_id, sequence)
);

-- Required for keyset paging in commit order (without it catch-up reads are ~80x slower).
CREATE INDEX events_commit_order ON events (transaction_id, position);

-- postgres-es expects this table even when snapshots are unused.
CREATE TABLE snapshots
(
    aggregate_type   text                                 NOT NULL,
    aggregate_id     text                                 NOT NULL,
    last_sequence    bigint CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot bigint CHECK (current_snapshot >= 0) NOT NULL,
    payload          json                                 NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
);

-- The head of every stream, maintained by the database in the inserting transaction, so the
-- verifier can tell a deleted last event from a short stream.
CREATE TABLE stream_heads
(
    aggregate_type text   NOT NULL,
    aggregate_id   text   NOT NULL,
    sequence       bigint NOT NULL,
    hash           text   NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id)
);

CREATE FUNCTION record_stream_head() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stream_heads (aggregate_type, aggregate_id, sequence, hash)
    VALUES (NEW.aggregate_type, NEW.aggregate_id, NEW.sequence, NEW.metadata ->> 'hash')
    ON CONFLICT (aggregate_type, aggregate_id)
        DO UPDATE SET sequence = EXCLUDED.sequence, hash = EXCLUDED.hash
        WHERE stream_heads.sequence < EXCLUDED.sequence;
    RETURN NEW;
END
$$;

CREATE TRIGGER events_stream_head
    AFTER INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION record_stream_head();

-- Events are never updated or deleted through the application; this makes an accidental UPDATE or
-- DELETE fail loudly. (The table owner can still disable it: the hash chain is what proves integrity.)
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only';
END
$$;

CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
