-- The event log: sqlite-es's `events` columns (its INSERT names them), with an explicit
-- AUTOINCREMENT position as the global commit order. SQLite has one writer at a time, so positions
-- are handed out in commit order; AUTOINCREMENT (unlike the bare rowid) is never reused or
-- renumbered by VACUUM.
CREATE TABLE events
(
    position       INTEGER PRIMARY KEY AUTOINCREMENT,
    aggregate_type text                          NOT NULL,
    aggregate_id   text                          NOT NULL,
    sequence       integer CHECK (sequence >= 0) NOT NULL,
    event_type     text                          NOT NULL,
    event_version  text                          NOT NULL,
    payload        text                          NOT NULL,
    metadata       text                          NOT NULL,
    UNIQUE (aggregate_type, aggregate_id, sequence)
) STRICT;

CREATE TABLE snapshots
(
    aggregate_type   text                                  NOT NULL,
    aggregate_id     text                                  NOT NULL,
    last_sequence    integer CHECK (last_sequence >= 0)    NOT NULL,
    current_snapshot integer CHECK (current_snapshot >= 0) NOT NULL,
    payload          text                                  NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id, last_sequence)
) STRICT;

-- See the PostgreSQL migration: the head of every stream, kept by the inserting transaction.
CREATE TABLE stream_heads
(
    aggregate_type text    NOT NULL,
    aggregate_id   text    NOT NULL,
    sequence       integer NOT NULL,
    hash           text    NOT NULL,
    PRIMARY KEY (aggregate_type, aggregate_id)
) STRICT;

CREATE TRIGGER events_stream_head
    AFTER INSERT ON events
BEGIN
    INSERT INTO stream_heads (aggregate_type, aggregate_id, sequence, hash)
    VALUES (NEW.aggregate_type, NEW.aggregate_id, NEW.sequence, json_extract(NEW.metadata, '$.hash'))
    ON CONFLICT (aggregate_type, aggregate_id)
        DO UPDATE SET sequence = excluded.sequence, hash = excluded.hash
        WHERE stream_heads.sequence < excluded.sequence;
END;

-- Events are append-only (see the PostgreSQL migration).
CREATE TRIGGER events_no_update
    BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

CREATE TRIGGER events_no_delete
    BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
