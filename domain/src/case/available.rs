//! Who may do what on a case, now: the one place that says it.
//!
//! [`Case::permit`] checks whether an actor may take an action on this case at a given time — the
//! role and scope (DESIGN §1), the case's state, and the time windows and limits recorded on the
//! case (return window, reopen window and limit, extension pending and limit, each whistle's
//! status per department, each task's status and claimant). [`Case::decide`] runs it before any
//! decision, so a decision function only validates its request body; [`Case::available_actions`]
//! lists every action it permits, for the console's forms. Body validation (blank notes, dates,
//! unknown units, ratings) is not part of availability.

use chrono::{DateTime, Utc};

use super::body::ReturnVerdict;
use super::command::{CaseAction, TaskAction, WhistleAction};
use super::error::CaseError;
use super::guard::{acts_as, require_hotline};
use super::state::{Case, CaseState};
use super::task::TaskStatus;
use super::value::CaseKind;
use super::whistle::DepartmentStatus;
use crate::actor::{Actor, Role};
use crate::org::Organisation;

/// An action a person may take on an existing case (DESIGN §6 route names). Whistle and task
/// actions carry the whistle or task number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AvailableAction {
    Answer,
    Dispatch,
    Sign,
    Contact,
    Return,
    ReturnDecision,
    BlowWhistle,
    WhistleReportIn { no: u32 },
    WhistleDecline { no: u32 },
    WhistleAct { no: u32 },
    WhistleClose { no: u32 },
    PublishTask,
    TaskClaim { no: u32 },
    TaskComplete { no: u32 },
    TaskConfirm { no: u32 },
    Progress,
    Extension,
    ExtensionDecision,
    Resolution,
    Verification,
    Callback,
    Close,
    Reopen,
    Park,
    Unpark,
    Exclusion,
    Tags,
    Merge,
    Unmerge,
}

impl AvailableAction {
    /// Every action on the case as a whole (no whistle or task number), in life-cycle order.
    pub const CASE_ACTIONS: [AvailableAction; 22] = {
        use AvailableAction::*;
        [
            Answer,
            Dispatch,
            Sign,
            Contact,
            Return,
            ReturnDecision,
            BlowWhistle,
            PublishTask,
            Progress,
            Extension,
            ExtensionDecision,
            Resolution,
            Verification,
            Callback,
            Close,
            Reopen,
            Park,
            Unpark,
            Exclusion,
            Tags,
            Merge,
            Unmerge,
        ]
    };

    /// The last segment of the command's HTTP path (DESIGN §6), also the console form's
    /// `data-action`: `POST /cases/{id}/<route>`, `/cases/{id}/whistles/{no}/<route>` or
    /// `/cases/{id}/tasks/{no}/<route>`. Whistle close and case close are both `close`; tell
    /// them apart by [`Self::whistle_no`].
    pub fn route_name(&self) -> &'static str {
        use AvailableAction::*;
        match self {
            Answer => "answer",
            Dispatch => "dispatch",
            Sign => "sign",
            Contact => "contact",
            Return => "return",
            ReturnDecision => "return-decision",
            BlowWhistle => "whistles",
            WhistleReportIn { .. } => "report-in",
            WhistleDecline { .. } => "decline",
            WhistleAct { .. } => "action",
            WhistleClose { .. } => "close",
            PublishTask => "tasks",
            TaskClaim { .. } => "claim",
            TaskComplete { .. } => "complete",
            TaskConfirm { .. } => "confirm",
            Progress => "progress",
            Extension => "extension",
            ExtensionDecision => "extension-decision",
            Resolution => "resolution",
            Verification => "verification",
            Callback => "callback",
            Close => "close",
            Reopen => "reopen",
            Park => "park",
            Unpark => "unpark",
            Exclusion => "exclusion",
            Tags => "tags",
            Merge => "merge",
            Unmerge => "unmerge",
        }
    }

    /// The action's name in refusals, as [`CaseAction::name`] gives it (`close whistle` for a
    /// whistle's close; otherwise the route name).
    pub fn name(&self) -> &'static str {
        match self {
            AvailableAction::WhistleClose { .. } => "close whistle",
            other => other.route_name(),
        }
    }

    /// The whistle number of a whistle action.
    pub fn whistle_no(&self) -> Option<u32> {
        use AvailableAction::*;
        match *self {
            WhistleReportIn { no }
            | WhistleDecline { no }
            | WhistleAct { no }
            | WhistleClose { no } => Some(no),
            _ => None,
        }
    }

    /// The task number of a task action.
    pub fn task_no(&self) -> Option<u32> {
        use AvailableAction::*;
        match *self {
            TaskClaim { no } | TaskComplete { no } | TaskConfirm { no } => Some(no),
            _ => None,
        }
    }

    /// The action a command asks for; `None` for `open` (no case yet) and deadline records
    /// (the deadline service's, never a person's).
    pub fn of(action: &CaseAction) -> Option<AvailableAction> {
        use AvailableAction as A;
        Some(match action {
            // The deadline service's and the merge follower's steps, never a person's.
            CaseAction::Open(_)
            | CaseAction::RecordDeadline(_)
            | CaseAction::AttachDuplicate { .. }
            | CaseAction::DetachDuplicate { .. }
            | CaseAction::CloseViaPrimary { .. }
            | CaseAction::AbandonMerge { .. } => return None,
            CaseAction::Answer(_) => A::Answer,
            CaseAction::Dispatch(_) => A::Dispatch,
            CaseAction::Sign => A::Sign,
            CaseAction::Contact(_) => A::Contact,
            CaseAction::Return(_) => A::Return,
            CaseAction::ReturnDecision(_) => A::ReturnDecision,
            CaseAction::BlowWhistle(_) => A::BlowWhistle,
            CaseAction::Whistle { no, action } => {
                let no = *no;
                match action {
                    WhistleAction::ReportIn { .. } => A::WhistleReportIn { no },
                    WhistleAction::Decline { .. } => A::WhistleDecline { no },
                    WhistleAction::Act { .. } => A::WhistleAct { no },
                    WhistleAction::Close { .. } => A::WhistleClose { no },
                }
            }
            CaseAction::PublishTask(_) => A::PublishTask,
            CaseAction::Task { no, action } => {
                let no = *no;
                match action {
                    TaskAction::Claim => A::TaskClaim { no },
                    TaskAction::Complete { .. } => A::TaskComplete { no },
                    TaskAction::Confirm { .. } => A::TaskConfirm { no },
                }
            }
            CaseAction::Progress(_) => A::Progress,
            CaseAction::Extension(_) => A::Extension,
            CaseAction::ExtensionDecision(_) => A::ExtensionDecision,
            CaseAction::Resolution(_) => A::Resolution,
            CaseAction::Verification(_) => A::Verification,
            CaseAction::Callback(_) => A::Callback,
            CaseAction::Close(_) => A::Close,
            CaseAction::Reopen(_) => A::Reopen,
            CaseAction::Park(_) => A::Park,
            CaseAction::Unpark(_) => A::Unpark,
            CaseAction::Exclusion(_) => A::Exclusion,
            CaseAction::Tags(_) => A::Tags,
            CaseAction::Merge { .. } => A::Merge,
            CaseAction::Unmerge { .. } => A::Unmerge,
        })
    }
}

/// Signed for and not yet resolved: the handling unit works on the case.
const SIGNED_OR_HANDLING: &[CaseState] = &[CaseState::Signed, CaseState::Handling];
/// Dispatched and not resolved, no return pending: returns and parking.
const DISPATCHED_TO_HANDLING: &[CaseState] = &[
    CaseState::Dispatched,
    CaseState::Signed,
    CaseState::Handling,
];

impl Case {
    /// Every action `actor` may take on this case at `at`: each action (and each whistle and
    /// task number) that [`Case::permit`] allows, in life-cycle order with whistle actions after
    /// `whistles` and task actions after `tasks`. Empty before the case is opened.
    pub fn available_actions(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        org: &Organisation,
    ) -> Vec<AvailableAction> {
        use AvailableAction as A;
        let whistle_actions = self.whistles.iter().flat_map(|w| {
            let no = w.no;
            [
                A::WhistleReportIn { no },
                A::WhistleDecline { no },
                A::WhistleAct { no },
                A::WhistleClose { no },
            ]
        });
        let task_actions = self.tasks.iter().flat_map(|t| {
            let no = t.no;
            [
                A::TaskClaim { no },
                A::TaskComplete { no },
                A::TaskConfirm { no },
            ]
        });
        // Answer … BlowWhistle, the whistles, PublishTask, the tasks, Progress … Exclusion.
        let (head, rest) = A::CASE_ACTIONS.split_at(7);
        let (publish, tail) = rest.split_at(1);
        head.iter()
            .copied()
            .chain(whistle_actions)
            .chain(publish.iter().copied())
            .chain(task_actions)
            .chain(tail.iter().copied())
            .filter(|action| self.permit(actor, at, org, *action).is_ok())
            .collect()
    }

    /// Whether `actor` may take `action` on this case at `at` (who, state, time windows and
    /// limits; not the request body): `Ok`, or the refusal [`Case::decide`] gives for it.
    pub fn permit(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        org: &Organisation,
        action: AvailableAction,
    ) -> Result<(), CaseError> {
        use AvailableAction as A;
        use CaseState::*;
        let state = self.current()?;
        if matches!(
            actor.role,
            Role::System | Role::Auditor | Role::Admin | Role::Intake
        ) {
            return Err(CaseError::RoleMayNotAct {
                role: actor.role.name(),
            });
        }
        let name = action.name();
        // A merged duplicate takes no command but unmerge.
        if state == Merged && action != A::Unmerge {
            return Err(CaseError::MergedDuplicate {
                into: self.merged_into().unwrap_or_default().to_string(),
            });
        }
        match action {
            A::Answer => {
                self.require_coordinator(actor, name)?;
                self.require_state(name, &[Received])?;
                if self.intake.as_ref().map(|intake| intake.kind) != Some(CaseKind::Consultation) {
                    return Err(CaseError::NotConsultation);
                }
            }
            A::Dispatch => {
                self.require_coordinator(actor, name)?;
                self.require_state(name, &[Received])?;
            }
            A::Sign => {
                self.require_handling_unit(actor, name)?;
                self.require_state(name, &[Dispatched])?;
            }
            A::Contact | A::Progress | A::Resolution => {
                self.require_handling_unit(actor, name)?;
                self.require_state(name, SIGNED_OR_HANDLING)?;
            }
            A::Extension => {
                self.require_handling_unit(actor, name)?;
                self.require_state(name, SIGNED_OR_HANDLING)?;
                if self.extension.pending_until.is_some() {
                    return Err(CaseError::ExtensionAlreadyPending);
                }
                let max = org.sla.max_extensions;
                if self.extension.granted >= max {
                    return Err(CaseError::ExtensionLimitReached { max });
                }
            }
            A::ExtensionDecision => {
                self.require_dispatching_party(actor, name)?;
                if self.extension.pending_until.is_none() {
                    return Err(CaseError::NoExtensionPending);
                }
            }
            A::Verification => {
                self.require_dispatching_party(actor, name)?;
                self.require_state(name, &[Resolved])?;
            }
            A::Return => {
                self.require_handling_unit(actor, name)?;
                if matches!(state, ReturnPending | Disputed) {
                    return Err(CaseError::ReturnAlreadyPending);
                }
                self.require_state(name, DISPATCHED_TO_HANDLING)?;
                if self.return_barred {
                    return Err(CaseError::ReturnBarredByRuling);
                }
                if let Some(until) = self.deadlines.return_until {
                    if at > until {
                        return Err(CaseError::ReturnWindowClosed { until });
                    }
                }
            }
            A::ReturnDecision => {
                self.require_dispatching_party(actor, name)?;
                self.require_state(name, &[ReturnPending, Disputed])?;
            }
            A::BlowWhistle => {
                self.require_street_dispatcher(actor, name)?;
                self.require_state(name, SIGNED_OR_HANDLING)?;
            }
            A::WhistleReportIn { no } | A::WhistleDecline { no } | A::WhistleAct { no } => {
                let whistle = self.whistle(no).ok_or(CaseError::WhistleNotFound { no })?;
                let summoned = actor
                    .department_code()
                    .and_then(|code| whistle.department(code))
                    .ok_or(CaseError::NotSummoned { no })?;
                // A closed case is done with: departments no longer act on it (reopening it
                // lets them again). The street may still close the whistle and rate them.
                require_open_case(name, state)?;
                if whistle.is_closed() {
                    return Err(CaseError::WhistleClosed { no });
                }
                use DepartmentStatus::*;
                match (action, summoned.status) {
                    (_, Declined) => return Err(CaseError::AlreadyDeclined { no }),
                    (A::WhistleAct { .. }, Summoned) => {
                        return Err(CaseError::NotReportedIn { no })
                    }
                    (A::WhistleAct { .. }, _) | (_, Summoned) => {}
                    _ => return Err(CaseError::AlreadyReportedIn { no }),
                }
            }
            A::WhistleClose { no } => {
                let whistle = self.whistle(no).ok_or(CaseError::WhistleNotFound { no })?;
                self.require_street_dispatcher(actor, name)?;
                if whistle.is_closed() {
                    return Err(CaseError::WhistleClosed { no });
                }
            }
            A::PublishTask => {
                self.require_street_dispatcher(actor, name)?;
                require_open_case(name, state)?;
            }
            A::TaskClaim { no } => {
                let task = self.task(no).ok_or(CaseError::TaskNotFound { no })?;
                if !matches!(actor.role, Role::Volunteer { .. } | Role::Department { .. }) {
                    return Err(CaseError::MayNotClaim);
                }
                require_open_case(name, state)?;
                if task.status != TaskStatus::Open {
                    return Err(CaseError::TaskAlreadyClaimed { no });
                }
            }
            A::TaskComplete { no } => {
                let task = self.task(no).ok_or(CaseError::TaskNotFound { no })?;
                let claimant = task
                    .claimant
                    .as_ref()
                    .ok_or(CaseError::TaskNotClaimed { no })?;
                if !claimant.is_same_party(actor) {
                    return Err(CaseError::NotClaimant { no });
                }
                if task.status != TaskStatus::Claimed {
                    return Err(CaseError::TaskAlreadyCompleted { no });
                }
            }
            A::TaskConfirm { no } => {
                let task = self.task(no).ok_or(CaseError::TaskNotFound { no })?;
                self.require_street_dispatcher(actor, name)?;
                match task.status {
                    TaskStatus::Open | TaskStatus::Claimed => {
                        return Err(CaseError::TaskNotCompleted { no })
                    }
                    TaskStatus::Confirmed => return Err(CaseError::TaskAlreadyConfirmed { no }),
                    TaskStatus::Completed => {}
                }
            }
            A::Callback => {
                self.require_coordinator(actor, name)?;
                self.require_state(name, &[AwaitingCallback])?;
            }
            A::Close => {
                self.require_coordinator(actor, name)?;
                self.require_state(name, &[AwaitingCallback])?;
                let max = org.sla.max_callback_attempts;
                if !self.callbacks.reached && self.callbacks.unreached_in_row < max {
                    return Err(CaseError::CallbackOutstanding { max });
                }
            }
            A::Reopen => {
                self.require_coordinator(actor, name)?;
                self.require_state(name, &[AwaitingCallback, Closed])?;
                if let Some(primary) = self.merged_into() {
                    // Closed with its primary: reopening the primary is what reaches it again.
                    return Err(CaseError::ClosedWithPrimary {
                        primary: primary.to_string(),
                    });
                }
                let reopens_left = match (&self.closure, state) {
                    (Some(closure), Closed) => {
                        if at > closure.reopen_until {
                            return Err(CaseError::ReopenWindowClosed {
                                until: closure.reopen_until,
                            });
                        }
                        closure.reopens_left
                    }
                    _ => org.sla.max_reopens.saturating_sub(self.reopen_count),
                };
                if reopens_left == 0 {
                    return Err(CaseError::ReopenLimitReached {
                        max: self.reopen_count,
                    });
                }
            }
            A::Park => {
                self.require_coordinator(actor, name)?;
                self.require_state(name, DISPATCHED_TO_HANDLING)?;
            }
            A::Unpark => {
                self.require_coordinator(actor, name)?;
                self.require_state(name, &[Parked])?;
                if self.parking.is_none() {
                    return Err(CaseError::WrongState {
                        action: name,
                        state,
                    });
                }
            }
            A::Exclusion => {
                require_hotline(actor, name)?;
                if self.excluded {
                    return Err(CaseError::AlreadyExcluded);
                }
            }
            A::Tags => {
                let handling_unit = self
                    .handling_unit
                    .as_ref()
                    .is_some_and(|unit| acts_as(actor, unit));
                if self.require_coordinator(actor, name).is_err() && !handling_unit {
                    return Err(CaseError::MayNotTag);
                }
            }
            A::Merge => {
                self.require_coordinator(actor, name)?;
                if matches!(state, Answered | Closed) {
                    return Err(CaseError::WrongState {
                        action: name,
                        state,
                    });
                }
                if !self.duplicates.is_empty() {
                    return Err(CaseError::HasDuplicates {
                        count: self.duplicates.len(),
                    });
                }
            }
            A::Unmerge => {
                self.require_coordinator(actor, name)?;
                self.require_state(name, &[Merged])?;
            }
        }
        Ok(())
    }

    /// The return decisions the case waits for: approve, reject or dispute a pending return;
    /// rule a dispute. Empty when no return is pending.
    pub fn return_verdicts(&self) -> &'static [ReturnVerdict] {
        match self.state {
            Some(CaseState::ReturnPending) => &[
                ReturnVerdict::Approve,
                ReturnVerdict::Reject,
                ReturnVerdict::Dispute,
            ],
            Some(CaseState::Disputed) => &[ReturnVerdict::Rule],
            _ => &[],
        }
    }
}

/// Tasks are published and claimed, and summoned departments report in, decline and act, only
/// while the case is open (not answered or closed).
fn require_open_case(action: &'static str, state: CaseState) -> Result<(), CaseError> {
    match state {
        CaseState::Answered | CaseState::Closed => Err(CaseError::WrongState { action, state }),
        _ => Ok(()),
    }
}
