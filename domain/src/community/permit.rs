//! Who may do what to a community's list, now: the one place that says it.
//!
//! [`CommunityList::permit`] checks the actor's role and scope (DESIGN §1: the street's dispatcher
//! speaks for the community, a department token for a resident unit, a volunteer for a member),
//! the member's registration, and the need's or resource's status, deadline, availability and
//! capacity. [`CommunityList::decide`] runs it before any decision; [`CommunityList::available`]
//! lists every step it permits.
//!
//! The steps on one need depend only on the need's [`NeedFacts`] (number, status, claimant,
//! deadline) and a match only on the resource's [`ResourceFacts`] and the need's: a page listing
//! needs from a read model asks the same functions which buttons to show, without replaying the
//! list.

use chrono::{DateTime, Utc};

use super::{
    CommunityAction, CommunityError, CommunityList, Need, NeedAction, NeedStatus, Party, Place,
    Resource,
};
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
        may_change_lists(actor)?;
        let on_need = |no: u32, need_step: NeedStep| {
            self.need_facts(no)?
                .permit(actor, at, place, member_community, need_step)
        };
        match step {
            ListStep::PublishNeed | ListStep::OfferResource => permit_on_list(actor, place, step)?,
            ListStep::Claim { no } => on_need(no, NeedStep::Claim)?,
            ListStep::Deliver { no } => on_need(no, NeedStep::Deliver)?,
            ListStep::Confirm { no } => on_need(no, NeedStep::Confirm)?,
            ListStep::Withdraw { no } => on_need(no, NeedStep::Withdraw)?,
            ListStep::Match { no, need_no } => {
                let resource = self
                    .resource(no)
                    .ok_or(CommunityError::ResourceNotFound { no })?
                    .facts();
                resource.permit_match(&self.need_facts(need_no)?, actor, at, place)?
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

impl CommunityList {
    fn need_facts(&self, no: u32) -> Result<NeedFacts<'_>, CommunityError> {
        self.need(no)
            .map(Need::facts)
            .ok_or(CommunityError::NeedNotFound { no })
    }
}

/// A step on one need, without its number or body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NeedStep {
    Claim,
    Deliver,
    Confirm,
    Withdraw,
}

impl NeedStep {
    pub const ALL: [NeedStep; 4] = [
        NeedStep::Claim,
        NeedStep::Deliver,
        NeedStep::Confirm,
        NeedStep::Withdraw,
    ];

    /// The last segment of the step's HTTP path.
    pub fn route_name(self) -> &'static str {
        self.on(0).route_name()
    }

    /// This step on need `no`.
    pub fn on(self, no: u32) -> ListStep {
        match self {
            NeedStep::Claim => ListStep::Claim { no },
            NeedStep::Deliver => ListStep::Deliver { no },
            NeedStep::Confirm => ListStep::Confirm { no },
            NeedStep::Withdraw => ListStep::Withdraw { no },
        }
    }
}

/// What the steps on one need depend on. A list's [`Need`] gives it, and so does a read model's
/// row of the need, so the buttons a page offers and the decision on the posted form are the
/// same function of the need and the actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedFacts<'a> {
    pub no: u32,
    pub status: NeedStatus,
    pub claimant: Option<&'a Party>,
    pub deadline: Option<DateTime<Utc>>,
}

impl Need {
    pub fn facts(&self) -> NeedFacts<'_> {
        NeedFacts {
            no: self.no,
            status: self.status,
            claimant: self.claimant.as_ref(),
            deadline: self.deadline,
        }
    }
}

impl NeedFacts<'_> {
    /// Whether `actor` (a member registered in `member_community`, if a volunteer) may take
    /// `step` on this need of the community at `place`, at `at`.
    pub fn permit(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        place: &Place,
        member_community: Option<&str>,
        step: NeedStep,
    ) -> Result<(), CommunityError> {
        may_change_lists(actor)?;
        let no = self.no;
        let dispatcher = || require_dispatcher(actor, place, step.route_name());
        match step {
            NeedStep::Claim => {
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
                claimable(no, self.status, self.deadline, at)
            }
            NeedStep::Deliver => {
                let Some(claimant) = self.claimant else {
                    return Err(CommunityError::need_in(no, self.status));
                };
                if !claimant.is(actor) {
                    return Err(CommunityError::NotClaimant { no });
                }
                match self.status {
                    NeedStatus::Claimed => Ok(()),
                    other => Err(CommunityError::need_in(no, other)),
                }
            }
            NeedStep::Confirm => {
                dispatcher()?;
                match self.status {
                    NeedStatus::Delivered => Ok(()),
                    NeedStatus::Open | NeedStatus::Claimed => {
                        Err(CommunityError::NeedNotDelivered { no })
                    }
                    other => Err(CommunityError::need_in(no, other)),
                }
            }
            NeedStep::Withdraw => {
                dispatcher()?;
                match self.status {
                    NeedStatus::Open | NeedStatus::Claimed => Ok(()),
                    other => Err(CommunityError::need_in(no, other)),
                }
            }
        }
    }

    /// Every step `actor` may take on this need now, in [`NeedStep::ALL`] order.
    pub fn steps(
        &self,
        actor: &Actor,
        at: DateTime<Utc>,
        place: &Place,
        member_community: Option<&str>,
    ) -> Vec<NeedStep> {
        NeedStep::ALL
            .into_iter()
            .filter(|step| {
                self.permit(actor, at, place, member_community, *step)
                    .is_ok()
            })
            .collect()
    }
}

/// What matching a resource depends on, from a list's [`Resource`] or a read model's row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResourceFacts<'a> {
    pub no: u32,
    /// The offering unit's department code.
    pub unit: &'a str,
    pub capacity: u32,
    /// Needs matched so far.
    pub matched: u32,
    pub available_from: Option<DateTime<Utc>>,
    pub available_until: Option<DateTime<Utc>>,
}

impl Resource {
    pub fn facts(&self) -> ResourceFacts<'_> {
        ResourceFacts {
            no: self.no,
            unit: &self.unit,
            capacity: self.capacity,
            matched: self.matched.len() as u32,
            available_from: self.available_from,
            available_until: self.available_until,
        }
    }
}

impl ResourceFacts<'_> {
    /// Whether `actor` may match this resource to `need` (of the same community, at `place`)
    /// at `at`: the street's dispatcher or the offering unit, a claimable need, capacity left,
    /// inside the offer's availability.
    pub fn permit_match(
        &self,
        need: &NeedFacts<'_>,
        actor: &Actor,
        at: DateTime<Utc>,
        place: &Place,
    ) -> Result<(), CommunityError> {
        may_change_lists(actor)?;
        let no = self.no;
        let offering_unit = actor.department_code() == Some(self.unit);
        if !offering_unit && require_dispatcher(actor, place, "match").is_err() {
            return Err(CommunityError::MayNotMatch { no });
        }
        claimable(need.no, need.status, need.deadline, at)?;
        if self.remaining() == 0 {
            return Err(CommunityError::ResourceExhausted {
                no,
                capacity: self.capacity,
            });
        }
        if !self.is_available(at) {
            return Err(CommunityError::ResourceUnavailable { no });
        }
        Ok(())
    }

    /// Whether `at` lies inside the offer's availability.
    pub fn is_available(&self, at: DateTime<Utc>) -> bool {
        self.available_from.is_none_or(|from| from <= at)
            && self.available_until.is_none_or(|until| at <= until)
    }

    /// Matches left.
    pub fn remaining(&self) -> u32 {
        self.capacity.saturating_sub(self.matched)
    }

    /// The needs among `needs` that `actor` may match this resource to now.
    pub fn matchable<'n>(
        &self,
        needs: &'n [NeedFacts<'n>],
        actor: &Actor,
        at: DateTime<Utc>,
        place: &Place,
    ) -> Vec<&'n NeedFacts<'n>> {
        needs
            .iter()
            .filter(|need| self.permit_match(need, actor, at, place).is_ok())
            .collect()
    }
}

/// The steps on a list as a whole (publishing a need, offering a resource) that `actor` may take
/// for the community at `place`; they depend on nothing else.
pub fn list_steps(actor: &Actor, place: &Place) -> Vec<ListStep> {
    [ListStep::PublishNeed, ListStep::OfferResource]
        .into_iter()
        .filter(|step| permit_on_list(actor, place, *step).is_ok())
        .collect()
}

/// Publishing is the street dispatcher's, offering a unit's; other steps are not list-wide.
fn permit_on_list(actor: &Actor, place: &Place, step: ListStep) -> Result<(), CommunityError> {
    may_change_lists(actor)?;
    match step {
        ListStep::PublishNeed => require_dispatcher(actor, place, step.route_name()),
        ListStep::OfferResource if matches!(actor.role, Role::Department { .. }) => Ok(()),
        ListStep::OfferResource => Err(CommunityError::NotAUnit {
            role: actor.role.name(),
        }),
        _ => Err(CommunityError::RoleMayNotAct {
            role: actor.role.name(),
        }),
    }
}

/// Auditors, admins, resident apps and the system read the lists; they never change them.
fn may_change_lists(actor: &Actor) -> Result<(), CommunityError> {
    if matches!(
        actor.role,
        Role::Auditor | Role::Admin | Role::Intake | Role::System
    ) {
        return Err(CommunityError::RoleMayNotAct {
            role: actor.role.name(),
        });
    }
    Ok(())
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
