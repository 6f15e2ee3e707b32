-- The NATS relay's checkpoint (see the PostgreSQL migration).
CREATE TABLE relay_checkpoint
(
    id       integer PRIMARY KEY CHECK (id = 1),
    position text    NOT NULL
) STRICT;

INSERT INTO relay_checkpoint (id, position) VALUES (1, '0-0');
