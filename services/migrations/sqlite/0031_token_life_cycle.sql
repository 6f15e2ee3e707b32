-- Tokens with a life cycle: see the PostgreSQL migration.
ALTER TABLE api_tokens ADD COLUMN expires_at text;
ALTER TABLE api_tokens ADD COLUMN revoked_at text;
ALTER TABLE api_tokens ADD COLUMN last_used_at text;
