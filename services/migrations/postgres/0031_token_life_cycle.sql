-- Tokens with a life cycle (DESIGN §1): an optional expiry, a revocation time, and when each token
-- was last used (written at most once a minute per token, for `token list`). A revoked or expired
-- token is refused; rows are kept so events keep naming the token that acted.
ALTER TABLE api_tokens
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN revoked_at   timestamptz,
    ADD COLUMN last_used_at timestamptz;
