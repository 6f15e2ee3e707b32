-- Read models (issue 4): see the PostgreSQL migration. SQLite has no NOTIFY: projectors in the
-- writing process are woken in memory, others poll.
CREATE TABLE projection_checkpoints
(
    name           text    PRIMARY KEY,
    transaction_id integer NOT NULL,
    position       integer NOT NULL,
    schema_version text    NOT NULL,
    generation     integer NOT NULL
) STRICT;
