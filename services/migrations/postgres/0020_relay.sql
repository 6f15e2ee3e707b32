-- The NATS relay's checkpoint: the log position (token) of the last event whose messages JetStream
-- acknowledged. One row: one relay per database (it runs under the `relay` lease).
CREATE TABLE relay_checkpoint
(
    id       integer PRIMARY KEY CHECK (id = 1),
    position text    NOT NULL
);

INSERT INTO relay_checkpoint (id, position) VALUES (1, '0-0');
