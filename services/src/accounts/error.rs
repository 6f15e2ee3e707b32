//! What account operations and sign-ins can refuse, each something a caller can act on.

use chrono::{DateTime, Utc};

use super::password::MIN_PASSWORD_CHARS;
use crate::store::StoreError;
use crate::tokens::TokenError;

/// Creating or managing an account failed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The login is empty, longer than 64 characters or has characters outside `[a-z0-9._-]`.
    #[error("login {0:?} must be 1 to 64 characters of a-z, 0-9, '.', '_' and '-'")]
    InvalidLogin(String),
    /// The display name is blank, longer than 64 characters or has control characters.
    #[error("the display name must be 1 to 64 characters, not blank, without control characters")]
    InvalidDisplayName,
    /// The password is shorter than [`MIN_PASSWORD_CHARS`].
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters")]
    WeakPassword,
    /// The role does not fit its scope, or the scope is not in the organisation.
    #[error("{}", .0.describe("account"))]
    Role(TokenError),
    /// Another account has this login.
    #[error("login {0:?} is taken")]
    LoginTaken(String),
    /// No account has this login.
    #[error("no staff account with login {0:?}")]
    UnknownLogin(String),
    /// The password hasher failed (it does not with the default parameters).
    #[error("password hashing failed: {0}")]
    Hashing(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A sign-in was refused.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    /// Unknown login or wrong password (the two are not told apart).
    #[error("wrong login or password")]
    WrongCredentials,
    /// Too many recent failures for this login: refused, even with the right password, until then.
    #[error("too many failed sign-ins: try again after {until}")]
    LockedOut { until: DateTime<Utc> },
    /// The password was right but the account is disabled.
    #[error("this account is disabled")]
    Disabled,
    #[error(transparent)]
    Store(#[from] StoreError),
}
