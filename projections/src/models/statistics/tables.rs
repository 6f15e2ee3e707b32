//! The statistics' stored facts, one table each: a row per case (case rows, and what the unit
//! rows need of a case: who submitted its accepted resolution, its co-units), a row per
//! obligation (each dispatch of a case to a unit) and a row per whistle summons. Every rate is
//! derived from them at query time ([`super::query`]).

use shaobao_domain::case::{Clock, Rating, Satisfaction, Unit};
use shaobao_domain::org::Organisation;

use crate::record::CaseRecord;
use crate::schema::{no_community_rows, Table};
use crate::sql::{ColType::*, Row, Value};
use crate::time::{month_of, to_ns};

/// A unit as the tables store it: `department:<code>` or `street:<code>`.
pub fn unit_key(unit: &Unit) -> String {
    match unit {
        Unit::Department(code) => format!("{DEPARTMENT}{code}"),
        Unit::Street(code) => format!("{STREET}{code}"),
    }
}

pub const DEPARTMENT: &str = "department:";
pub const STREET: &str = "street:";

/// A clock's due and met instants (ns), as two columns.
fn clock_values(clock: Option<Clock>) -> [Value; 2] {
    [
        Value::Int(clock.map(|c| to_ns(c.due_at))),
        Value::Int(clock.and_then(|c| c.met_at).map(to_ns)),
    ]
}

/// The month a case counts in and whether it is left out of every rate (excluded from
/// assessment), or nothing before it is opened.
fn month_and_excluded(record: &CaseRecord) -> Option<(String, i64)> {
    let intake = record.case.intake()?;
    Some((
        month_of(intake.opened_at),
        i64::from(record.case.is_excluded()),
    ))
}

pub const CASES: Table = Table {
    name: "rm_assessment_cases",
    columns: &[
        ("case_id", Text),
        ("month", Text),
        ("street", Text),
        ("category", Text),
        ("excluded", Int),
        ("dispatched", Int),
        // The latest dispatch's clocks, a reopen's resolve deadline replacing its resolve clock.
        ("sign_due_ns", Int),
        ("sign_met_ns", Int),
        ("contact_due_ns", Int),
        ("contact_met_ns", Int),
        ("resolve_due_ns", Int),
        ("resolve_met_ns", Int),
        ("returned", Int),
        ("reopened", Int),
        ("whistled", Int),
        // The last callback: reached (0/1), resolved in the requester's view, satisfaction.
        ("callback_reached", Int),
        ("callback_resolved", Int),
        ("satisfaction", Text),
        // First dispatch → latest resolution; opening → latest close.
        ("resolve_seconds", Int),
        ("close_seconds", Int),
        // The unit that submitted the latest accepted resolution ([`unit_key`]).
        ("resolved_by", Text),
        // Every co-unit of its dispatches, as `|department:a|street:b|`.
        ("co_units", Text),
    ],
    indexes: &["month"],
    rows: case_rows,
    community_rows: no_community_rows,
};

fn case_rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let (Some(intake), Some((month, excluded))) =
        (record.case.intake(), month_and_excluded(record))
    else {
        return vec![];
    };
    let case = &record.case;
    let [sign, contact, resolve] = record.latest_clocks();
    let callback = record.last_callback;
    let seconds = |from: Option<chrono::DateTime<chrono::Utc>>,
                   to: Option<chrono::DateTime<chrono::Utc>>| {
        Value::Int(from.zip(to).map(|(from, to)| (to - from).num_seconds()))
    };
    let mut co_units: Vec<String> = record.co_units.iter().map(unit_key).collect();
    co_units.sort_unstable();
    co_units.dedup();
    let mut row = vec![
        Value::text(&record.id),
        Value::text(month),
        Value::text(&intake.location.street),
        Value::text(&intake.category),
        Value::int(excluded),
        Value::int(i64::from(record.first_dispatched_at.is_some())),
    ];
    row.extend(clock_values(sign));
    row.extend(clock_values(contact));
    row.extend(clock_values(resolve));
    row.extend([
        Value::int(i64::from(record.returns > 0)),
        Value::int(i64::from(case.reopen_count() > 0)),
        Value::int(i64::from(!case.whistles().is_empty())),
        Value::Int(callback.map(|c| i64::from(c.reached))),
        Value::Int(callback.and_then(|c| c.resolved).map(i64::from)),
        Value::Text(
            callback
                .and_then(|c| c.satisfaction)
                .map(|s| satisfaction_name(s).to_string()),
        ),
        seconds(record.first_dispatched_at, record.resolved_at),
        seconds(Some(intake.opened_at), record.closed_at),
        Value::Text(record.resolved_by.as_ref().map(unit_key)),
        Value::text(format!("|{}|", co_units.join("|"))),
    ]);
    vec![row]
}

fn satisfaction_name(s: Satisfaction) -> &'static str {
    match s {
        Satisfaction::Satisfied => "satisfied",
        Satisfaction::BasicallySatisfied => "basically_satisfied",
        Satisfaction::Dissatisfied => "dissatisfied",
    }
}

pub const OBLIGATIONS: Table = Table {
    name: "rm_assessment_obligations",
    columns: &[
        ("case_id", Text),
        ("month", Text),
        ("excluded", Int),
        // The unit ([`unit_key`]) and when the case was dispatched to it, and taken from it.
        ("unit", Text),
        ("dispatched_ns", Int),
        ("ended_ns", Int),
        // The dispatch's own clocks, as they stood when the obligation ended.
        ("sign_due_ns", Int),
        ("sign_met_ns", Int),
        ("contact_due_ns", Int),
        ("contact_met_ns", Int),
        ("resolve_due_ns", Int),
        ("resolve_met_ns", Int),
        ("returns", Int),
        ("whistled", Int),
        // The submission of the resolution whose acceptance ended it.
        ("resolved_ns", Int),
    ],
    indexes: &["month"],
    rows: obligation_rows,
    community_rows: no_community_rows,
};

fn obligation_rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let Some((month, excluded)) = month_and_excluded(record) else {
        return vec![];
    };
    record
        .obligations
        .all()
        .iter()
        .map(|o| {
            let mut row = vec![
                Value::text(&record.id),
                Value::text(&month),
                Value::int(excluded),
                Value::text(unit_key(&o.unit)),
                Value::int(to_ns(o.dispatched_at)),
                Value::Int(o.ended_at.map(to_ns)),
            ];
            row.extend(clock_values(o.sign));
            row.extend(clock_values(o.contact));
            row.extend(clock_values(o.resolve));
            row.extend([
                Value::int(i64::from(o.returns)),
                Value::int(i64::from(o.whistled)),
                Value::Int(o.resolved_at.map(to_ns)),
            ]);
            row
        })
        .collect()
}

pub const SUMMONS: Table = Table {
    name: "rm_assessment_summons",
    columns: &[
        ("case_id", Text),
        ("month", Text),
        ("department", Text),
        ("excluded", Int),
        ("whistle_no", Int),
        ("due_ns", Int),
        ("reported_ns", Int),
        // A decline counts at once, and never as on time.
        ("declined", Int),
        ("rating", Text),
    ],
    indexes: &["month"],
    rows: summons_rows,
    community_rows: no_community_rows,
};

fn summons_rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let Some((month, excluded)) = month_and_excluded(record) else {
        return vec![];
    };
    let mut rows = Vec::new();
    for whistle in record.case.whistles() {
        for summoned in &whistle.departments {
            let declined = summoned.decline_reason.is_some();
            rows.push(vec![
                Value::text(&record.id),
                Value::text(&month),
                Value::text(&summoned.department),
                Value::int(excluded),
                Value::int(i64::from(whistle.no)),
                Value::int(to_ns(summoned.report_in_by)),
                Value::Int(summoned.reported_in_at.map(to_ns)),
                Value::int(i64::from(declined)),
                Value::Text(summoned.rating.map(|r| rating_name(r).to_string())),
            ]);
        }
    }
    rows
}

fn rating_name(r: Rating) -> &'static str {
    match r {
        Rating::Good => "good",
        Rating::Fair => "fair",
        Rating::Poor => "poor",
    }
}
