//! Closing the loop: callbacks, close, reopen; and the side paths park / unpark and exclusion
//! from assessment.

use super::body::{Callback, Note, Park, Reason};
use super::deadline::DeadlineRef;
use super::error::CaseError;
use super::event::{CaseEvent, DeadlineDue};
use super::guard::non_blank;
use super::state::Case;
use super::{Ctx, Decision};
use crate::sla::Timer;

impl Case {
    /// One attempt to reach the requester. Reached: say whether it is resolved and how
    /// satisfied they are. Unreached attempts in a row are limited by policy.
    pub(super) fn callback(&self, cx: &Ctx, body: Callback) -> Decision {
        let details = [
            ("resolved", body.resolved.is_some()),
            ("satisfaction", body.satisfaction.is_some()),
        ];
        for (field, given) in details {
            match (body.reached, given) {
                (true, false) => {
                    return Err(CaseError::CallbackDetailRequired {
                        field: field.into(),
                    })
                }
                (false, true) => {
                    return Err(CaseError::CallbackDetailForbidden {
                        field: field.into(),
                    })
                }
                _ => {}
            }
        }
        let max = cx.org.sla.max_callback_attempts;
        if !body.reached && self.callbacks.unreached_in_row >= max {
            return Err(CaseError::CallbackAttemptsExhausted { max });
        }
        Ok(vec![CaseEvent::CallbackRecorded {
            attempt: self.callbacks.attempts + 1,
            reached: body.reached,
            resolved: body.resolved,
            satisfaction: body.satisfaction,
            comment: body.comment,
            at: cx.at,
        }])
    }

    /// Close after a callback reached the requester, or after every attempt failed. Records the
    /// reopen window and how many reopens are left.
    pub(super) fn close(&self, cx: &Ctx, body: Note) -> Decision {
        Ok(vec![CaseEvent::CaseClosed {
            note: body.note,
            at: cx.at,
            reopen_until: cx.org.due(Timer::ReopenWindow, cx.at),
            reopens_left: cx.org.sla.max_reopens.saturating_sub(self.reopen_count),
            via_primary: None,
        }])
    }

    /// Reopen: back to the same handling unit with a new resolve deadline, while awaiting
    /// callback or after closing (within the window and limit recorded at close).
    pub(super) fn reopen(&self, cx: &Ctx, body: Reason) -> Decision {
        non_blank("reason", &body.reason)?;
        let resolve_by = cx.org.due(Timer::Resolve(self.urgency()), cx.at);
        Ok(vec![CaseEvent::CaseReopened {
            reason: body.reason,
            at: cx.at,
            resolve_by,
            reopen_count: self.reopen_count + 1,
            ladders: vec![cx.ladder(DeadlineRef::Resolve, resolve_by)],
        }])
    }

    /// Park: pause the clocks of a dispatched case until a review date.
    pub(super) fn park(&self, cx: &Ctx, body: Park) -> Decision {
        if body.review_at <= cx.at {
            return Err(CaseError::ReviewNotInFuture);
        }
        Ok(vec![CaseEvent::CaseParked {
            reason: body.reason,
            review_at: body.review_at,
            at: cx.at,
        }])
    }

    /// Resume: every clock that was running moves later by the time spent parked, and with it
    /// every step of its recorded ladder (a deadline without one keeps following the policy).
    pub(super) fn unpark(&self, cx: &Ctx, body: Note) -> Decision {
        let parking = self.parking.as_ref().ok_or(CaseError::WrongState {
            action: "unpark",
            state: self.current()?,
        })?;
        let paused = cx.at - parking.at;
        let running = self.running_deadlines(parking.from);
        let ladders = running
            .iter()
            .filter_map(|(deadline, due_at)| self.ladder(deadline, *due_at))
            .map(|ladder| ladder.shifted(paused))
            .collect();
        let deadlines = running
            .into_iter()
            .map(|(deadline, due_at)| DeadlineDue {
                deadline,
                due_at: due_at + paused,
            })
            .collect();
        Ok(vec![CaseEvent::CaseUnparked {
            note: body.note,
            at: cx.at,
            deadlines,
            return_until: self.deadlines.return_until.map(|until| until + paused),
            ladders,
        }])
    }

    /// The hotline rules the case out of assessment, once.
    pub(super) fn exclude(&self, cx: &Ctx, body: Reason) -> Decision {
        non_blank("reason", &body.reason)?;
        Ok(vec![CaseEvent::CaseExcludedFromAssessment {
            reason: body.reason,
            at: cx.at,
        }])
    }
}
