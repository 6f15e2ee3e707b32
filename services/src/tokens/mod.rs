//! Bearer tokens for the HTTP API (DESIGN §1): each grants one role with its scope. The token is
//! shown once, when it is created; only its SHA-256 is stored, so a copy of the table does not
//! hold usable tokens.

mod cache;
mod store;

use rand::RngCore;
use sha2::{Digest, Sha256};
use shaobao_domain::org::Organisation;
use shaobao_domain::Role;

use crate::store::StoreError;

pub use cache::{CacheCounts, LOOKUP_TTL};
pub use store::{IssuedToken, TokenInfo, TokenStore};

/// Every token starts with this, so a leaked one is easy to recognise (and to scan for).
pub const TOKEN_PREFIX: &str = "sb_";

/// The roles a token may carry (`system` is the deadline service's and never issued).
pub const ISSUABLE_ROLES: &str =
    "hotline, dispatcher, department, volunteer, auditor, intake, admin";

#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("{}", self.describe("token"))]
    UnknownRole(String),
    #[error("{}", self.describe("token"))]
    MissingScope {
        role: &'static str,
        scope: &'static str,
    },
    #[error("{}", self.describe("token"))]
    UnexpectedScope {
        role: &'static str,
        scope: &'static str,
    },
    #[error("{}", self.describe("token"))]
    UnknownScope { scope: &'static str, code: String },
    /// `token revoke` named no stored token.
    #[error("no token {0:?}: `shaobao token list` shows every token id")]
    UnknownToken(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl TokenError {
    /// The message, naming what carries the role (`"token"`, `"account"`): role and scope checks
    /// are shared by tokens and staff accounts.
    pub fn describe(&self, what: &str) -> String {
        match self {
            TokenError::UnknownRole(role) => {
                format!("unknown role {role:?}: expected one of {ISSUABLE_ROLES}")
            }
            TokenError::MissingScope { role, scope } => {
                format!("{} {role} {what} needs --{scope}", article(role))
            }
            TokenError::UnexpectedScope { role, scope } => {
                format!("{} {role} {what} takes no --{scope}", article(role))
            }
            TokenError::UnknownScope { scope, code } => {
                format!("--{scope} {code:?} is not in the organisation")
            }
            TokenError::UnknownToken(_) | TokenError::Store(_) => self.to_string(),
        }
    }
}

/// "an auditor", "a hotline".
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

/// The scope flags of `token create`: at most one applies to a role.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope {
    pub street: Option<String>,
    pub department: Option<String>,
    pub member: Option<String>,
}

/// The role named `name` with its scope, checked for shape (a dispatcher needs a street, …) but not
/// yet against the organisation ([`TokenStore::create`] does that).
pub fn role_with_scope(name: &str, scope: Scope) -> Result<Role, TokenError> {
    let Scope {
        street,
        department,
        member,
    } = scope;
    let (role, needed) = match name {
        "hotline" => (Role::Hotline, None),
        "auditor" => (Role::Auditor, None),
        "intake" => (Role::Intake, None),
        "admin" => (Role::Admin, None),
        "dispatcher" => {
            let street = street
                .clone()
                .ok_or_else(|| missing("dispatcher", "street"))?;
            (Role::Dispatcher { street }, Some("street"))
        }
        "department" => {
            let department = department
                .clone()
                .ok_or_else(|| missing("department", "department"))?;
            (Role::Department { department }, Some("department"))
        }
        "volunteer" => {
            let member = member
                .clone()
                .ok_or_else(|| missing("volunteer", "member"))?;
            (Role::Volunteer { member }, Some("member"))
        }
        other => return Err(TokenError::UnknownRole(other.to_string())),
    };
    let given = [
        ("street", street.is_some()),
        ("department", department.is_some()),
        ("member", member.is_some()),
    ];
    match given
        .iter()
        .find(|(flag, set)| *set && Some(*flag) != needed)
    {
        Some((flag, _)) => Err(TokenError::UnexpectedScope {
            role: role.name(),
            scope: flag,
        }),
        None => Ok(role),
    }
}

fn missing(role: &'static str, scope: &'static str) -> TokenError {
    TokenError::MissingScope { role, scope }
}

/// The role's scope must exist in the organisation (a member id is free text); `system` is never
/// issued. Shared by tokens and staff accounts.
pub fn check_scope(role: &Role, org: &Organisation) -> Result<(), TokenError> {
    let unknown = |scope, code: &str| TokenError::UnknownScope {
        scope,
        code: code.to_string(),
    };
    match role {
        Role::Dispatcher { street } if org.street(street).is_none() => {
            Err(unknown("street", street))
        }
        Role::Department { department } if org.department(department).is_none() => {
            Err(unknown("department", department))
        }
        Role::Volunteer { member } if member.trim().is_empty() => {
            Err(missing("volunteer", "member"))
        }
        Role::System => Err(TokenError::UnknownRole("system".into())),
        _ => Ok(()),
    }
}

/// How a role is stored (tokens and staff accounts): its name and its scope code.
pub(crate) fn columns(role: &Role) -> (&'static str, Option<&str>) {
    let scope = match role {
        Role::Dispatcher { street } => Some(street.as_str()),
        Role::Department { department } => Some(department.as_str()),
        Role::Volunteer { member } => Some(member.as_str()),
        _ => None,
    };
    (role.name(), scope)
}

/// The role stored as [`columns`]; `None` for an unknown name or a missing scope.
pub(crate) fn stored_role(name: &str, scope: Option<String>) -> Option<Role> {
    Some(match (name, scope) {
        ("hotline", _) => Role::Hotline,
        ("auditor", _) => Role::Auditor,
        ("intake", _) => Role::Intake,
        ("admin", _) => Role::Admin,
        ("dispatcher", Some(street)) => Role::Dispatcher { street },
        ("department", Some(department)) => Role::Department { department },
        ("volunteer", Some(member)) => Role::Volunteer { member },
        _ => return None,
    })
}

/// SHA-256 of a secret, as lowercase hex (bearer tokens, session ids).
pub(crate) fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// `bytes` random bytes from the OS, as lowercase hex.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(street: Option<&str>, department: Option<&str>, member: Option<&str>) -> Scope {
        Scope {
            street: street.map(Into::into),
            department: department.map(Into::into),
            member: member.map(Into::into),
        }
    }

    #[test]
    fn each_role_takes_exactly_its_scope() {
        let street = scope(Some("jingshan"), None, None);
        assert_eq!(
            role_with_scope("dispatcher", street.clone()).unwrap(),
            Role::Dispatcher {
                street: "jingshan".into()
            }
        );
        assert!(matches!(
            role_with_scope("dispatcher", Scope::default()),
            Err(TokenError::MissingScope {
                scope: "street",
                ..
            })
        ));
        assert!(matches!(
            role_with_scope("hotline", street.clone()),
            Err(TokenError::UnexpectedScope {
                scope: "street",
                ..
            })
        ));
        assert!(matches!(
            role_with_scope("department", scope(None, Some("housing"), Some("m"))),
            Err(TokenError::UnexpectedScope {
                scope: "member",
                ..
            })
        ));
        assert!(matches!(
            role_with_scope("system", Scope::default()),
            Err(TokenError::UnknownRole(_))
        ));
    }

    #[test]
    fn stored_roles_read_back() {
        for role in [
            Role::Hotline,
            Role::Auditor,
            Role::Intake,
            Role::Admin,
            Role::Dispatcher { street: "s".into() },
            Role::Department {
                department: "d".into(),
            },
            Role::Volunteer { member: "m".into() },
        ] {
            let (name, scope) = columns(&role);
            assert_eq!(stored_role(name, scope.map(Into::into)), Some(role));
        }
    }
}
