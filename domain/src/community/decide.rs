//! Decisions on a community's list: [`CommunityList::permit`] first, then the request body's
//! rules, then the events.

use super::{
    CommunityAction, CommunityCommand, CommunityError, CommunityEvent, CommunityList, ListStep,
    NeedAction, OfferResource, Party, Place, PublishNeed, MAX_POINTS, MAX_TITLE_CHARS,
};
use crate::case::MAX_DESCRIPTION_CHARS;
use crate::org::Organisation;

impl CommunityList {
    /// Decides what `command` does to this list under `org`, without changing anything.
    pub fn decide(
        &self,
        command: CommunityCommand,
        org: &Organisation,
    ) -> Result<Vec<CommunityEvent>, CommunityError> {
        let CommunityCommand {
            actor,
            at,
            community,
            member_community,
            action,
        } = command;
        let place = self.locate(&community, org)?;
        let step = ListStep::of(&action);
        self.permit(&actor, at, &place, member_community.as_deref(), step)?;
        let Place { street, community } = place;
        Ok(vec![match action {
            CommunityAction::PublishNeed(body) => {
                let PublishNeed {
                    title,
                    description,
                    kind,
                    points,
                    deadline,
                } = body;
                text("title", &title, MAX_TITLE_CHARS)?;
                optional_text("description", &description)?;
                if !(1..=MAX_POINTS).contains(&points) {
                    return Err(CommunityError::PointsOutOfRange {
                        min: 1,
                        max: MAX_POINTS,
                    });
                }
                if deadline.is_some_and(|d| d <= at) {
                    return Err(CommunityError::DeadlineInPast);
                }
                CommunityEvent::NeedPublished {
                    no: self.needs.len() as u32 + 1,
                    street,
                    community,
                    title,
                    description,
                    kind,
                    points,
                    deadline,
                    at,
                }
            }
            CommunityAction::Need { no, action } => {
                let need = self.need(no).ok_or(CommunityError::NeedNotFound { no })?;
                match action {
                    NeedAction::Claim => CommunityEvent::NeedClaimed {
                        no,
                        street,
                        community,
                        claimant: Party::of(&actor).ok_or(CommunityError::MayNotClaim)?,
                        at,
                    },
                    NeedAction::Deliver { summary, evidence } => {
                        text("summary", &summary, MAX_DESCRIPTION_CHARS)?;
                        CommunityEvent::NeedDelivered {
                            no,
                            street,
                            community,
                            summary,
                            evidence,
                            at,
                        }
                    }
                    NeedAction::Confirm { points } => {
                        let points = points.unwrap_or(need.points);
                        if points > MAX_POINTS {
                            return Err(CommunityError::PointsOutOfRange {
                                min: 0,
                                max: MAX_POINTS,
                            });
                        }
                        CommunityEvent::NeedConfirmed {
                            no,
                            street,
                            community,
                            claimant: need
                                .claimant
                                .clone()
                                .ok_or(CommunityError::NeedNotClaimed { no })?,
                            points,
                            at,
                        }
                    }
                    NeedAction::Withdraw { reason } => {
                        text("reason", &reason, MAX_DESCRIPTION_CHARS)?;
                        CommunityEvent::NeedWithdrawn {
                            no,
                            street,
                            community,
                            reason,
                            at,
                        }
                    }
                }
            }
            CommunityAction::OfferResource(body) => {
                let OfferResource {
                    title,
                    description,
                    capacity,
                    available_from,
                    available_until,
                } = body;
                text("title", &title, MAX_TITLE_CHARS)?;
                optional_text("description", &description)?;
                let capacity = capacity.unwrap_or(1);
                if capacity == 0 {
                    return Err(CommunityError::NoCapacity);
                }
                if let (Some(from), Some(until)) = (available_from, available_until) {
                    if until <= from {
                        return Err(CommunityError::AvailabilityOrder);
                    }
                }
                if available_until.is_some_and(|until| until <= at) {
                    return Err(CommunityError::AvailabilityOver);
                }
                let unit = actor
                    .department_code()
                    .ok_or(CommunityError::NotAUnit {
                        role: actor.role.name(),
                    })?
                    .to_string();
                if org.department(&unit).is_none() {
                    return Err(CommunityError::UnknownReference {
                        field: "unit".into(),
                        code: unit,
                    });
                }
                CommunityEvent::ResourceOffered {
                    no: self.resources.len() as u32 + 1,
                    street,
                    community,
                    unit,
                    title,
                    description,
                    capacity,
                    available_from,
                    available_until,
                    at,
                }
            }
            CommunityAction::MatchResource { no, need_no } => {
                let resource = self
                    .resource(no)
                    .ok_or(CommunityError::ResourceNotFound { no })?;
                CommunityEvent::ResourceMatched {
                    no,
                    street,
                    community,
                    unit: resource.unit.clone(),
                    need_no,
                    at,
                }
            }
        }])
    }
}

/// Some non-whitespace text of at most `max` characters.
fn text(field: &str, value: &str, max: usize) -> Result<(), CommunityError> {
    if value.trim().is_empty() {
        return Err(CommunityError::Blank {
            field: field.to_string(),
        });
    }
    if value.chars().count() > max {
        return Err(CommunityError::TooLong {
            field: field.to_string(),
            max,
        });
    }
    Ok(())
}

fn optional_text(field: &str, value: &Option<String>) -> Result<(), CommunityError> {
    match value {
        Some(value) if value.chars().count() > MAX_DESCRIPTION_CHARS => {
            Err(CommunityError::TooLong {
                field: field.to_string(),
                max: MAX_DESCRIPTION_CHARS,
            })
        }
        _ => Ok(()),
    }
}
