//! Handling: the handling unit signs for the case, contacts the requester, records progress, may
//! ask for one extension, and submits its resolution, which the dispatching party verifies.

use chrono::{DateTime, Utc};

use super::body::{Contact, DecideExtension, Progress, RequestExtension, SubmitResolution, Verify};
use super::deadline::DeadlineRef;
use super::error::CaseError;
use super::event::CaseEvent;
use super::guard::non_blank;
use super::state::{Case, Clock};
use super::value::Outcome;
use super::{Ctx, Decision};
use crate::sla::Timer;

impl Case {
    /// Sign for the case.
    pub(super) fn sign(&self, cx: &Ctx) -> Decision {
        Ok(vec![CaseEvent::CaseSigned {
            at: cx.at,
            on_time: on_time(self.deadlines.sign, cx.at),
        }])
    }

    /// Contact the requester (repeatable; the first contact meets the contact deadline).
    pub(super) fn contact(&self, cx: &Ctx, body: Contact) -> Decision {
        Ok(vec![CaseEvent::RequesterContacted {
            channel: body.channel,
            note: body.note,
            at: cx.at,
            on_time: on_time(self.deadlines.contact, cx.at),
        }])
    }

    /// A progress note.
    pub(super) fn progress(&self, cx: &Ctx, body: Progress) -> Decision {
        non_blank("note", &body.note)?;
        Ok(vec![CaseEvent::ProgressRecorded {
            note: body.note,
            evidence: body.evidence,
            at: cx.at,
        }])
    }

    /// Ask to move the resolve deadline, within the policy's limits.
    pub(super) fn request_extension(&self, cx: &Ctx, body: RequestExtension) -> Decision {
        let resolve_by = self.resolve_by();
        if body.until <= resolve_by {
            return Err(CaseError::ExtensionNotLater { resolve_by });
        }
        let latest = cx.org.due(Timer::ExtensionMax, resolve_by);
        if body.until > latest {
            return Err(CaseError::ExtensionTooLong { latest });
        }
        non_blank("reason", &body.reason)?;
        Ok(vec![CaseEvent::ExtensionRequested {
            until: body.until,
            reason: body.reason,
            at: cx.at,
        }])
    }

    /// The dispatching party grants or denies the pending extension.
    pub(super) fn decide_extension(&self, cx: &Ctx, body: DecideExtension) -> Decision {
        let until = self
            .extension
            .pending_until
            .ok_or(CaseError::NoExtensionPending)?;
        let (note, at) = (body.note, cx.at);
        Ok(vec![if body.approve {
            CaseEvent::ExtensionGranted {
                resolve_by: until,
                note,
                at,
                ladders: vec![cx.ladder(DeadlineRef::Resolve, until)],
            }
        } else {
            CaseEvent::ExtensionDenied { note, at }
        }])
    }

    /// The handling unit reports its result. Where the dispatching street is itself the
    /// handling unit nobody verifies, and the case awaits callback at once.
    pub(super) fn submit_resolution(&self, cx: &Ctx, body: SubmitResolution) -> Decision {
        if body.outcome == Outcome::Unresolvable && body.summary.trim().is_empty() {
            return Err(CaseError::UnresolvableNeedsReason);
        }
        let callback_by = self
            .is_self_dispatched()
            .then(|| cx.org.due(Timer::Callback, cx.at));
        Ok(vec![CaseEvent::ResolutionSubmitted {
            outcome: body.outcome,
            summary: body.summary,
            evidence: body.evidence,
            at: cx.at,
            on_time: on_time(self.deadlines.resolve, cx.at),
            callback_by,
            ladders: callback_by
                .map(|due_at| cx.ladder(DeadlineRef::Callback, due_at))
                .into_iter()
                .collect(),
        }])
    }

    /// Verification: the dispatching party accepts (the callback clock starts) or rejects (back
    /// to handling, deadlines unchanged).
    pub(super) fn verify(&self, cx: &Ctx, body: Verify) -> Decision {
        let (note, at) = (body.note, cx.at);
        Ok(vec![if body.accepted {
            let callback_by = cx.org.due(Timer::Callback, at);
            CaseEvent::ResolutionAccepted {
                note,
                at,
                callback_by,
                ladders: vec![cx.ladder(DeadlineRef::Callback, callback_by)],
            }
        } else {
            CaseEvent::ResolutionRejected { note, at }
        }])
    }

    /// The resolve deadline in force.
    fn resolve_by(&self) -> DateTime<Utc> {
        self.deadlines
            .resolve
            .map(|clock| clock.due_at)
            .expect("a signed case has a resolve deadline")
    }
}

/// `at` is no later than the clock's due time (true when there is no clock).
fn on_time(clock: Option<Clock>, at: DateTime<Utc>) -> bool {
    clock.is_none_or(|clock| at <= clock.due_at)
}
