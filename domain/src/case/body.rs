//! Request bodies of case commands. Each matches DESIGN §6's request-body table, so the HTTP layer
//! can deserialize a request straight into it (unknown fields are refused).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::deadline::{DeadlineRef, DeadlineStep};
use super::value::*;
use crate::sla::{Urgency, WhistleKind};

/// Open a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OpenCase {
    pub channel: Channel,
    pub kind: CaseKind,
    pub category: String,
    /// Defaults to the category's urgency.
    #[serde(default)]
    pub urgency: Option<Urgency>,
    pub description: String,
    pub location: Location,
    #[serde(default)]
    pub requester: Option<Requester>,
    /// Set by the service layer for household-visit findings; not part of the public body.
    #[serde(skip)]
    pub source: Option<VisitLink>,
    /// With channel `proactive`: the cases of the hot spot this case governs (case ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_cases: Vec<String>,
}

/// 并单 merge this case, as a duplicate, into the open case `into`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MergeCase {
    pub into: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// 类案标签 tags to add and remove, from the organisation's vocabulary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Tags {
    #[serde(default)]
    pub add: Vec<String>,
    #[serde(default)]
    pub remove: Vec<String>,
}

/// An optional free-text note (answer, close, unpark).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Note {
    #[serde(default)]
    pub note: Option<String>,
}

/// A required reason (reopen, exclusion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Reason {
    pub reason: String,
}

/// Dispatch to a street or a department, with optional co-units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Dispatch {
    pub unit: Unit,
    #[serde(default)]
    pub co_units: Vec<Unit>,
}

/// The handling unit contacted the requester.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub channel: ContactChannel,
    #[serde(default)]
    pub note: Option<String>,
}

/// Hand the case back (return).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnCase {
    pub reason: ReturnReason,
    pub note: String,
}

/// The decision on a pending return, or the ruling on a dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReturnDecision {
    pub decision: ReturnVerdict,
    /// Only with `approve`.
    #[serde(default)]
    pub redispatch_to: Option<Unit>,
    /// Required with `rule`, refused otherwise.
    #[serde(default)]
    pub responsible: Option<Unit>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReturnVerdict {
    Approve,
    Reject,
    Dispute,
    Rule,
}

impl ReturnVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnVerdict::Approve => "approve",
            ReturnVerdict::Reject => "reject",
            ReturnVerdict::Dispute => "dispute",
            ReturnVerdict::Rule => "rule",
        }
    }
}

/// Blow a whistle: summon departments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BlowWhistle {
    pub kind: WhistleKind,
    pub departments: Vec<Summons>,
    #[serde(default)]
    pub note: Option<String>,
}

/// One department to summon, and its part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Summons {
    pub department: String,
    pub role: WhistleRole,
}

/// Publish a task for volunteers or units to claim.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublishTask {
    pub title: String,
    pub kind: TaskKind,
    pub points: u32,
}

/// A progress note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Progress {
    pub note: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// Ask to move the resolve deadline to `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RequestExtension {
    pub until: DateTime<Utc>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecideExtension {
    pub approve: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// The handling unit reports the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmitResolution {
    pub outcome: Outcome,
    /// For `unresolvable`, the reason (required).
    pub summary: String,
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// The dispatching party checks the resolution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Verify {
    pub accepted: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// One callback attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Callback {
    pub reached: bool,
    #[serde(default)]
    pub resolved: Option<bool>,
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    #[serde(default)]
    pub comment: Option<String>,
}

/// Park until a review date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Park {
    pub reason: ParkReason,
    pub review_at: DateTime<Utc>,
}

/// The deadline service records a step of the breach ladder for one deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordDeadline {
    pub deadline: DeadlineRef,
    pub due_at: DateTime<Utc>,
    pub step: DeadlineStep,
}
