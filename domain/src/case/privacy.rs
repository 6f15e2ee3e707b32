//! 个人信息 Personal data: who sees the requester's name and phone (DESIGN §1). The hotline,
//! auditors and operators always do; the case's street dispatcher and its **current** handling
//! unit do too (the unit must call the requester), and such reads by a street or a department are
//! logged for the auditors; summoned departments, co-units, volunteers and resident apps see them
//! masked.

use super::state::Case;
use super::value::Unit;
use crate::actor::{Actor, Role};

/// How `actor` may see a case's requester.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequesterAccess {
    /// Unmasked, as part of the role's everyday work (hotline, auditor, admin).
    Shown,
    /// Unmasked, and the read goes to the access log (a street or the handling department).
    ShownAndLogged,
    /// Masked (`王**`, `138****1234`).
    Masked,
}

impl RequesterAccess {
    pub fn is_shown(self) -> bool {
        self != RequesterAccess::Masked
    }
}

impl Case {
    /// How `actor` sees this case's requester now.
    pub fn requester_access(&self, actor: &Actor) -> RequesterAccess {
        let handles = |unit: Unit| self.handling_unit() == Some(&unit);
        match &actor.role {
            Role::Hotline | Role::Auditor | Role::Admin => RequesterAccess::Shown,
            Role::Dispatcher { street } => {
                if self.street() == Some(street) || handles(Unit::Street(street.clone())) {
                    RequesterAccess::ShownAndLogged
                } else {
                    RequesterAccess::Masked
                }
            }
            Role::Department { department } => {
                if handles(Unit::Department(department.clone())) {
                    RequesterAccess::ShownAndLogged
                } else {
                    RequesterAccess::Masked
                }
            }
            Role::Volunteer { .. } | Role::Intake | Role::System => RequesterAccess::Masked,
        }
    }
}
