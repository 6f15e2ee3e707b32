//! **Case** 诉求/工单: one event stream per case (DESIGN §3).
//!
//! Decisions are pure synchronous functions, `Case::decide(&self, command, &Organisation)`,
//! split by phase: `intake` (open, answer, dispatch), `returns` (return and dispute), `handling`
//! (sign, contact, progress, extension, resolution, verification), `whistle`, `task`, `closure`
//! (callback, close, reopen, park, exclusion), `duplicate` (merge, unmerge and the primary's
//! side of both), `tags` and `deadline` (with `ladder`, the breach ladder each deadline-setting
//! event fixes). Who may take which action in which
//! state and time window is decided in one place, `available` ([`Case::permit`], also behind
//! [`Case::available_actions`]): `decide` runs it first, so the phase functions only validate the
//! request body and build the events. Shared checks live in `guard`.
//! `apply` (and `apply_parts`) fold events into [`Case`], `view` reads it; the cqrs-es `handle`
//! only writes the decided events to the sink.

mod apply;
mod apply_parts;
mod available;
mod body;
mod closure;
mod command;
mod deadline;
mod duplicate;
mod error;
mod event;
mod guard;
mod handling;
mod intake;
mod ladder;
mod privacy;
mod returns;
mod state;
mod tags;
mod task;
mod value;
mod view;
mod whistle;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;

pub use available::AvailableAction;
pub use body::*;
pub use command::*;
pub use deadline::{DeadlineAlert, DeadlineRef, DeadlineStep, SupervisionLevel};
pub use error::{CaseError, ErrorKind};
pub use event::{CaseEvent, DeadlineDue, SummonedDepartment};
pub use guard::MAX_DESCRIPTION_CHARS;
pub use intake::is_case_id;
pub use ladder::Ladder;
pub use privacy::RequesterAccess;
pub use state::{
    AttachedDuplicate, Callbacks, Case, CaseState, Clock, Closure, Deadlines, Extension, Intake,
    MergedInto, Parking, PendingReturn, Resolution,
};
pub use task::{Task, TaskStatus};
pub use value::*;
pub use whistle::{ActionReport, DepartmentStatus, Whistle, WhistleDepartment};

use crate::actor::{Actor, Role};
use crate::org::Organisation;

/// What a decision needs besides the case: who, when, and the organisation's reference data.
pub(crate) struct Ctx<'a> {
    pub actor: &'a Actor,
    pub at: DateTime<Utc>,
    pub org: &'a Organisation,
}

/// The outcome of a decision: the events to record, or why not.
pub(crate) type Decision = Result<Vec<CaseEvent>, CaseError>;

impl Case {
    /// Decides what `command` does to this case under `org`, without changing anything.
    pub fn decide(&self, command: CaseCommand, org: &Organisation) -> Decision {
        let CaseCommand { actor, at, action } = command;
        let cx = Ctx {
            actor: &actor,
            at,
            org,
        };
        if let CaseAction::Open(open) = action {
            return self.open(&cx, open);
        }
        match AvailableAction::of(&action) {
            // Who, state, windows and limits, in one place: the decisions below only validate
            // the request body.
            Some(permitted) => self.permit(&actor, at, org, permitted)?,
            // A deadline record: the deadline service's alone (`record_deadline` checks).
            None => {
                self.current()?;
                if let Role::Auditor | Role::Admin | Role::Intake = actor.role {
                    return Err(CaseError::RoleMayNotAct {
                        role: actor.role.name(),
                    });
                }
            }
        }
        match action {
            CaseAction::Open(_) => unreachable!("handled above"),
            CaseAction::Answer(note) => self.answer(&cx, note),
            CaseAction::Dispatch(dispatch) => self.dispatch(&cx, dispatch),
            CaseAction::Sign => self.sign(&cx),
            CaseAction::Contact(contact) => self.contact(&cx, contact),
            CaseAction::Return(body) => self.request_return(&cx, body),
            CaseAction::ReturnDecision(body) => self.decide_return(&cx, body),
            CaseAction::BlowWhistle(body) => self.blow_whistle(&cx, body),
            CaseAction::Whistle { no, action } => self.whistle_action(&cx, no, action),
            CaseAction::PublishTask(body) => self.publish_task(&cx, body),
            CaseAction::Task { no, action } => self.task_action(&cx, no, action),
            CaseAction::Progress(body) => self.progress(&cx, body),
            CaseAction::Extension(body) => self.request_extension(&cx, body),
            CaseAction::ExtensionDecision(body) => self.decide_extension(&cx, body),
            CaseAction::Resolution(body) => self.submit_resolution(&cx, body),
            CaseAction::Verification(body) => self.verify(&cx, body),
            CaseAction::Callback(body) => self.callback(&cx, body),
            CaseAction::Close(note) => self.close(&cx, note),
            CaseAction::Reopen(reason) => self.reopen(&cx, reason),
            CaseAction::Park(body) => self.park(&cx, body),
            CaseAction::Unpark(note) => self.unpark(&cx, note),
            CaseAction::Exclusion(reason) => self.exclude(&cx, reason),
            CaseAction::Merge {
                case_id,
                body,
                primary,
            } => self.merge_into(&cx, &case_id, body, primary),
            CaseAction::Unmerge { body, primary } => self.unmerge(&cx, body, primary),
            CaseAction::Tags(body) => self.tag(&cx, body),
            CaseAction::AttachDuplicate { case_id, requester } => {
                self.attach_duplicate(&cx, case_id, requester)
            }
            CaseAction::DetachDuplicate { case_id } => self.detach_duplicate(&cx, case_id),
            CaseAction::CloseViaPrimary { primary } => self.close_via_primary(&cx, primary),
            CaseAction::AbandonMerge { primary } => self.abandon_merge(&cx, primary),
            CaseAction::RecordDeadline(body) => self.record_deadline(&cx, body),
        }
    }
}

impl Aggregate for Case {
    const TYPE: &'static str = "case";
    type Command = CaseCommand;
    type Event = CaseEvent;
    type Error = CaseError;
    type Services = Arc<Organisation>;

    async fn handle(
        &mut self,
        command: CaseCommand,
        org: &Arc<Organisation>,
        sink: &EventSink<Self>,
    ) -> Result<(), CaseError> {
        for event in self.decide(command, org)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: CaseEvent) {
        self.apply_event(event);
    }
}
