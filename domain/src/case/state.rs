//! The case as its events leave it. Serialized as-is by `GET /cases/{id}`.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::deadline::{DeadlineAlert, SupervisionLevel};
use super::ladder::Ladder;
use super::task::Task;
use super::value::*;
use super::whistle::Whistle;
use crate::sla::Urgency;

/// Main states (DESIGN §3), serialized by their DESIGN names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Opened, not (or no longer) dispatched.
    Received,
    /// Consultation answered at intake (final).
    Answered,
    /// Waiting for the handling unit to sign for it.
    Dispatched,
    /// Signed for.
    Signed,
    /// Contacted, progressing, or whistled.
    Handling,
    /// A return waits for a decision.
    ReturnPending,
    /// The return is disputed, waiting for a ruling.
    Disputed,
    /// Resolution submitted, waiting for verification.
    Resolved,
    /// Waiting for (more) callbacks.
    AwaitingCallback,
    /// Closed; may still be reopened within the window.
    Closed,
    /// Clocks paused.
    Parked,
    /// A duplicate merged into an open primary case: its own clocks stop, it takes no command
    /// but `unmerge`, and it closes when its primary closes.
    Merged,
}

impl CaseState {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Received => "received",
            CaseState::Answered => "answered",
            CaseState::Dispatched => "dispatched",
            CaseState::Signed => "signed",
            CaseState::Handling => "handling",
            CaseState::ReturnPending => "return_pending",
            CaseState::Disputed => "disputed",
            CaseState::Resolved => "resolved",
            CaseState::AwaitingCallback => "awaiting_callback",
            CaseState::Closed => "closed",
            CaseState::Parked => "parked",
            CaseState::Merged => "merged",
        }
    }

    /// Dispatched and not yet resolved: the sign, contact and resolve clocks run.
    pub fn is_working(self) -> bool {
        use CaseState::*;
        matches!(
            self,
            Dispatched | Signed | Handling | ReturnPending | Disputed
        )
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The case aggregate. Fields are read through accessors (see `case/view.rs`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Case {
    /// `None` until opened.
    pub(super) state: Option<CaseState>,
    #[serde(flatten)]
    pub(super) intake: Option<Intake>,
    pub(super) handling_unit: Option<Unit>,
    pub(super) co_units: Vec<Unit>,
    pub(super) dispatched_by: Option<Dispatcher>,
    pub(super) deadlines: Deadlines,
    pub(super) pending_return: Option<PendingReturn>,
    /// Set by a binding dispute ruling: no further return.
    pub(super) return_barred: bool,
    pub(super) extension: Extension,
    pub(super) resolution: Option<Resolution>,
    pub(super) callbacks: Callbacks,
    pub(super) closure: Option<Closure>,
    pub(super) reopen_count: u32,
    pub(super) parking: Option<Parking>,
    pub(super) whistles: Vec<Whistle>,
    pub(super) tasks: Vec<Task>,
    pub(super) excluded: bool,
    pub(super) exclusion_reason: Option<String>,
    /// Highest supervision level issued.
    pub(super) supervision: Option<SupervisionLevel>,
    /// Deadline events recorded, oldest first.
    pub(super) alerts: Vec<DeadlineAlert>,
    /// The breach ladder of each deadline as recorded when it was last set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) ladders: Vec<Ladder>,
    /// 类案 tags from the organisation's vocabulary, sorted.
    pub(super) tags: BTreeSet<String>,
    /// Set while this case is a duplicate merged into another.
    pub(super) merge: Option<MergedInto>,
    /// Duplicates attached to this case (as primary), in the order they were attached.
    pub(super) duplicates: Vec<AttachedDuplicate>,
}

/// Where a merged duplicate went, and where it returns on unmerge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergedInto {
    /// The primary case's id.
    pub into: String,
    pub note: Option<String>,
    pub at: DateTime<Utc>,
    /// The state the duplicate was in when merged.
    pub from: CaseState,
}

/// A duplicate attached to this (primary) case: its requester must be reached by the callback too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachedDuplicate {
    pub case_id: String,
    pub requester: Option<Requester>,
    pub at: DateTime<Utc>,
}

/// What was recorded at intake.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Intake {
    pub channel: Channel,
    pub kind: CaseKind,
    pub category: String,
    pub urgency: Urgency,
    pub description: String,
    pub location: Location,
    pub requester: Option<Requester>,
    pub source: Option<VisitLink>,
    /// A proactive case's hot-spot cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related_cases: Vec<String>,
    pub opened_at: DateTime<Utc>,
}

/// One clock: when it is due and when (if ever) it was met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Clock {
    pub due_at: DateTime<Utc>,
    pub met_at: Option<DateTime<Utc>>,
}

impl Clock {
    pub fn new(due_at: DateTime<Utc>) -> Self {
        Clock {
            due_at,
            met_at: None,
        }
    }

    pub fn is_running(&self) -> bool {
        self.met_at.is_none()
    }

    /// Met at `at`, unless met before.
    pub(super) fn meet(&mut self, at: DateTime<Utc>) {
        self.met_at.get_or_insert(at);
    }
}

/// The case's clocks (report-in clocks live on the whistles).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadlines {
    /// Sign for, after dispatch.
    pub sign: Option<Clock>,
    /// Contact the requester, after dispatch.
    pub contact: Option<Clock>,
    /// Resolve and feed back, after dispatch (or reopen).
    pub resolve: Option<Clock>,
    /// Call back, after acceptance.
    pub callback: Option<Clock>,
    /// End of the return window.
    pub return_until: Option<DateTime<Utc>>,
}

/// A return waiting for its decision (or ruling).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingReturn {
    pub unit: Unit,
    pub reason: ReturnReason,
    pub note: String,
    pub at: DateTime<Utc>,
    /// Where the case goes back to if the return is rejected.
    pub from: CaseState,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Extension {
    /// The `until` of a request waiting for its decision.
    pub pending_until: Option<DateTime<Utc>>,
    pub granted: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resolution {
    pub outcome: Outcome,
    pub summary: String,
    pub evidence: Vec<String>,
    pub at: DateTime<Utc>,
    pub on_time: bool,
}

/// Callbacks since the resolution was accepted (reset by a reopen).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Callbacks {
    pub attempts: u32,
    pub unreached_in_row: u32,
    /// Some callback reached the requester.
    pub reached: bool,
    /// The latest reached callback's answers.
    pub resolved: Option<bool>,
    pub satisfaction: Option<Satisfaction>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Closure {
    pub at: DateTime<Utc>,
    pub reopen_until: DateTime<Utc>,
    pub reopens_left: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Parking {
    pub reason: ParkReason,
    pub review_at: DateTime<Utc>,
    pub at: DateTime<Utc>,
    /// Where the case goes back to when unparked.
    pub from: CaseState,
}
