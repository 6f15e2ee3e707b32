//! Deadlines as the read models name them, and the breach ladder: which step of
//! approaching → breached → reminder → district → city supervision comes next, and when.

use chrono::{DateTime, Duration, Utc};
use shaobao_domain::case::{DeadlineRef, DeadlineStep};
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::Timer;

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

/// One running deadline and the next step of its ladder (`None` once city supervision is issued).
#[derive(Debug, Clone, PartialEq)]
pub struct Rung {
    pub deadline: DeadlineRef,
    pub due_at: DateTime<Utc>,
    pub window_start: DateTime<Utc>,
    pub next: Option<(DeadlineStep, DateTime<Utc>)>,
}

/// The running deadlines of a case with their next ladder step. Approaching fires once
/// `approaching_fraction` of the window (clock start → due) has passed; a deadline already breached
/// skips it. Reminder follows the breach at once; supervision waits for the policy's spans.
pub fn ladder(record: &CaseRecord, org: &Organisation) -> Vec<Rung> {
    record
        .case
        .pending_deadlines()
        .into_iter()
        .map(|(deadline, due_at)| {
            let window_start = record.window_start(&deadline).unwrap_or(due_at).min(due_at);
            let recorded = |step: DeadlineStep| {
                record
                    .case
                    .alerts()
                    .iter()
                    .any(|a| a.deadline == deadline && a.due_at == due_at && a.step == step)
            };
            use DeadlineStep::*;
            let next = if !recorded(Breached) {
                let approach_at = approach_time(window_start, due_at, org.sla.approaching_fraction);
                if !recorded(Approaching) && approach_at < due_at {
                    Some((Approaching, approach_at))
                } else {
                    Some((Breached, due_at))
                }
            } else if !recorded(Reminder) {
                Some((Reminder, due_at))
            } else if !recorded(DistrictSupervision) {
                Some((
                    DistrictSupervision,
                    org.due(Timer::DistrictSupervision, due_at),
                ))
            } else if !recorded(CitySupervision) {
                Some((CitySupervision, org.due(Timer::CitySupervision, due_at)))
            } else {
                None
            };
            Rung {
                deadline,
                due_at,
                window_start,
                next,
            }
        })
        .collect()
}

fn approach_time(start: DateTime<Utc>, due: DateTime<Utc>, fraction: f64) -> DateTime<Utc> {
    let window = (due - start).num_milliseconds() as f64;
    start + Duration::milliseconds((window * fraction).round() as i64)
}
