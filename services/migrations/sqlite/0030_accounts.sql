-- Staff accounts, sessions (keyed by the SHA-256 of the cookie value) and failed sign-ins: see the
-- PostgreSQL migration. Times are RFC 3339 text in UTC, as sqlx writes them.
CREATE TABLE staff_users
(
    id            text PRIMARY KEY,
    login         text NOT NULL UNIQUE,
    display_name  text NOT NULL,
    role          text NOT NULL,
    scope         text,
    password_hash text NOT NULL,
    disabled_at   text,
    created_at    text NOT NULL
) STRICT;

CREATE TABLE staff_sessions
(
    id_hash      text PRIMARY KEY,
    user_id      text NOT NULL REFERENCES staff_users (id),
    csrf_token   text NOT NULL,
    created_at   text NOT NULL,
    last_seen_at text NOT NULL,
    ended_at     text
) STRICT;

CREATE INDEX staff_sessions_open_by_user ON staff_sessions (user_id) WHERE ended_at IS NULL;

CREATE TABLE login_failures
(
    login text NOT NULL,
    at    text NOT NULL
) STRICT;

CREATE INDEX login_failures_by_login ON login_failures (login, at);
