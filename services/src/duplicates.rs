//! 并单 the two halves of a merge, of an unmerge, and closing duplicates with their primary.
//!
//! A merge is decided on the duplicate (`CaseMerged`) and completed on the primary
//! (`DuplicateAttached`), two commits on two streams. What is still to do between a duplicate and
//! its primary is a pure function of the two streams ([`next_step`]), each step is a system
//! command with an idempotency key derived from what it completes, and a refused step means "done
//! or moot": so the case service runs the steps right after the person's command, and the merge
//! follower (`shaobao_projections`) runs them again for any pair a crash left half-done.

use shaobao_domain::case::{is_case_id, CaseState, OtherCase};
use shaobao_domain::{Actor, Case, CaseAction, CaseError};

use crate::cases::{CaseCommandError, CaseService, Request};
use crate::command::CommandError;

/// What is left to do between a duplicate and its primary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// The duplicate is merged; the primary does not list it yet and still takes duplicates.
    Attach,
    /// The duplicate is merged; the primary refuses it (closed, answered or merged meanwhile).
    Abandon,
    /// The primary closed; its merged duplicate closes with it.
    CloseWithPrimary,
    /// The primary lists a duplicate that was unmerged.
    Detach,
}

/// The step due between `duplicate` and `primary` (ids `duplicate_id`, `primary_id`), if any.
pub fn next_step(
    duplicate_id: &str,
    duplicate: &Case,
    primary_id: &str,
    primary: &Case,
) -> Option<Step> {
    let into_primary = duplicate.merged_into() == Some(primary_id);
    let merged_here = into_primary && duplicate.state() == Some(CaseState::Merged);
    // Closed together with this primary: it stays listed, for the callback.
    let closed_with_primary = into_primary && duplicate.state() == Some(CaseState::Closed);
    let listed = primary.duplicate(duplicate_id).is_some();
    match (merged_here, listed, primary.state()) {
        (true, false, Some(CaseState::Closed | CaseState::Answered | CaseState::Merged) | None) => {
            Some(Step::Abandon)
        }
        (true, false, _) => Some(Step::Attach),
        (true, true, Some(CaseState::Closed)) => Some(Step::CloseWithPrimary),
        (true, true, _) => None,
        (false, true, _) if closed_with_primary => None,
        (false, true, _) => Some(Step::Detach),
        (false, false, _) => None,
    }
}

/// What a person's command leaves due between two cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FollowUp {
    /// After a merge or an unmerge: the pair.
    Pair { duplicate: String, primary: String },
    /// After a close: the closed case and each of its duplicates.
    Duplicates { primary: String },
}

impl FollowUp {
    /// What `action` on `case_id` (as the service completed it) leaves due.
    pub(crate) fn of(case_id: &str, action: &CaseAction) -> Option<FollowUp> {
        let pair = |primary: &str| FollowUp::Pair {
            duplicate: case_id.to_string(),
            primary: primary.to_string(),
        };
        match action {
            CaseAction::Merge { body, .. } => Some(pair(&body.into)),
            CaseAction::Unmerge { primary, .. } => primary.as_ref().map(|p| pair(&p.case_id)),
            CaseAction::Close(_) => Some(FollowUp::Duplicates {
                primary: case_id.to_string(),
            }),
            _ => None,
        }
    }

    /// The event an action leaving steps due commits first (what [`crate::cases::CRASH_AFTER`]
    /// names).
    pub(crate) fn first_event(action: &CaseAction) -> Option<&'static str> {
        match action {
            CaseAction::Merge { .. } => Some("CaseMerged"),
            CaseAction::Unmerge { .. } => Some("CaseUnmerged"),
            CaseAction::Close(_) => Some("CaseClosed"),
            _ => None,
        }
    }
}

/// Steps between one pair before giving up (each step changes one stream; four at most are ever
/// due in a row: attach, then close, with retries after a race).
const MAX_STEPS: usize = 6;

impl CaseService {
    /// A merge or unmerge as requested, with what its decision needs of the other case: this
    /// case's id and the primary as its stream has it now. A proactive case's related cases must
    /// exist (well-formed ids only: a malformed one is the domain's to refuse).
    pub(crate) async fn with_other_case(
        &self,
        case_id: &str,
        action: CaseAction,
    ) -> Result<CaseAction, CaseCommandError> {
        Ok(match action {
            CaseAction::Merge { body, .. } => CaseAction::Merge {
                primary: self.other_case(&body.into).await?,
                case_id: case_id.to_string(),
                body,
            },
            CaseAction::Unmerge { body, .. } => {
                let into = self
                    .read(case_id)
                    .await?
                    .and_then(|case| case.merged_into().map(str::to_string));
                let primary = match into {
                    Some(into) => self.other_case(&into).await?,
                    None => None,
                };
                CaseAction::Unmerge { body, primary }
            }
            CaseAction::Open(open) => {
                self.related_cases_exist(&open.related_cases).await?;
                CaseAction::Open(open)
            }
            other => other,
        })
    }

    /// Runs the steps a command left due (see [`FollowUp`]). Best effort: a failure is logged and
    /// left to the merge follower.
    pub(crate) async fn follow_up(&self, follow_up: FollowUp) {
        let pairs: Vec<(String, String)> = match follow_up {
            FollowUp::Pair { duplicate, primary } => vec![(duplicate, primary)],
            FollowUp::Duplicates { primary } => match self.read(&primary).await {
                Ok(Some(case)) => case
                    .duplicates()
                    .iter()
                    .map(|d| (d.case_id.clone(), primary.clone()))
                    .collect(),
                _ => Vec::new(),
            },
        };
        for (duplicate, primary) in pairs {
            if let Err(err) = self.complete_duplicate(&duplicate, &primary).await {
                tracing::warn!(duplicate, primary, %err, "duplicate step left to the merge follower");
            }
        }
    }

    /// Runs every step due between `duplicate_id` and `primary_id` until none is: the merge
    /// follower's unit of work, idempotent and safe to repeat at any time.
    pub async fn complete_duplicate(
        &self,
        duplicate_id: &str,
        primary_id: &str,
    ) -> Result<(), CaseCommandError> {
        let system = Actor::system();
        for _ in 0..MAX_STEPS {
            let (Some(duplicate), primary) =
                (self.read(duplicate_id).await?, self.read(primary_id).await?)
            else {
                return Ok(());
            };
            let primary = primary.unwrap_or_default();
            let Some(step) = next_step(duplicate_id, &duplicate, primary_id, &primary) else {
                return Ok(());
            };
            let (stream, action, key) =
                step_command(duplicate_id, &duplicate, primary_id, &primary, &step);
            let request = Request {
                idempotency_key: Some(key),
                correlation_id: format!("merge-follower:{duplicate_id}"),
                expected_version: None,
            };
            match self.execute_once(&stream, &system, action, &request).await {
                // Decided against fresh state: look again.
                Ok(_) | Err(CommandError::Domain(_)) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(())
    }

    /// Refuses the first related case (by index) that names no case.
    async fn related_cases_exist(&self, related: &[String]) -> Result<(), CaseCommandError> {
        for (i, id) in related.iter().enumerate() {
            if is_case_id(id) && self.read(id).await?.is_none() {
                return Err(CommandError::Domain(CaseError::UnknownCase {
                    field: format!("related_cases[{i}]"),
                    case_id: id.clone(),
                }));
            }
        }
        Ok(())
    }

    async fn read(&self, case_id: &str) -> Result<Option<Case>, CaseCommandError> {
        self.case(case_id)
            .await
            .map(|found| found.map(|r| r.aggregate))
            .map_err(|err| CommandError::Store(err.to_string()))
    }

    async fn other_case(&self, case_id: &str) -> Result<Option<OtherCase>, CaseCommandError> {
        Ok(self
            .read(case_id)
            .await?
            .and_then(|case| case.as_other(case_id)))
    }
}

/// The stream a step is recorded on, its action, and its idempotency key: derived from the
/// merge (or attachment) it completes, so a repeat after a crash lands on the first outcome.
fn step_command(
    duplicate_id: &str,
    duplicate: &Case,
    primary_id: &str,
    primary: &Case,
    step: &Step,
) -> (String, CaseAction, String) {
    let merged_at = duplicate
        .merge()
        .map(|m| m.at.timestamp_nanos_opt().unwrap_or_default())
        .unwrap_or_default();
    let primary_id = primary_id.to_string();
    match step {
        Step::Attach => (
            primary_id,
            CaseAction::AttachDuplicate {
                case_id: duplicate_id.to_string(),
                requester: duplicate.intake().and_then(|i| i.requester.clone()),
            },
            format!("merge:{duplicate_id}:{merged_at}:attach"),
        ),
        Step::Abandon => (
            duplicate_id.to_string(),
            CaseAction::AbandonMerge {
                primary: primary_id.clone(),
            },
            format!("merge:{duplicate_id}:{merged_at}:abandon"),
        ),
        Step::CloseWithPrimary => (
            duplicate_id.to_string(),
            CaseAction::CloseViaPrimary {
                primary: primary_id.clone(),
            },
            format!("merge:{duplicate_id}:{merged_at}:close"),
        ),
        Step::Detach => {
            let attached_at = primary
                .duplicate(duplicate_id)
                .map(|d| d.at.timestamp_nanos_opt().unwrap_or_default())
                .unwrap_or_default();
            (
                primary_id,
                CaseAction::DetachDuplicate {
                    case_id: duplicate_id.to_string(),
                },
                format!("merge:{duplicate_id}:{attached_at}:detach"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use cqrs_es::Aggregate;
    use shaobao_domain::case::{CaseKind, Channel, Location};
    use shaobao_domain::sla::Urgency;
    use shaobao_domain::CaseEvent;

    use super::*;

    const DUP: &str = "dup";
    const PRIMARY: &str = "primary";
    const OTHER: &str = "other";

    fn case(events: Vec<CaseEvent>) -> Case {
        let mut case = Case::default();
        for event in events {
            case.apply(event);
        }
        case
    }

    fn opened() -> CaseEvent {
        CaseEvent::CaseOpened {
            channel: Channel::Hotline,
            kind: CaseKind::Complaint,
            category: "noise".into(),
            urgency: Urgency::Ordinary,
            description: "噪声".into(),
            location: Location::street("jingshan"),
            requester: None,
            source: None,
            at: Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
            related_cases: vec![],
        }
    }

    fn at() -> chrono::DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 3, 0, 0).unwrap()
    }

    fn merged(into: &str) -> CaseEvent {
        CaseEvent::CaseMerged {
            into: into.into(),
            note: None,
            at: at(),
        }
    }

    fn attached() -> CaseEvent {
        CaseEvent::DuplicateAttached {
            case_id: DUP.into(),
            requester: None,
            at: at(),
        }
    }

    fn closed(via_primary: Option<&str>) -> CaseEvent {
        CaseEvent::CaseClosed {
            note: None,
            at: at(),
            reopen_until: at(),
            reopens_left: 0,
            via_primary: via_primary.map(str::to_string),
        }
    }

    fn answered() -> CaseEvent {
        CaseEvent::AnsweredDirectly {
            note: None,
            at: at(),
        }
    }

    fn step(duplicate: Vec<CaseEvent>, primary: Vec<CaseEvent>) -> Option<Step> {
        next_step(DUP, &case(duplicate), PRIMARY, &case(primary))
    }

    #[test]
    fn a_merged_duplicate_is_attached_unless_the_primary_refuses() {
        let dup = vec![opened(), merged(PRIMARY)];
        assert_eq!(step(dup.clone(), vec![opened()]), Some(Step::Attach));
        assert_eq!(
            step(dup.clone(), vec![opened(), answered()]),
            Some(Step::Abandon)
        );
        assert_eq!(step(dup.clone(), vec![]), Some(Step::Abandon));
        assert_eq!(step(dup, vec![opened(), attached()]), None);
    }

    #[test]
    fn a_closed_primary_closes_its_merged_duplicate_once() {
        let primary = vec![opened(), attached(), closed(None)];
        let dup = vec![opened(), merged(PRIMARY)];
        assert_eq!(
            step(dup.clone(), primary.clone()),
            Some(Step::CloseWithPrimary)
        );
        let closed_with = [dup, vec![closed(Some(PRIMARY))]].concat();
        assert_eq!(step(closed_with, primary), None);
    }

    #[test]
    fn an_unmerged_duplicate_is_detached_from_its_old_primary_only() {
        let unmerged = CaseEvent::CaseUnmerged {
            primary: PRIMARY.into(),
            note: None,
            at: at(),
        };
        let primary = vec![opened(), attached()];
        let dup = vec![opened(), merged(PRIMARY), unmerged];
        assert_eq!(step(dup.clone(), primary.clone()), Some(Step::Detach));
        let elsewhere = [dup, vec![merged(OTHER)]].concat();
        assert_eq!(step(elsewhere.clone(), primary), Some(Step::Detach));
        assert_eq!(step(elsewhere, vec![opened()]), None);
    }
}
