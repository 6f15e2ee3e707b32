-- Idempotency keys looked up across the log: see the PostgreSQL migration. The expression must
-- stay exactly the one `Store::sql` writes for {meta:command_id}.
CREATE INDEX events_command_id ON events (json_extract(metadata, '$.command_id'));
