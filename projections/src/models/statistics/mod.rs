//! Statistics 闭环统计: one row of assessment facts per case and one per whistle summons, from
//! which [`compute`] derives the DESIGN §4 rates for any month and grouping at query time (rates
//! whose denominator depends on "now", such as "contact deadline has passed", cannot be stored).
//!
//! A case counts in the Asia/Shanghai calendar month in which it was **opened**, so a month's
//! figures only ever gain cases opened in it; its rates move as those cases progress.

mod compute;

pub use compute::{
    district_total, rankings, statistics, GroupBy, RankingRow, StatsError, StatsRow, Weights,
};

use shaobao_domain::case::{Rating, Satisfaction, Unit};
use shaobao_domain::org::Organisation;

use crate::record::CaseRecord;
use crate::schema::{no_community_rows, Table};
use crate::sql::{ColType::*, Row, Value};
use crate::time::{month_of, to_ns};

pub const CASES: Table = Table {
    name: "rm_assessment_cases",
    columns: &[
        ("case_id", Text),
        ("month", Text),
        ("street", Text),
        ("category", Text),
        // The department the case is (last) dispatched to, if a department.
        ("department", Text),
        // Departments summoned by its whistles, as `|a|b|`.
        ("summoned", Text),
        ("excluded", Int),
        // `case`, `duplicate` (merged into another: volume, no rate) or `proactive` (主动治理:
        // counted apart).
        ("kind", Text),
        ("dispatched", Int),
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
    ],
    indexes: &["month"],
    rows: case_rows,
    community_rows: no_community_rows,
};

fn case_rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let Some(intake) = record.case.intake() else {
        return vec![];
    };
    let case = &record.case;
    let department = match case.handling_unit() {
        Some(Unit::Department(department)) => Some(department.clone()),
        _ => None,
    };
    let mut summoned: Vec<&str> = case
        .whistles()
        .iter()
        .flat_map(|w| w.departments.iter().map(|d| d.department.as_str()))
        .collect();
    summoned.sort_unstable();
    summoned.dedup();
    let clock = |clock: Option<shaobao_domain::case::Clock>| {
        (
            Value::Int(clock.map(|c| to_ns(c.due_at))),
            Value::Int(clock.and_then(|c| c.met_at).map(to_ns)),
        )
    };
    let deadlines = case.deadlines();
    let (sign_due, sign_met) = clock(deadlines.sign);
    let (contact_due, contact_met) = clock(deadlines.contact);
    let (resolve_due, resolve_met) = clock(deadlines.resolve);
    let callback = record.last_callback;
    let seconds = |from: Option<chrono::DateTime<chrono::Utc>>,
                   to: Option<chrono::DateTime<chrono::Utc>>| {
        Value::Int(from.zip(to).map(|(from, to)| (to - from).num_seconds()))
    };
    vec![vec![
        Value::text(&record.id),
        Value::text(month_of(intake.opened_at)),
        Value::text(&intake.location.street),
        Value::text(&intake.category),
        Value::Text(department),
        Value::text(format!("|{}|", summoned.join("|"))),
        Value::int(i64::from(case.is_excluded())),
        Value::text(kind_of(record)),
        Value::int(i64::from(record.first_dispatched_at.is_some())),
        sign_due,
        sign_met,
        contact_due,
        contact_met,
        resolve_due,
        resolve_met,
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
    ]]
}

/// How a case counts (DESIGN §4): a merged duplicate (even once closed with its primary) in
/// volume only, a proactive case apart.
fn kind_of(record: &CaseRecord) -> &'static str {
    let proactive = record
        .case
        .intake()
        .is_some_and(|i| i.channel == shaobao_domain::case::Channel::Proactive);
    if record.case.merged_into().is_some() {
        "duplicate"
    } else if proactive {
        "proactive"
    } else {
        "case"
    }
}

fn satisfaction_name(s: Satisfaction) -> &'static str {
    match s {
        Satisfaction::Satisfied => "satisfied",
        Satisfaction::BasicallySatisfied => "basically_satisfied",
        Satisfaction::Dissatisfied => "dissatisfied",
    }
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
        ("rating", Text),
    ],
    indexes: &["month"],
    rows: summons_rows,
    community_rows: no_community_rows,
};

fn summons_rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let Some(intake) = record.case.intake() else {
        return vec![];
    };
    let month = month_of(intake.opened_at);
    let excluded = i64::from(record.case.is_excluded());
    let mut rows = Vec::new();
    for whistle in record.case.whistles() {
        for summoned in &whistle.departments {
            rows.push(vec![
                Value::text(&record.id),
                Value::text(&month),
                Value::text(&summoned.department),
                Value::int(excluded),
                Value::int(i64::from(whistle.no)),
                Value::int(to_ns(summoned.report_in_by)),
                Value::Int(summoned.reported_in_at.map(to_ns)),
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
