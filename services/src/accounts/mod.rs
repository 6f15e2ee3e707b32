//! Staff accounts for the console (DESIGN §1 "People and machines"): people sign in with a login
//! and a password (argon2id) and get a server-side session; machines keep using tokens.
//!
//! Everything lives in the store, so every node agrees at once: a session is looked up (joined
//! with its user) on every request, and failed sign-ins are counted in a table. Time always comes
//! in as an argument (the server's `Clock`).

mod admin;
mod csrf;
mod error;
mod lockout;
mod password;
mod session;
mod sign_in;
mod user;

use std::sync::Arc;

use shaobao_domain::org::Organisation;

use crate::store::Store;

pub use csrf::csrf_matches;
pub use error::{AccountError, SignInError};
pub use lockout::{LOCKOUT_FAILURES, LOCKOUT_MINUTES};
pub use password::{generate_password, MIN_PASSWORD_CHARS};
pub use session::{Session, SessionPolicy, SignedIn};
pub use user::{NewUser, User};

/// Staff accounts and their sessions, on the `staff_users`, `staff_sessions` and `login_failures`
/// tables.
#[derive(Clone)]
pub struct Accounts {
    store: Store,
    org: Arc<Organisation>,
    policy: SessionPolicy,
}

impl Accounts {
    /// Accounts whose scopes are checked against `org`, with the default [`SessionPolicy`].
    pub fn new(store: Store, org: Arc<Organisation>) -> Self {
        Accounts {
            store,
            org,
            policy: SessionPolicy::default(),
        }
    }

    /// The same accounts with other session timeouts.
    pub fn with_policy(self, policy: SessionPolicy) -> Self {
        Accounts { policy, ..self }
    }

    pub fn policy(&self) -> SessionPolicy {
        self.policy
    }
}
