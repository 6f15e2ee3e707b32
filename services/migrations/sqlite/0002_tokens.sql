-- Bearer tokens for the HTTP API (see the PostgreSQL migration): only a SHA-256 of each token.
CREATE TABLE api_tokens
(
    id         text PRIMARY KEY,
    token_hash text NOT NULL UNIQUE,
    role       text NOT NULL,
    scope      text,
    created_at text NOT NULL
) STRICT;
