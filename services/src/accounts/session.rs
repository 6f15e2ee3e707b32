//! Server-side sessions: the cookie carries 32 random bytes (hex); the store keeps only their
//! SHA-256. Every lookup joins the user, so a disabled account is refused on every node at its
//! next request.

use chrono::{DateTime, TimeDelta, Utc};

use super::csrf::new_token;
use super::user::{User, UserRow, USER_COLUMNS};
use super::{AccountError, Accounts};
use crate::store::{Store, StoreError};
use crate::tokens::{hash, random_hex};
use crate::with_pool;

/// `last_seen_at` is written at most this often per session (not once per request).
const LAST_SEEN_RESOLUTION: TimeDelta = TimeDelta::minutes(1);
/// Random bytes behind a session cookie.
const SESSION_BYTES: usize = 32;

/// How long a session lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ended when unused for longer than this (default 30 minutes). `last_seen_at` moves at most
    /// once a minute, so a session may end up to a minute early.
    pub idle: TimeDelta,
    /// Ended this long after sign-in, however busy (default 12 hours).
    pub absolute: TimeDelta,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle: TimeDelta::minutes(30),
            absolute: TimeDelta::hours(12),
        }
    }
}

/// A successful sign-in.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The cookie value (shown to the browser only; the store keeps its hash).
    pub session: String,
    /// The token every form of this session carries.
    pub csrf_token: String,
    pub user: User,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    csrf_token: String,
    session_created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    ended_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    user: UserRow,
}

impl Accounts {
    /// The session behind a cookie value, or `None` when there is none or it has ended. Ends it
    /// now if it was idle too long, is too old or its user is disabled; otherwise notes that it
    /// was seen (at most once a minute).
    pub async fn session(
        &self,
        cookie_value: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Session>, AccountError> {
        if !well_formed(cookie_value) {
            return Ok(None);
        }
        let id_hash = hash(cookie_value);
        let sql = format!(
            "SELECT s.csrf_token, s.created_at AS session_created_at, s.last_seen_at, s.ended_at, \
             {USER_COLUMNS} FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id \
             WHERE s.id_hash = $1"
        );
        let row: Option<SessionRow> = with_pool!(&self.store, pool => {
            sqlx::query_as(&sql)
                .bind(&id_hash)
                .fetch_optional(pool)
                .await
                .map_err(StoreError::from)?
        });
        let Some(row) = row.filter(|row| row.ended_at.is_none()) else {
            return Ok(None);
        };
        let user = User::try_from(row.user)?;
        let policy = self.policy;
        if user.disabled
            || now - row.last_seen_at > policy.idle
            || now - row.session_created_at > policy.absolute
        {
            end_session(&self.store, &id_hash, now).await?;
            return Ok(None);
        }
        if now - row.last_seen_at >= LAST_SEEN_RESOLUTION {
            let sql = "UPDATE staff_sessions SET last_seen_at = $2 \
                       WHERE id_hash = $1 AND ended_at IS NULL AND last_seen_at < $2";
            with_pool!(&self.store, pool => {
                sqlx::query(sql)
                    .bind(&id_hash)
                    .bind(now)
                    .execute(pool)
                    .await
                    .map_err(StoreError::from)?;
            });
        }
        Ok(Some(Session {
            user,
            csrf_token: row.csrf_token,
        }))
    }

    /// Ends the session behind a cookie value (nothing happens for an unknown or ended one).
    pub async fn sign_out(
        &self,
        cookie_value: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AccountError> {
        if well_formed(cookie_value) {
            end_session(&self.store, &hash(cookie_value), now).await?;
        }
        Ok(())
    }
}

/// Starts a session for `user`: the cookie value and the CSRF token.
pub(crate) async fn start(
    store: &Store,
    user: &User,
    now: DateTime<Utc>,
) -> Result<(String, String), StoreError> {
    let session = random_hex(SESSION_BYTES);
    let csrf_token = new_token();
    let sql =
        "INSERT INTO staff_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) \
               VALUES ($1, $2, $3, $4, $4)";
    with_pool!(store, pool => {
        sqlx::query(sql)
            .bind(hash(&session))
            .bind(&user.id)
            .bind(&csrf_token)
            .bind(now)
            .execute(pool)
            .await?;
    });
    Ok((session, csrf_token))
}

/// Ends every open session of the user with this login (disable, password reset).
pub(crate) async fn end_sessions_of(
    store: &Store,
    login: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let sql = "UPDATE staff_sessions SET ended_at = $2 WHERE ended_at IS NULL \
               AND user_id = (SELECT id FROM staff_users WHERE login = $1)";
    with_pool!(store, pool => {
        sqlx::query(sql).bind(login).bind(now).execute(pool).await?;
    });
    Ok(())
}

async fn end_session(store: &Store, id_hash: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let sql = "UPDATE staff_sessions SET ended_at = $2 WHERE id_hash = $1 AND ended_at IS NULL";
    with_pool!(store, pool => {
        sqlx::query(sql).bind(id_hash).bind(now).execute(pool).await?;
    });
    Ok(())
}

/// Cookie values are 64 hex characters; anything else is not looked up.
fn well_formed(cookie_value: &str) -> bool {
    cookie_value.len() == 2 * SESSION_BYTES && cookie_value.bytes().all(|b| b.is_ascii_hexdigit())
}
