//! Commands on a community's list, and the request bodies the HTTP API reads into them (DESIGN §6
//! style: snake_case, unknown fields refused).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::NeedKind;
use crate::actor::Actor;

/// One command on community `community`'s list: who, when, what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommunityCommand {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    /// The community code the list belongs to (its stream is `community/<code>`).
    pub community: String,
    /// Where the acting member is registered now, read by the service from the member's own
    /// stream (`None`: not registered, or the actor is no member). Only a member's claim uses it.
    #[serde(default)]
    pub member_community: Option<String>,
    pub action: CommunityAction,
}

impl CommunityCommand {
    pub fn new(
        actor: Actor,
        at: DateTime<Utc>,
        community: impl Into<String>,
        action: CommunityAction,
    ) -> Self {
        CommunityCommand {
            actor,
            at,
            community: community.into(),
            member_community: None,
            action,
        }
    }

    /// The same command, for a member registered in `community` (or nowhere).
    pub fn registered_in(self, community: Option<String>) -> Self {
        CommunityCommand {
            member_community: community,
            ..self
        }
    }
}

/// What to do to the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommunityAction {
    /// The street's dispatcher lists a need of the community.
    PublishNeed(PublishNeed),
    /// A step on need `no`.
    Need { no: u32, action: NeedAction },
    /// A unit offers a resource to the community.
    OfferResource(OfferResource),
    /// Resource `no` is matched to need `need_no` (its unit takes the need on).
    MatchResource { no: u32, need_no: u32 },
}

impl CommunityAction {
    /// The action's route name (DESIGN §6 paths); used in refusals.
    pub fn name(&self) -> &'static str {
        match self {
            CommunityAction::PublishNeed(_) => "needs",
            CommunityAction::Need { action, .. } => action.name(),
            CommunityAction::OfferResource(_) => "resources",
            CommunityAction::MatchResource { .. } => "match",
        }
    }
}

/// A step on one need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NeedAction {
    /// 认领 by a unit or a member registered in the community.
    Claim,
    /// The claimant reports what it did.
    Deliver {
        summary: String,
        #[serde(default)]
        evidence: Vec<String>,
    },
    /// The community confirms and awards points (default: the published points).
    Confirm {
        #[serde(default)]
        points: Option<u32>,
    },
    /// The community takes the need off the list (before delivery).
    Withdraw { reason: String },
}

impl NeedAction {
    pub fn name(&self) -> &'static str {
        match self {
            NeedAction::Claim => "claim",
            NeedAction::Deliver { .. } => "deliver",
            NeedAction::Confirm { .. } => "confirm",
            NeedAction::Withdraw { .. } => "withdraw",
        }
    }
}

/// `POST /communities/{community}/needs`: a need 需求.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishNeed {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// practical 兴办实事, mediation 调解矛盾, policy_talk 政策宣讲, volunteering 志愿服务.
    pub kind: NeedKind,
    /// Points the confirming community awards (1–1000); recorded in the events.
    pub points: u32,
    /// No claims after this instant (RFC 3339); must lie in the future.
    #[serde(default)]
    pub deadline: Option<DateTime<Utc>>,
}

/// `POST /communities/{community}/resources`: a resource 资源 a unit offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfferResource {
    /// What is offered (a meeting room, a legal clinic, ten volunteers on Saturday…).
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// How many needs it can serve (default 1).
    #[serde(default)]
    pub capacity: Option<u32>,
    #[serde(default)]
    pub available_from: Option<DateTime<Utc>>,
    #[serde(default)]
    pub available_until: Option<DateTime<Utc>>,
}
