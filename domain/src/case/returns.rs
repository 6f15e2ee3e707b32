//! Return: the handling unit hands the case back inside the return window; whoever dispatched
//! it approves (optionally re-dispatching), rejects (the clock keeps running) or raises a dispute,
//! which a binding ruling settles for good.

use super::body::{ReturnCase, ReturnDecision, ReturnVerdict};
use super::error::CaseError;
use super::event::CaseEvent;
use super::guard::{known_unit, non_blank};
use super::state::Case;
use super::{Ctx, Decision};

impl Case {
    /// The handling unit asks to hand the case back.
    pub(super) fn request_return(&self, cx: &Ctx, body: ReturnCase) -> Decision {
        let unit = self.require_handling_unit(cx.actor, "return")?.clone();
        non_blank("note", &body.note)?;
        Ok(vec![CaseEvent::ReturnRequested {
            unit,
            reason: body.reason,
            note: body.note,
            at: cx.at,
        }])
    }

    /// Approve, reject or dispute a pending return; rule a dispute.
    pub(super) fn decide_return(&self, cx: &Ctx, body: ReturnDecision) -> Decision {
        const ACTION: &str = "return-decision";
        let ReturnDecision {
            decision,
            redispatch_to,
            responsible,
            note,
        } = body;
        // Permitted in either waiting state; the verdict must fit the one the case is in.
        if !self.return_verdicts().contains(&decision) {
            return Err(CaseError::WrongState {
                action: ACTION,
                state: self.current()?,
            });
        }
        let misplaced = |field: &str| CaseError::FieldNotForDecision {
            field: field.into(),
            decision: decision.as_str(),
        };
        if redispatch_to.is_some() && decision != ReturnVerdict::Approve {
            return Err(misplaced("redispatch_to"));
        }
        if responsible.is_some() && decision != ReturnVerdict::Rule {
            return Err(misplaced("responsible"));
        }
        let at = cx.at;
        match decision {
            ReturnVerdict::Approve => {
                let mut events = vec![CaseEvent::ReturnApproved { note, at }];
                if let Some(unit) = redispatch_to {
                    events.push(self.dispatched(cx, unit, Vec::new(), "redispatch_to")?);
                }
                Ok(events)
            }
            ReturnVerdict::Reject => Ok(vec![CaseEvent::ReturnRejected { note, at }]),
            ReturnVerdict::Dispute => Ok(vec![CaseEvent::DisputeRaised { note, at }]),
            ReturnVerdict::Rule => {
                let responsible = responsible.ok_or(CaseError::ResponsibleRequired)?;
                known_unit(cx.org, &responsible, "responsible")?;
                let moves = self.handling_unit.as_ref() != Some(&responsible);
                let mut events = vec![CaseEvent::DisputeRuled {
                    responsible: responsible.clone(),
                    binding: true,
                    note,
                    at,
                }];
                if moves {
                    events.push(self.dispatched(cx, responsible, Vec::new(), "responsible")?);
                }
                Ok(events)
            }
        }
    }
}
