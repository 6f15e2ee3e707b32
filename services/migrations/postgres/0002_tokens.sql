-- Bearer tokens for the HTTP API (DESIGN §1): each grants one role, with its scope (the street of
-- a dispatcher, the department of a department, the member id of a volunteer; NULL otherwise).
-- Only a SHA-256 of the token is kept: a leaked table does not leak usable tokens.
CREATE TABLE api_tokens
(
    id         text        PRIMARY KEY,
    token_hash text        NOT NULL UNIQUE,
    role       text        NOT NULL,
    scope      text,
    created_at timestamptz NOT NULL
);
