-- An idempotency key names one request on one stream: the command path looks a client's command
-- id up across the whole log to refuse its reuse on another stream (409 idempotency_key_reused).
-- The expression must stay exactly the one `Store::sql` writes for {meta:command_id}.
CREATE INDEX events_command_id ON events ((metadata ->> 'command_id'));
