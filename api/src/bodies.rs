//! Request bodies of the per-whistle, per-task and per-need commands (DESIGN §6) and of commands
//! without fields. Every other command takes the domain's own body type
//! (`shaobao_domain::case`, `shaobao_domain::community`).

use std::collections::BTreeMap;

use serde::Deserialize;
use shaobao_domain::case::{Rating, ReportInMode};
use shaobao_domain::community::NeedAction;
use utoipa::ToSchema;

/// No fields (`sign`, task `claim`): `{}` or an empty body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Empty {}

/// 报到 A summoned department reports in.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportIn {
    /// Defaults to `on_site`.
    #[serde(default)]
    pub mode: Option<ReportInMode>,
}

/// A summoned department declines, saying why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decline {
    pub reason: String,
}

/// A summoned department reports what it did.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhistleActionReport {
    pub summary: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// The street closes a whistle, rating every department that reported in 街道考核部门.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseWhistle {
    /// Department code → rating.
    pub ratings: BTreeMap<String, Rating>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The claimant completes a task.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteTask {
    pub summary: String,
}

/// The street confirms a completed task.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmTask {
    /// Points awarded; defaults to the published points.
    #[serde(default)]
    pub points: Option<u32>,
}

/// The claimant reports a community need delivered.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliverNeed {
    pub summary: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// The community confirms a delivered need.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmNeed {
    /// Points awarded (0–1000); defaults to the published points.
    #[serde(default)]
    pub points: Option<u32>,
}

/// The community withdraws a need, saying why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawNeed {
    pub reason: String,
}

impl From<DeliverNeed> for NeedAction {
    fn from(body: DeliverNeed) -> Self {
        NeedAction::Deliver {
            summary: body.summary,
            evidence: body.evidence,
        }
    }
}

impl From<ConfirmNeed> for NeedAction {
    fn from(body: ConfirmNeed) -> Self {
        NeedAction::Confirm {
            points: body.points,
        }
    }
}

impl From<WithdrawNeed> for NeedAction {
    fn from(body: WithdrawNeed) -> Self {
        NeedAction::Withdraw {
            reason: body.reason,
        }
    }
}

/// Match an offered resource to an open need of the same community.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchResource {
    pub need_no: u32,
}

/// A member leaves their residence community.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveCommunity {
    #[serde(default)]
    pub reason: Option<String>,
}
