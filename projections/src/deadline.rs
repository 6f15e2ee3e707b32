//! Deadlines as the read models name them, and the breach ladder: which step of
//! approaching → breached → reminder → district → city supervision comes next, and when (as the
//! domain fixed it when the deadline was set).

use chrono::{DateTime, Utc};
use shaobao_domain::case::{DeadlineRef, DeadlineStep, Ladder};
use shaobao_domain::org::Organisation;

use crate::record::CaseRecord;

/// The DESIGN §6 deadline kind: sign, contact, resolve, report_in or callback.
pub fn kind(deadline: &DeadlineRef) -> &'static str {
    match deadline {
        DeadlineRef::Sign => "sign",
        DeadlineRef::Contact => "contact",
        DeadlineRef::Resolve => "resolve",
        DeadlineRef::Callback => "callback",
        DeadlineRef::ReportIn { .. } => "report_in",
    }
}

/// A key unique within a case (`report_in:2:housing` for a whistle's department).
pub fn key(deadline: &DeadlineRef) -> String {
    match deadline {
        DeadlineRef::ReportIn { no, department } => format!("report_in:{no}:{department}"),
        other => kind(other).to_string(),
    }
}

pub fn step_name(step: DeadlineStep) -> &'static str {
    match step {
        DeadlineStep::Approaching => "approaching",
        DeadlineStep::Breached => "breached",
        DeadlineStep::Reminder => "reminder",
        DeadlineStep::DistrictSupervision => "district_supervision",
        DeadlineStep::CitySupervision => "city_supervision",
    }
}

/// One running deadline, its ladder and the next step of it (`None` once city supervision is
/// issued).
#[derive(Debug, Clone, PartialEq)]
pub struct Rung {
    pub deadline: DeadlineRef,
    pub due_at: DateTime<Utc>,
    /// When the deadline's clock started (moved with it by an unpark).
    pub window_start: DateTime<Utc>,
    pub next: Option<(DeadlineStep, DateTime<Utc>)>,
}

/// The running deadlines of a case with the next step of each one's ladder, at the time the
/// ladder recorded when the deadline was set. A deadline already breached skips the warning;
/// the reminder follows the breach at once.
///
/// A deadline set by an event recorded before ladders were has its ladder computed here from
/// `org`, over the window from its clock's start, exactly as it was before ladders were recorded.
pub fn ladder(record: &CaseRecord, org: &Organisation) -> Vec<Rung> {
    record
        .case
        .pending_deadlines()
        .into_iter()
        .map(|(deadline, due_at)| {
            let window_start = record.window_start(&deadline).unwrap_or(due_at).min(due_at);
            let ladder = match record.case.ladder(&deadline, due_at) {
                Some(recorded) => recorded.clone(),
                None => Ladder::fixed(org, deadline.clone(), window_start, due_at),
            };
            let recorded = |step: DeadlineStep| {
                record
                    .case
                    .alerts()
                    .iter()
                    .any(|a| a.deadline == deadline && a.due_at == due_at && a.step == step)
            };
            use DeadlineStep::*;
            let next = [Breached, Reminder, DistrictSupervision, CitySupervision]
                .into_iter()
                .find(|step| !recorded(*step))
                .map(|step| match step {
                    Breached if !recorded(Approaching) && ladder.warns() => Approaching,
                    step => step,
                })
                .map(|step| (step, ladder.at(step)));
            Rung {
                deadline,
                due_at,
                window_start,
                next,
            }
        })
        .collect()
}
