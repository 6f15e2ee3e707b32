//! Values that commands and events carry (DESIGN §6 request-body table). All serialize snake_case.

use serde::{Deserialize, Serialize};

/// How the request reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Hotline,
    GridPatrol,
    HouseholdVisit,
    WalkIn,
    Open311,
    Volunteer,
    /// 主动治理 opened by a street or the hotline before anyone called (no requester), usually
    /// for a hot spot's cases (`related_cases`).
    Proactive,
}

/// What the requester wants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// 咨询 consultation: may be answered at intake.
    Consultation,
    /// 求助 help
    Help,
    /// 投诉 complaint
    Complaint,
    /// 举报 report
    Report,
    /// 建议 suggestion
    Suggestion,
}

/// Where the case is (DESIGN §2: street → community → grid).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub street: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
}

impl Location {
    /// A location known only by its street.
    pub fn street(street: impl Into<String>) -> Self {
        Location {
            street: street.into(),
            community: None,
            grid: None,
            address: None,
            lat: None,
            lon: None,
        }
    }
}

/// 诉求人 the requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Requester {
    pub name: String,
    pub phone: String,
}

/// The household visit finding a case came from. `finding` is the zero-based index into
/// the visit's findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitLink {
    pub visit_id: String,
    pub finding: u32,
}

/// A unit a case can be dispatched to: `{"street": code}` or `{"department": code}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Street(String),
    Department(String),
}

/// Who dispatched the case: `"hotline"` or `{"street": code}`. Decides who verifies and who decides
/// returns and extensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dispatcher {
    Hotline,
    Street(String),
}

/// How the handling unit reached the requester.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ContactChannel {
    Phone,
    Sms,
    Visit,
}

/// Why a handling unit hands a case back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReturnReason {
    WrongJurisdiction,
    UnclearOwnership,
    NotOurFunction,
    Other,
}

/// A summoned department's part in a whistle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WhistleRole {
    /// 主办 lead
    Lead,
    /// 协办 assist
    Assist,
}

/// How a department reported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportInMode {
    OnSite,
    Meeting,
    Remote,
}

/// The street's rating of a department after a whistle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    Good,
    Fair,
    Poor,
}

/// What a published task asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Practical,
    Mediation,
    PolicyTalk,
    Volunteering,
}

/// The handling unit's verdict on its own work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Resolved,
    PartlyResolved,
    Unresolvable,
}

/// The requester's satisfaction at callback.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    Satisfied,
    BasicallySatisfied,
    Dissatisfied,
}

/// Why a case is parked: it waits on something outside the handling unit's power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ParkReason {
    Policy,
    Funding,
    Planning,
}
