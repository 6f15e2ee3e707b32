//! Obligations 承办义务 (DESIGN §4 "Counting rules"): each dispatch of a case to a unit is one,
//! with that dispatch's own sign, contact and resolve clocks. It ends at an approved return, a
//! re-dispatch or an accepted resolution; what happens to the case afterwards (a reopen's new
//! resolve deadline, another unit's work) is no longer this unit's obligation. The statistics'
//! unit rows are counted over these.

use chrono::{DateTime, Utc};
use shaobao_domain::case::{Clock, Deadlines, Unit};
use shaobao_domain::{Case, CaseEvent};

#[derive(Debug, Clone, PartialEq)]
pub struct Obligation {
    pub unit: Unit,
    pub dispatched_at: DateTime<Utc>,
    /// When it ended; `None` while the unit still holds the case.
    pub ended_at: Option<DateTime<Utc>>,
    /// The clocks as they stood when it ended (or stand now): extensions, unparking and a
    /// rejected resolution move them while it lasts.
    pub sign: Option<Clock>,
    pub contact: Option<Clock>,
    pub resolve: Option<Clock>,
    /// Returns the unit requested, approved or not.
    pub returns: u32,
    /// Whether a whistle was blown while it lasted.
    pub whistled: bool,
    /// The submission of the resolution whose acceptance ended it.
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The obligations of one case, oldest first; at most the last one is open.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Obligations(Vec<Obligation>);

impl Obligations {
    pub fn all(&self) -> &[Obligation] {
        &self.0
    }

    /// Follows one event (as its [`Step`]), which `case` has just applied.
    pub(crate) fn follow(&mut self, step: Step, case: &Case) {
        if let Step::Dispatched { unit, at } = &step {
            self.end(*at, None);
            self.0.push(Obligation {
                unit: unit.clone(),
                dispatched_at: *at,
                ended_at: None,
                sign: None,
                contact: None,
                resolve: None,
                returns: 0,
                whistled: false,
                resolved_at: None,
            });
        }
        let Some(open) = self.open() else {
            return;
        };
        // An approved return clears the case's clocks: the obligation keeps them as they were.
        let deadlines: &Deadlines = case.deadlines();
        if deadlines.sign.is_some() {
            (open.sign, open.contact, open.resolve) =
                (deadlines.sign, deadlines.contact, deadlines.resolve);
        }
        match step {
            Step::ReturnRequested => open.returns += 1,
            Step::Whistled => open.whistled = true,
            Step::ReturnApproved { at } => self.end(at, None),
            Step::ResolutionAccepted { at } => self.end(at, case.resolution().map(|r| r.at)),
            Step::Dispatched { .. } | Step::Other => {}
        }
    }

    /// The last obligation, whether or not it has ended: the case's latest dispatch.
    pub fn latest(&self) -> Option<&Obligation> {
        self.0.last()
    }

    fn open(&mut self) -> Option<&mut Obligation> {
        self.0.last_mut().filter(|o| o.ended_at.is_none())
    }

    fn end(&mut self, at: DateTime<Utc>, resolved_at: Option<DateTime<Utc>>) {
        if let Some(open) = self.open() {
            open.ended_at = Some(at);
            open.resolved_at = resolved_at;
        }
    }
}

/// What an event means to obligations.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    Dispatched {
        unit: Unit,
        at: DateTime<Utc>,
    },
    ReturnRequested,
    Whistled,
    ReturnApproved {
        at: DateTime<Utc>,
    },
    /// Accepted at verification, or submitted where no verification applies.
    ResolutionAccepted {
        at: DateTime<Utc>,
    },
    Other,
}

impl Step {
    pub(crate) fn of(event: &CaseEvent) -> Step {
        use CaseEvent::*;
        match event {
            CaseDispatched { unit, at, .. } => Step::Dispatched {
                unit: unit.clone(),
                at: *at,
            },
            ReturnRequested { .. } => Step::ReturnRequested,
            WhistleBlown { .. } => Step::Whistled,
            ReturnApproved { at, .. } => Step::ReturnApproved { at: *at },
            ResolutionAccepted { at, .. }
            | ResolutionSubmitted {
                at,
                callback_by: Some(_),
                ..
            } => Step::ResolutionAccepted { at: *at },
            _ => Step::Other,
        }
    }
}

#[cfg(test)]
#[path = "obligations_tests.rs"]
mod tests;
