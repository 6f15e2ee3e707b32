//! Case events, named exactly as in DESIGN §3 and serialized externally tagged
//! (`{"CaseOpened": {...}}`) with snake_case fields. Every event records its time `at` and every
//! policy-dependent value it used, so a replay after a policy change gives the same state.
//!
//! Each event that sets a deadline lists the breach `ladders` of the deadlines it sets, fixed by
//! the policy of the command ([`Ladder`]). The list is left out when empty: events recorded
//! before ladders were keep their hashes, and their deadlines' ladders follow the policy in force
//! when read (see [`Case::ladder`](super::Case::ladder)).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::deadline::{DeadlineRef, SupervisionLevel};
use super::ladder::Ladder;
use super::value::*;
use crate::actor::Actor;
use crate::sla::{Urgency, WhistleKind};

/// Declares the event enum and derives, from the same list, `event_type` (the variant name) and
/// `at` (every variant must carry one).
macro_rules! case_events {
    ($( $(#[$doc:meta])* $name:ident {
        $( $(#[$field_attr:meta])* $field:ident : $ty:ty ),* $(,)?
    } )*) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub enum CaseEvent {
            $( $(#[$doc])* $name { $( $(#[$field_attr])* $field: $ty ),* }, )*
        }

        impl CaseEvent {
            /// The DESIGN §3 event name.
            pub fn name(&self) -> &'static str {
                match self { $( CaseEvent::$name { .. } => stringify!($name), )* }
            }

            /// When it happened.
            pub fn at(&self) -> DateTime<Utc> {
                match self { $( CaseEvent::$name { at, .. } => *at, )* }
            }
        }
    };
}

case_events! {
    /// 受理 intake. `urgency` is the one in force (the category default when none was given).
    /// `related_cases`: a proactive case's hot-spot cases (left out when empty, so events recorded
    /// before it existed keep their hashes).
    CaseOpened {
        channel: Channel, kind: CaseKind, category: String, urgency: Urgency,
        description: String, location: Location, requester: Option<Requester>,
        source: Option<VisitLink>, at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        related_cases: Vec<String>,
    }
    /// 直接答复 a consultation answered at intake (final).
    AnsweredDirectly { note: Option<String>, at: DateTime<Utc> }
    /// 派单 with the deadlines computed at dispatch.
    CaseDispatched {
        unit: Unit, co_units: Vec<Unit>, dispatched_by: Dispatcher, at: DateTime<Utc>,
        sign_by: DateTime<Utc>, contact_by: DateTime<Utc>, resolve_by: DateTime<Utc>,
        return_until: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ladders: Vec<Ladder>,
    }
    /// 签收 signed for.
    CaseSigned { at: DateTime<Utc>, on_time: bool }
    /// 联系 the requester was contacted.
    RequesterContacted {
        channel: ContactChannel, note: Option<String>, at: DateTime<Utc>, on_time: bool,
    }
    /// 退单 the handling unit `unit` hands the case back.
    ReturnRequested { unit: Unit, reason: ReturnReason, note: String, at: DateTime<Utc> }
    ReturnApproved { note: Option<String>, at: DateTime<Utc> }
    /// The return is refused: back to where the case was, deadlines unchanged.
    ReturnRejected { note: Option<String>, at: DateTime<Utc> }
    DisputeRaised { note: Option<String>, at: DateTime<Utc> }
    /// Binding ruling: `responsible` handles the case and no further return is allowed.
    DisputeRuled { responsible: Unit, binding: bool, note: Option<String>, at: DateTime<Utc> }
    /// 吹哨 whistle `no` (街道吹哨、部门报到), with each department's report-in deadline.
    WhistleBlown {
        no: u32, kind: WhistleKind, departments: Vec<SummonedDepartment>,
        note: Option<String>, at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ladders: Vec<Ladder>,
    }
    /// 报到 report in.
    DepartmentReportedIn {
        no: u32, department: String, mode: ReportInMode, at: DateTime<Utc>, on_time: bool,
    }
    WhistleDeclined { no: u32, department: String, reason: String, at: DateTime<Utc> }
    WhistleActionReported {
        no: u32, department: String, summary: String, evidence: Vec<String>, at: DateTime<Utc>,
    }
    /// 街道考核部门 the street rates each department that reported in.
    WhistleClosed {
        no: u32, ratings: BTreeMap<String, Rating>, note: Option<String>, at: DateTime<Utc>,
    }
    /// 需求清单 task number `no`.
    TaskPublished { no: u32, title: String, kind: TaskKind, points: u32, at: DateTime<Utc> }
    /// 认领 task claimed.
    TaskClaimed { no: u32, claimant: Actor, at: DateTime<Utc> }
    TaskCompleted { no: u32, summary: String, at: DateTime<Utc> }
    TaskConfirmed { no: u32, points: u32, at: DateTime<Utc> }
    /// 办理 progress recorded by the handling unit.
    ProgressRecorded { note: String, evidence: Vec<String>, at: DateTime<Utc> }
    /// 延期 extension asked for; granted or denied by the dispatching party.
    ExtensionRequested { until: DateTime<Utc>, reason: String, at: DateTime<Utc> }
    ExtensionGranted {
        resolve_by: DateTime<Utc>, note: Option<String>, at: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ladders: Vec<Ladder>,
    }
    ExtensionDenied { note: Option<String>, at: DateTime<Utc> }
    /// 办结 resolution submitted. `callback_by` is set when no verification applies and the
    /// case awaits callback at once.
    ResolutionSubmitted {
        outcome: Outcome, summary: String, evidence: Vec<String>, at: DateTime<Utc>,
        on_time: bool, callback_by: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ladders: Vec<Ladder>,
    }
    /// 核查 verification accepted; the callback clock starts.
    ResolutionAccepted {
        note: Option<String>, at: DateTime<Utc>, callback_by: DateTime<Utc>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ladders: Vec<Ladder>,
    }
    /// Verification rejected: back to handling, deadlines unchanged.
    ResolutionRejected { note: Option<String>, at: DateTime<Utc> }
    /// 回访 attempt number `attempt` since the resolution was accepted.
    CallbackRecorded {
        attempt: u32, reached: bool, resolved: Option<bool>, satisfaction: Option<Satisfaction>,
        comment: Option<String>, at: DateTime<Utc>,
    }
    /// 结案 closed, with the reopen window and the reopens left. `via_primary`: a merged
    /// duplicate closed because its primary closed (no reopen of its own).
    CaseClosed {
        note: Option<String>, at: DateTime<Utc>, reopen_until: DateTime<Utc>, reopens_left: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        via_primary: Option<String>,
    }
    /// 重办 with a new resolve deadline; `reopen_count` counts this one.
    CaseReopened {
        reason: String, at: DateTime<Utc>, resolve_by: DateTime<Utc>, reopen_count: u32,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ladders: Vec<Ladder>,
    }
    /// 挂账 clocks paused until unparked.
    CaseParked { reason: ParkReason, review_at: DateTime<Utc>, at: DateTime<Utc> }
    /// Clocks resume, each running deadline (and its ladder) shifted by the parked duration.
    CaseUnparked {
        note: Option<String>, at: DateTime<Utc>, deadlines: Vec<DeadlineDue>,
        return_until: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        ladders: Vec<Ladder>,
    }
    /// 不纳入考核 excluded from assessment.
    CaseExcludedFromAssessment { reason: String, at: DateTime<Utc> }
    /// 并单 this case is a duplicate of the open case `into`.
    CaseMerged { into: String, note: Option<String>, at: DateTime<Utc> }
    /// On the primary: duplicate `case_id` was merged into it; its requester is called back too.
    DuplicateAttached { case_id: String, requester: Option<Requester>, at: DateTime<Utc> }
    /// A merge undone (made in error, or not completed because `primary` refused it).
    CaseUnmerged { primary: String, note: Option<String>, at: DateTime<Utc> }
    /// On the primary: duplicate `case_id` is no longer attached.
    DuplicateDetached { case_id: String, at: DateTime<Utc> }
    /// 类案标签 tags added and removed (each from the organisation's vocabulary).
    CaseTagged { added: Vec<String>, removed: Vec<String>, at: DateTime<Utc> }
    DeadlineApproaching { deadline: DeadlineRef, due_at: DateTime<Utc>, at: DateTime<Utc> }
    DeadlineBreached { deadline: DeadlineRef, due_at: DateTime<Utc>, at: DateTime<Utc> }
    /// 催办 reminder, after the breach.
    ReminderIssued { deadline: DeadlineRef, due_at: DateTime<Utc>, at: DateTime<Utc> }
    /// 督办 supervision, district then city.
    SupervisionIssued {
        deadline: DeadlineRef, due_at: DateTime<Utc>, level: SupervisionLevel, at: DateTime<Utc>,
    }
}

/// One department summoned by a whistle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummonedDepartment {
    pub department: String,
    pub role: WhistleRole,
    pub report_in_by: DateTime<Utc>,
}

/// A deadline and its (new) due time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineDue {
    pub deadline: DeadlineRef,
    pub due_at: DateTime<Utc>,
}

impl DomainEvent for CaseEvent {
    fn event_type(&self) -> String {
        self.name().to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}
