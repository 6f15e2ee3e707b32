-- Staff accounts for the console (DESIGN §1 "People and machines"): one role with its scope per
-- person (scope as in api_tokens), an argon2id PHC string as password hash.
CREATE TABLE staff_users
(
    id            text        PRIMARY KEY,
    login         text        NOT NULL UNIQUE,
    display_name  text        NOT NULL,
    role          text        NOT NULL,
    scope         text,
    password_hash text        NOT NULL,
    disabled_at   timestamptz,
    created_at    timestamptz NOT NULL
);

-- Server-side sessions. The key is the SHA-256 (hex) of the cookie value: the raw session id is
-- never stored, so a copy of the table does not hold usable sessions.
CREATE TABLE staff_sessions
(
    id_hash      text        PRIMARY KEY,
    user_id      text        NOT NULL REFERENCES staff_users (id),
    csrf_token   text        NOT NULL,
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    ended_at     timestamptz
);

-- Open sessions of one user, ended together (disable, password reset).
CREATE INDEX staff_sessions_open_by_user ON staff_sessions (user_id) WHERE ended_at IS NULL;

-- Failed sign-ins, known logins or not, kept in the store so every node counts the same lockout.
-- Rows older than the lockout window are pruned as new failures arrive.
CREATE TABLE login_failures
(
    login text        NOT NULL,
    at    timestamptz NOT NULL
);

CREATE INDEX login_failures_by_login ON login_failures (login, at);
