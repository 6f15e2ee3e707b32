//! Signing in: lockout first, then the password (against a dummy hash for an unknown login, so
//! both take as long), then a new session.

use chrono::{DateTime, Utc};

use super::lockout::{failure_key, locked_until, record_failure};
use super::session::{start, SignedIn};
use super::user::{User, UserRow, USER_COLUMNS};
use super::{password, Accounts, SignInError};
use crate::store::StoreError;
use crate::with_pool;

#[derive(sqlx::FromRow)]
struct Credentials {
    password_hash: String,
    #[sqlx(flatten)]
    user: UserRow,
}

impl Accounts {
    /// Checks a login and password and starts a session. The login is matched trimmed and
    /// lowercased. Unknown logins and wrong passwords are the same error and count towards the
    /// lockout alike; a disabled account is told only to someone who knows its password.
    pub async fn sign_in(
        &self,
        login: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<SignedIn, SignInError> {
        let key = failure_key(login);
        if let Some(until) = locked_until(&self.store, &key, now).await? {
            return Err(SignInError::LockedOut { until });
        }
        let found = self.credentials(&key).await?;
        let phc = found.as_ref().map(|(_, phc)| phc.clone());
        let right = password::verify(password, phc).await?;
        match found {
            Some((user, _)) if right => {
                if user.disabled {
                    return Err(SignInError::Disabled);
                }
                let (session, csrf_token) = start(&self.store, &user, now).await?;
                Ok(SignedIn {
                    session,
                    csrf_token,
                    user,
                })
            }
            _ => {
                record_failure(&self.store, &key, now).await?;
                Err(SignInError::WrongCredentials)
            }
        }
    }

    async fn credentials(&self, login: &str) -> Result<Option<(User, String)>, StoreError> {
        let sql =
            format!("SELECT u.password_hash, {USER_COLUMNS} FROM staff_users u WHERE u.login = $1");
        let row: Option<Credentials> = with_pool!(&self.store, pool => {
            sqlx::query_as(&sql).bind(login).fetch_optional(pool).await?
        });
        row.map(|row| Ok((User::try_from(row.user)?, row.password_hash)))
            .transpose()
    }
}
