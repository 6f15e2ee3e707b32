//! Managing accounts: create, list, look up, disable, reset a password.

use chrono::{DateTime, Utc};

use super::password::{self, check_password};
use super::session::end_sessions_of;
use super::user::{check_display_name, check_login, NewUser, User, UserRow, USER_COLUMNS};
use super::{AccountError, Accounts};
use crate::store::StoreError;
use crate::tokens::{check_scope, columns, random_hex};
use crate::with_pool;

impl Accounts {
    /// Creates an account. The login must be `[a-z0-9._-]{1,64}` and free, the display name
    /// non-blank and at most 64 characters, the password at least 10 characters, and the role's
    /// scope in the organisation.
    pub async fn create(
        &self,
        new: NewUser,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<User, AccountError> {
        check_login(&new.login)?;
        let display_name = check_display_name(&new.display_name)?;
        check_scope(&new.role, &self.org).map_err(AccountError::Role)?;
        check_password(password)?;
        let password_hash = password::hash(password).await?;
        let user = User {
            id: format!("usr-{}", random_hex(8)),
            login: new.login,
            display_name,
            role: new.role,
            disabled: false,
            created_at: now,
        };
        let (role, scope) = columns(&user.role);
        let sql = "INSERT INTO staff_users \
                   (id, login, display_name, role, scope, password_hash, created_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let inserted = with_pool!(&self.store, pool => {
            sqlx::query(sql)
                .bind(&user.id)
                .bind(&user.login)
                .bind(&user.display_name)
                .bind(role)
                .bind(scope)
                .bind(&password_hash)
                .bind(now)
                .execute(pool)
                .await
                .map(drop)
        });
        match inserted {
            Ok(_) => Ok(user),
            Err(sqlx::Error::Database(err)) if err.is_unique_violation() => {
                Err(AccountError::LoginTaken(user.login))
            }
            Err(err) => Err(StoreError::from(err).into()),
        }
    }

    /// Every account, by login.
    pub async fn list(&self) -> Result<Vec<User>, AccountError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users u ORDER BY u.login");
        let rows: Vec<UserRow> = with_pool!(&self.store, pool => {
            sqlx::query_as(&sql).fetch_all(pool).await.map_err(StoreError::from)?
        });
        Ok(rows
            .into_iter()
            .map(User::try_from)
            .collect::<Result<_, _>>()?)
    }

    /// The account with this login, if any.
    pub async fn user(&self, login: &str) -> Result<Option<User>, AccountError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM staff_users u WHERE u.login = $1");
        let row: Option<UserRow> = with_pool!(&self.store, pool => {
            sqlx::query_as(&sql)
                .bind(login)
                .fetch_optional(pool)
                .await
                .map_err(StoreError::from)?
        });
        Ok(row.map(User::try_from).transpose()?)
    }

    /// Disables an account and ends its sessions (idempotent). Its sessions are refused from the
    /// next lookup on any node; the account can no longer sign in.
    pub async fn disable(&self, login: &str, now: DateTime<Utc>) -> Result<User, AccountError> {
        let sql = "UPDATE staff_users SET disabled_at = COALESCE(disabled_at, $2) WHERE login = $1";
        let updated = with_pool!(&self.store, pool => {
            sqlx::query(sql)
                .bind(login)
                .bind(now)
                .execute(pool)
                .await
                .map_err(StoreError::from)?
                .rows_affected()
        });
        if updated == 0 {
            return Err(AccountError::UnknownLogin(login.to_string()));
        }
        end_sessions_of(&self.store, login, now).await?;
        self.user(login)
            .await?
            .ok_or_else(|| AccountError::UnknownLogin(login.to_string()))
    }

    /// Sets a new password (at least 10 characters) and ends the account's sessions.
    pub async fn reset_password(
        &self,
        login: &str,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<User, AccountError> {
        check_password(password)?;
        let password_hash = password::hash(password).await?;
        let sql = "UPDATE staff_users SET password_hash = $2 WHERE login = $1";
        let updated = with_pool!(&self.store, pool => {
            sqlx::query(sql)
                .bind(login)
                .bind(&password_hash)
                .execute(pool)
                .await
                .map_err(StoreError::from)?
                .rows_affected()
        });
        if updated == 0 {
            return Err(AccountError::UnknownLogin(login.to_string()));
        }
        end_sessions_of(&self.store, login, now).await?;
        self.user(login)
            .await?
            .ok_or_else(|| AccountError::UnknownLogin(login.to_string()))
    }
}
