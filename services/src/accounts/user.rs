//! A staff account as callers see it, and the rules for its login and display name.

use chrono::{DateTime, Utc};
use shaobao_domain::{Actor, Role};

use super::AccountError;
use crate::store::StoreError;
use crate::tokens::{columns, stored_role};

const MAX_LOGIN_CHARS: usize = 64;
const MAX_DISPLAY_NAME_CHARS: usize = 64;

/// What `create` needs besides the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    pub login: String,
    pub display_name: String,
    pub role: Role,
}

/// A staff account (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub created_at: DateTime<Utc>,
}

impl User {
    /// Who this person is in events: their role with its scope, id `user:<login>`, and name.
    pub fn actor(&self) -> Actor {
        Actor::new(self.role.clone(), format!("user:{}", self.login)).with_name(&self.display_name)
    }

    /// The role's scope code (street, department or member id), if the role has one.
    pub fn scope(&self) -> Option<&str> {
        columns(&self.role).1
    }
}

/// `[a-z0-9._-]{1,64}`.
pub(crate) fn check_login(login: &str) -> Result<(), AccountError> {
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c);
    if login.is_empty() || login.len() > MAX_LOGIN_CHARS || !login.chars().all(allowed) {
        return Err(AccountError::InvalidLogin(login.to_string()));
    }
    Ok(())
}

/// The display name without surrounding blanks: 1 to 64 characters, no control characters.
pub(crate) fn check_display_name(name: &str) -> Result<String, AccountError> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_DISPLAY_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(AccountError::InvalidDisplayName);
    }
    Ok(name.to_string())
}

/// The `staff_users` columns [`UserRow`] reads, for a table aliased `u`.
pub(crate) const USER_COLUMNS: &str =
    "u.id, u.login, u.display_name, u.role, u.scope, u.disabled_at, u.created_at";

#[derive(sqlx::FromRow)]
pub(crate) struct UserRow {
    id: String,
    login: String,
    display_name: String,
    role: String,
    scope: Option<String>,
    disabled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<User, StoreError> {
        let role = stored_role(&row.role, row.scope).ok_or_else(|| {
            StoreError::Corrupt(format!(
                "staff user {}: unknown role {:?}",
                row.id, row.role
            ))
        })?;
        Ok(User {
            id: row.id,
            login: row.login,
            display_name: row.display_name,
            role,
            disabled: row.disabled_at.is_some(),
            created_at: row.created_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_short_lowercase_words() {
        for good in ["a", "wang.li", "desk-3", "zhang_san", &"x".repeat(64)] {
            assert!(check_login(good).is_ok(), "{good}");
        }
        for bad in ["", "Wang", "wang li", "王丽", "a/b", &"x".repeat(65)] {
            assert!(check_login(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn display_names_are_trimmed_and_bounded() {
        assert_eq!(check_display_name("  王丽 ").unwrap(), "王丽");
        assert!(check_display_name("   ").is_err());
        assert!(check_display_name("王\n丽").is_err());
        assert!(check_display_name(&"丽".repeat(64)).is_ok());
        assert!(check_display_name(&"丽".repeat(65)).is_err());
    }
}
