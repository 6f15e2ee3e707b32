//! Deadlines and the breach ladder, recorded by the deadline service (system actor): approaching →
//! breached → reminder → district supervision → city supervision, each at most once per
//! (deadline, due time), only while that deadline is still pending with that due time, and
//! supervision not before the time its [`Ladder`] (fixed when the deadline was set) says.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::body::RecordDeadline;
use super::error::CaseError;
use super::event::CaseEvent;
use super::ladder::Ladder;
use super::state::{Case, CaseState};
use super::{Ctx, Decision};
use crate::actor::Role;

/// Which deadline: `"sign"`, `"contact"`, `"resolve"`, `"callback"`, or
/// `{"report_in": {"no": 1, "department": "..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRef {
    Sign,
    Contact,
    Resolve,
    Callback,
    ReportIn { no: u32, department: String },
}

/// A step of the breach ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineStep {
    Approaching,
    Breached,
    Reminder,
    DistrictSupervision,
    CitySupervision,
}

impl fmt::Display for DeadlineStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DeadlineStep::Approaching => "approaching",
            DeadlineStep::Breached => "breached",
            DeadlineStep::Reminder => "reminder",
            DeadlineStep::DistrictSupervision => "district supervision",
            DeadlineStep::CitySupervision => "city supervision",
        })
    }
}

/// Supervision level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SupervisionLevel {
    District,
    City,
}

/// One recorded step for one deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineAlert {
    pub deadline: DeadlineRef,
    pub due_at: DateTime<Utc>,
    pub step: DeadlineStep,
    pub at: DateTime<Utc>,
}

impl Case {
    /// The deadlines still running, with their due times: what the deadline service watches.
    /// Empty while parked, closed, answered, merged or not dispatched.
    pub fn pending_deadlines(&self) -> Vec<(DeadlineRef, DateTime<Utc>)> {
        self.state
            .map_or_else(Vec::new, |state| self.running_deadlines(state))
    }

    /// The deadlines that run in `state`: sign, contact and resolve until resolution, callback
    /// while awaiting one, report-in while a department has neither reported in nor declined.
    pub(super) fn running_deadlines(&self, state: CaseState) -> Vec<(DeadlineRef, DateTime<Utc>)> {
        let clocks = [
            (DeadlineRef::Sign, self.deadlines.sign, state.is_working()),
            (
                DeadlineRef::Contact,
                self.deadlines.contact,
                state.is_working(),
            ),
            (
                DeadlineRef::Resolve,
                self.deadlines.resolve,
                state.is_working(),
            ),
            (
                DeadlineRef::Callback,
                self.deadlines.callback,
                state == CaseState::AwaitingCallback,
            ),
        ];
        let mut running: Vec<_> = clocks
            .into_iter()
            .filter_map(|(deadline, clock, runs)| match clock {
                Some(clock) if runs && clock.is_running() => Some((deadline, clock.due_at)),
                _ => None,
            })
            .collect();
        use CaseState::*;
        if !matches!(state, Parked | Closed | Answered | Received | Merged) {
            for whistle in self.whistles.iter().filter(|w| !w.is_closed()) {
                for summoned in &whistle.departments {
                    if summoned.status == super::whistle::DepartmentStatus::Summoned {
                        let deadline = DeadlineRef::ReportIn {
                            no: whistle.no,
                            department: summoned.department.clone(),
                        };
                        running.push((deadline, summoned.report_in_by));
                    }
                }
            }
        }
        running
    }

    /// The deadline service records one step of the ladder.
    pub(super) fn record_deadline(&self, cx: &Ctx, body: RecordDeadline) -> Decision {
        if cx.actor.role != Role::System {
            return Err(CaseError::SystemOnly);
        }
        let RecordDeadline {
            deadline,
            due_at,
            step,
        } = body;
        let pending = self.pending_deadlines();
        if !pending
            .iter()
            .any(|(d, due)| *d == deadline && *due == due_at)
        {
            return Err(CaseError::DeadlineNotPending);
        }
        let recorded = |s: DeadlineStep| {
            self.alerts
                .iter()
                .any(|a| a.deadline == deadline && a.due_at == due_at && a.step == s)
        };
        if recorded(step) {
            return Err(CaseError::AlreadyRecorded { step });
        }
        let requires = |previous: DeadlineStep| {
            if recorded(previous) {
                Ok(())
            } else {
                Err(CaseError::StepOutOfOrder {
                    step,
                    requires: previous,
                })
            }
        };
        let not_before = |not_before: DateTime<Utc>| {
            if cx.at >= not_before {
                Ok(())
            } else {
                Err(CaseError::TooEarly { step, not_before })
            }
        };
        // Supervision waits for the ladder fixed when the deadline was set; a deadline set before
        // ladders were recorded follows the policy in force.
        let ladder = self
            .ladder(&deadline, due_at)
            .cloned()
            .unwrap_or_else(|| Ladder::fixed(cx.org, deadline.clone(), due_at, due_at));
        let at = cx.at;
        Ok(vec![match step {
            DeadlineStep::Approaching if at >= due_at => return Err(CaseError::AlreadyDue),
            DeadlineStep::Approaching => CaseEvent::DeadlineApproaching {
                deadline,
                due_at,
                at,
            },
            DeadlineStep::Breached => {
                not_before(due_at)?;
                CaseEvent::DeadlineBreached {
                    deadline,
                    due_at,
                    at,
                }
            }
            DeadlineStep::Reminder => {
                requires(DeadlineStep::Breached)?;
                CaseEvent::ReminderIssued {
                    deadline,
                    due_at,
                    at,
                }
            }
            DeadlineStep::DistrictSupervision => {
                requires(DeadlineStep::Reminder)?;
                not_before(ladder.district_supervision_at)?;
                let level = SupervisionLevel::District;
                CaseEvent::SupervisionIssued {
                    deadline,
                    due_at,
                    level,
                    at,
                }
            }
            DeadlineStep::CitySupervision => {
                requires(DeadlineStep::DistrictSupervision)?;
                not_before(ladder.city_supervision_at)?;
                let level = SupervisionLevel::City;
                CaseEvent::SupervisionIssued {
                    deadline,
                    due_at,
                    level,
                    at,
                }
            }
        }])
    }

    /// Moves a deadline to a new due time (extension, unpark).
    pub(super) fn set_due(&mut self, deadline: &DeadlineRef, due_at: DateTime<Utc>) {
        let clock = match deadline {
            DeadlineRef::Sign => &mut self.deadlines.sign,
            DeadlineRef::Contact => &mut self.deadlines.contact,
            DeadlineRef::Resolve => &mut self.deadlines.resolve,
            DeadlineRef::Callback => &mut self.deadlines.callback,
            DeadlineRef::ReportIn { no, department } => {
                return self.with_summoned(*no, department, |d| d.report_in_by = due_at);
            }
        };
        if let Some(clock) = clock {
            clock.due_at = due_at;
        }
    }
}
