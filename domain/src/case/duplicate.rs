//! 并单 duplicates: merge a case into an open primary and undo it; the primary's side of both
//! (attach, detach); and closing a duplicate with its primary.
//!
//! A merge touches two streams. The person's command decides on the duplicate (`CaseMerged`),
//! from the primary as the service read it ([`OtherCase`]); the primary's half
//! (`DuplicateAttached`) is a system step that re-checks the primary under its own concurrency
//! guard and may refuse, after which the merge is abandoned (`CaseUnmerged`). Each step is
//! idempotent, so the merge follower can complete a merge interrupted between the two.

use super::body::{MergeCase, Note};
use super::command::OtherCase;
use super::error::CaseError;
use super::event::CaseEvent;
use super::guard::require_system;
use super::state::{Case, CaseState};
use super::value::Requester;
use super::{Ctx, Decision};

impl Case {
    /// Merge this case (`case_id`) into `primary`: refused into itself, into a case that does not
    /// exist, is closed, answered or merged (a cycle when it is merged into this one), or, for a
    /// street dispatcher, into a case of another street.
    pub(super) fn merge_into(
        &self,
        cx: &Ctx,
        case_id: &str,
        body: MergeCase,
        primary: Option<OtherCase>,
    ) -> Decision {
        if body.into == case_id {
            return Err(CaseError::MergeIntoItself);
        }
        let unknown = || CaseError::UnknownCase {
            field: "into".into(),
            case_id: body.into.clone(),
        };
        let primary = primary
            .filter(|p| p.case_id == body.into)
            .ok_or_else(unknown)?;
        if let Some(street) = cx.actor.street() {
            if primary.street != street {
                return Err(CaseError::MergeAcrossStreets {
                    street: primary.street,
                });
            }
        }
        if primary.merged_into.as_deref() == Some(case_id) {
            return Err(CaseError::MergeCycle { into: body.into });
        }
        require_open_primary(&primary)?;
        Ok(vec![CaseEvent::CaseMerged {
            into: body.into,
            note: body.note,
            at: cx.at,
        }])
    }

    /// Undo a merge made in error, while the primary is not closed.
    pub(super) fn unmerge(&self, cx: &Ctx, body: Note, primary: Option<OtherCase>) -> Decision {
        let into = self.merged_into().unwrap_or_default().to_string();
        if primary.is_some_and(|p| p.case_id == into && p.state == CaseState::Closed) {
            return Err(CaseError::PrimaryClosed { primary: into });
        }
        Ok(vec![CaseEvent::CaseUnmerged {
            primary: into,
            note: body.note,
            at: cx.at,
        }])
    }

    /// The primary's half of a merge: attach duplicate `case_id` while this case is open.
    pub(super) fn attach_duplicate(
        &self,
        cx: &Ctx,
        case_id: String,
        requester: Option<Requester>,
    ) -> Decision {
        require_system(cx.actor)?;
        let state = self.current()?;
        if let Some(merge) = &self.merge {
            return Err(CaseError::MergedDuplicate {
                into: merge.into.clone(),
            });
        }
        if matches!(state, CaseState::Closed | CaseState::Answered) {
            return Err(CaseError::AcceptsNoDuplicates { state });
        }
        if self.duplicate(&case_id).is_some() {
            return Err(CaseError::AlreadyAttached { case_id });
        }
        Ok(vec![CaseEvent::DuplicateAttached {
            case_id,
            requester,
            at: cx.at,
        }])
    }

    /// The primary's half of an unmerge.
    pub(super) fn detach_duplicate(&self, cx: &Ctx, case_id: String) -> Decision {
        require_system(cx.actor)?;
        self.current()?;
        if self.duplicate(&case_id).is_none() {
            return Err(CaseError::NotAttached { case_id });
        }
        Ok(vec![CaseEvent::DuplicateDetached { case_id, at: cx.at }])
    }

    /// The primary closed: this duplicate of it closes too, with no reopen of its own.
    pub(super) fn close_via_primary(&self, cx: &Ctx, primary: String) -> Decision {
        require_system(cx.actor)?;
        self.require_merged_into(&primary)?;
        Ok(vec![CaseEvent::CaseClosed {
            note: None,
            at: cx.at,
            reopen_until: cx.at,
            reopens_left: 0,
            via_primary: Some(primary),
        }])
    }

    /// The primary refused the attachment: the merge did not happen.
    pub(super) fn abandon_merge(&self, cx: &Ctx, primary: String) -> Decision {
        require_system(cx.actor)?;
        self.require_merged_into(&primary)?;
        Ok(vec![CaseEvent::CaseUnmerged {
            note: Some(format!("case {primary} did not accept the duplicate")),
            primary,
            at: cx.at,
        }])
    }

    /// Merged (not yet closed or unmerged) into `primary`.
    fn require_merged_into(&self, primary: &str) -> Result<(), CaseError> {
        if self.current()? == CaseState::Merged && self.merged_into() == Some(primary) {
            Ok(())
        } else {
            Err(CaseError::NotMergedInto {
                primary: primary.to_string(),
            })
        }
    }
}

/// A duplicate goes only into a case that is neither closed, answered nor merged itself.
fn require_open_primary(primary: &OtherCase) -> Result<(), CaseError> {
    match primary.state {
        CaseState::Closed | CaseState::Answered | CaseState::Merged => {
            Err(CaseError::PrimaryNotOpen {
                into: primary.case_id.clone(),
                state: primary.state,
            })
        }
        _ => Ok(()),
    }
}
