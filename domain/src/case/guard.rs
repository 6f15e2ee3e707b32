//! Checks shared by the phases: who may act on this case, which states allow an action, and input
//! rules that recur.

use super::error::CaseError;
use super::state::{Case, CaseState};
use super::value::{Dispatcher, Unit};
use crate::actor::{Actor, Role};
use crate::org::Organisation;

/// Longest description accepted at intake.
pub const MAX_DESCRIPTION_CHARS: usize = 4000;

impl Case {
    /// The current state; `NotOpened` before `CaseOpened`.
    pub(super) fn current(&self) -> Result<CaseState, CaseError> {
        self.state.ok_or(CaseError::NotOpened)
    }

    /// The current state if it is one of `allowed`.
    pub(super) fn require_state(
        &self,
        action: &'static str,
        allowed: &[CaseState],
    ) -> Result<CaseState, CaseError> {
        let state = self.current()?;
        if allowed.contains(&state) {
            Ok(state)
        } else {
            Err(CaseError::WrongState { action, state })
        }
    }

    /// The street the case is located in.
    pub(super) fn street_code(&self) -> &str {
        self.intake
            .as_ref()
            .map_or("", |intake| intake.location.street.as_str())
    }

    fn is_street_dispatcher(&self, actor: &Actor) -> bool {
        actor.street() == Some(self.street_code())
    }

    /// Hotline, or the dispatcher of the case's street.
    pub(super) fn require_coordinator(
        &self,
        actor: &Actor,
        action: &'static str,
    ) -> Result<(), CaseError> {
        if actor.is_hotline() || self.is_street_dispatcher(actor) {
            Ok(())
        } else {
            Err(CaseError::NotCoordinator {
                action,
                street: self.street_code().to_string(),
            })
        }
    }

    /// The dispatcher of the case's street (the hotline may not).
    pub(super) fn require_street_dispatcher(
        &self,
        actor: &Actor,
        action: &'static str,
    ) -> Result<(), CaseError> {
        if self.is_street_dispatcher(actor) {
            Ok(())
        } else {
            Err(CaseError::NotStreetDispatcher {
                action,
                street: self.street_code().to_string(),
            })
        }
    }

    /// Whoever dispatched the case: the hotline (always), or the street's dispatcher when the
    /// street dispatched it.
    pub(super) fn require_dispatching_party(
        &self,
        actor: &Actor,
        action: &'static str,
    ) -> Result<(), CaseError> {
        let dispatched_by_actor = matches!(
            (&self.dispatched_by, actor.street()),
            (Some(Dispatcher::Street(by)), Some(street)) if by == street
        );
        if actor.is_hotline() || dispatched_by_actor {
            Ok(())
        } else {
            Err(CaseError::NotDispatchingParty { action })
        }
    }

    /// The unit the case is dispatched to, which `actor` must speak for (a street acts through
    /// its dispatcher).
    pub(super) fn require_handling_unit(
        &self,
        actor: &Actor,
        action: &'static str,
    ) -> Result<&Unit, CaseError> {
        match &self.handling_unit {
            Some(unit) if acts_as(actor, unit) => Ok(unit),
            _ => Err(CaseError::NotHandlingUnit { action }),
        }
    }

    /// True when no one checks the handling unit's work: a street that dispatched to itself.
    pub(super) fn is_self_dispatched(&self) -> bool {
        matches!(
            (&self.dispatched_by, &self.handling_unit),
            (Some(Dispatcher::Street(by)), Some(Unit::Street(to))) if by == to
        )
    }
}

pub(super) fn require_hotline(actor: &Actor, action: &'static str) -> Result<(), CaseError> {
    if actor.is_hotline() {
        Ok(())
    } else {
        Err(CaseError::HotlineOnly { action })
    }
}

/// The system steps (the merge follower's), never a person's.
pub(super) fn require_system(actor: &Actor) -> Result<(), CaseError> {
    if actor.role == Role::System {
        Ok(())
    } else {
        Err(CaseError::SystemOnly)
    }
}

/// Whether `actor` speaks for `unit`.
pub(super) fn acts_as(actor: &Actor, unit: &Unit) -> bool {
    match (&actor.role, unit) {
        (Role::Dispatcher { street }, Unit::Street(code)) => street == code,
        (Role::Department { department }, Unit::Department(code)) => department == code,
        _ => false,
    }
}

/// `value` has some non-whitespace text.
pub(super) fn non_blank(field: &str, value: &str) -> Result<(), CaseError> {
    if value.trim().is_empty() {
        Err(CaseError::blank(field))
    } else {
        Ok(())
    }
}

/// `unit` names a street or department of the organisation.
pub(super) fn known_unit(org: &Organisation, unit: &Unit, field: &str) -> Result<(), CaseError> {
    let known = match unit {
        Unit::Street(code) => org.street(code).is_some(),
        Unit::Department(code) => org.department(code).is_some(),
    };
    if known {
        Ok(())
    } else {
        let (Unit::Street(code) | Unit::Department(code)) = unit;
        Err(CaseError::unknown(field, code))
    }
}
