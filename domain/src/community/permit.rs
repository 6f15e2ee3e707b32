//! Who may do what to a community's list, now: the one place that says it.
//!
//! [`CommunityList::permit`] checks the actor's role and scope (DESIGN §1: the street's dispatcher
//! speaks for the community, a department token for a resident unit, a volunteer for a member),
//! the member's registration, and the need's or resource's status, deadline, availability and
//! capacity. [`CommunityList::decide`] runs it before any decision; [`CommunityList::available`]
//! lists every step it permits, for the console's buttons.

use chrono::{DateTime, Utc};

use super::{CommunityAction, CommunityError, CommunityList, NeedAction, NeedStatus, Place};
use crate::actor::{Actor, Role};

/// A step on a community's list, without its request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ListStep {
    PublishNeed,
    Claim { no: u32 },
    Deliver { no: u32 },
    Confirm { no: u32 },
    Withdraw { no: u32 },
    OfferResource,
    Match { no: u32, need_no: u32 },
}

impl ListStep {
    pub fn of(action: &CommunityAction) -> ListStep {
        match action {
            CommunityAction::PublishNeed(_) => ListStep::PublishNeed,
            CommunityAction::Need { no, action } => {
                let no = *no;
                match action {
                    NeedAction::Claim => ListStep::Claim { no },
                    NeedAction::Deliver { .. } => ListStep::Deliver { no },
                    NeedAction::Confirm { .. } => ListStep::Confirm { no },
                    NeedAction::Withdraw { .. } => ListStep::Withdraw { no },
                }
            }
            CommunityAction::OfferResource(_) => ListStep::OfferResource,
            CommunityAction::MatchResource { no, need_no } => ListStep::Match {
                no: *no,
                need_no: *need_no,
            },
        }
    }

    /// The last segment of the step's HTTP path (`needs`, `claim`, …, `resources`, `match`).
    pub fn route_name(&self) -> &'static str {
        match self {
            ListStep::PublishNeed => "needs",
            ListStep::Claim { .. } => "claim",
            ListStep::Deliver { .. } => "deliver",
            ListStep::Confirm { .. } => "confirm",
            ListStep::Withdraw { .. } => "withdraw",
            ListStep::OfferResource => "resources",
            ListStep::Match { .. } => "match",
        }
    }
}

impl CommunityList {
    /// Whether `actor` may take `step` on this list (at `place`) at `at`; `member_community` is
    /// where the actor is registered as a member, if anywhere. `Ok`, or the refusal `decide` gives.
    pub fn permit(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        place: &Place,
        member_community: Option<&str>,
        step: ListStep,
    ) -> Result<(), CommunityError> {
        if matches!(
            actor.role,
            Role::Auditor | Role::Admin | Role::Intake | Role::System
        ) {
            return Err(CommunityError::RoleMayNotAct {
                role: actor.role.name(),
            });
        }
        let dispatcher = || require_dispatcher(actor, place, step.route_name());
        match step {
            ListStep::PublishNeed => dispatcher()?,
            ListStep::OfferResource => {
                if !matches!(actor.role, Role::Department { .. }) {
                    return Err(CommunityError::NotAUnit {
                        role: actor.role.name(),
                    });
                }
            }
            ListStep::Claim { no } => {
                let need = self.need(no).ok_or(CommunityError::NeedNotFound { no })?;
                match &actor.role {
                    Role::Department { .. } => {}
                    Role::Volunteer { .. } if member_community == Some(&place.community) => {}
                    Role::Volunteer { .. } => {
                        return Err(CommunityError::NotRegisteredHere {
                            community: place.community.clone(),
                        })
                    }
                    _ => return Err(CommunityError::MayNotClaim),
                }
                claimable(need.no, need.status, need.deadline, at)?;
            }
            ListStep::Deliver { no } => {
                let need = self.need(no).ok_or(CommunityError::NeedNotFound { no })?;
                let Some(claimant) = &need.claimant else {
                    return Err(CommunityError::need_in(no, need.status));
                };
                if !claimant.is(actor) {
                    return Err(CommunityError::NotClaimant { no });
                }
                if need.status != NeedStatus::Claimed {
                    return Err(CommunityError::need_in(no, need.status));
                }
            }
            ListStep::Confirm { no } => {
                let need = self.need(no).ok_or(CommunityError::NeedNotFound { no })?;
                dispatcher()?;
                match need.status {
                    NeedStatus::Delivered => {}
                    NeedStatus::Open | NeedStatus::Claimed => {
                        return Err(CommunityError::NeedNotDelivered { no })
                    }
                    other => return Err(CommunityError::need_in(no, other)),
                }
            }
            ListStep::Withdraw { no } => {
                let need = self.need(no).ok_or(CommunityError::NeedNotFound { no })?;
                dispatcher()?;
                match need.status {
                    NeedStatus::Open | NeedStatus::Claimed => {}
                    other => return Err(CommunityError::need_in(no, other)),
                }
            }
            ListStep::Match { no, need_no } => {
                let resource = self
                    .resource(no)
                    .ok_or(CommunityError::ResourceNotFound { no })?;
                let need = self
                    .need(need_no)
                    .ok_or(CommunityError::NeedNotFound { no: need_no })?;
                let offering_unit = actor.department_code() == Some(resource.unit.as_str());
                if !offering_unit && dispatcher().is_err() {
                    return Err(CommunityError::MayNotMatch { no });
                }
                claimable(need_no, need.status, need.deadline, at)?;
                if resource.remaining() == 0 {
                    return Err(CommunityError::ResourceExhausted {
                        no,
                        capacity: resource.capacity,
                    });
                }
                if !resource.is_available(at) {
                    return Err(CommunityError::ResourceUnavailable { no });
                }
            }
        }
        Ok(())
    }

    /// Every step `actor` may take on this list at `at`: publish and offer first, then each
    /// need's claim, deliver, confirm and withdraw, then each (resource, open need) match.
    pub fn available(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        place: &Place,
        member_community: Option<&str>,
    ) -> Vec<ListStep> {
        let needs = self.needs.iter().flat_map(|n| {
            let no = n.no;
            [
                ListStep::Claim { no },
                ListStep::Deliver { no },
                ListStep::Confirm { no },
                ListStep::Withdraw { no },
            ]
        });
        let matches = self.resources.iter().flat_map(|r| {
            self.needs.iter().map(move |n| ListStep::Match {
                no: r.no,
                need_no: n.no,
            })
        });
        [ListStep::PublishNeed, ListStep::OfferResource]
            .into_iter()
            .chain(needs)
            .chain(matches)
            .filter(|step| {
                self.permit(actor, at, place, member_community, *step)
                    .is_ok()
            })
            .collect()
    }
}

fn require_dispatcher(
    actor: &Actor,
    place: &Place,
    action: &'static str,
) -> Result<(), CommunityError> {
    if actor.street() == Some(place.street.as_str()) {
        Ok(())
    } else {
        Err(CommunityError::NotStreetDispatcher {
            action,
            street: place.street.clone(),
        })
    }
}

/// A need in `status` with `deadline` may be claimed (or matched) at `at`.
fn claimable(
    no: u32,
    status: NeedStatus,
    deadline: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<(), CommunityError> {
    match status {
        NeedStatus::Open => {}
        NeedStatus::Withdrawn => return Err(CommunityError::NeedWithdrawn { no }),
        _ => return Err(CommunityError::NeedAlreadyClaimed { no }),
    }
    match deadline {
        Some(deadline) if at > deadline => Err(CommunityError::NeedExpired { no, deadline }),
        _ => Ok(()),
    }
}
