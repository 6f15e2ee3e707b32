//! Street queue: the open cases located in each street, soonest deadline first.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_domain::case::DeadlineStep;
use shaobao_domain::Case;
use shaobao_services::store::{Store, StoreError};

use super::{soonest, DeadlineView};
use crate::page::{ListError, ListQuery, Order, Page, PageRequest};
use crate::record::CaseRecord;
use crate::schema::{no_community_rows, Table};
use crate::sql::{fetch, ColType::*, Fields, Row, Statement, Value};
use crate::time::{from_ns, to_ns};

pub const TABLE: Table = Table {
    name: "rm_street_queue",
    columns: &[
        ("case_id", Text),
        ("item_key", Text),
        // The next deadline's due time; cases without one sort last.
        ("sort_ns", Int),
        ("street", Text),
        ("state", Text),
        ("urgency", Text),
        ("category", Text),
        ("holder", Text),
        ("next_kind", Text),
        ("next_due_ns", Int),
        ("opened_ns", Int),
        ("community", Text),
        // running / approaching / breached / supervised, as the deadline service recorded it.
        ("alert", Text),
    ],
    indexes: &["street, sort_ns, item_key"],
    rows,
    community_rows: no_community_rows,
};

fn rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let (Some(intake), Some(state)) = (record.case.intake(), record.case.state()) else {
        return vec![];
    };
    if !record.is_open() {
        return vec![];
    }
    let next = soonest(&record.case.pending_deadlines());
    let holder = record
        .case
        .handling_unit()
        .and_then(|unit| serde_json::to_string(unit).ok());
    vec![vec![
        Value::text(&record.id),
        Value::text(&record.id),
        Value::int(next.map_or(i64::MAX, |(_, due)| due)),
        Value::text(&intake.location.street),
        Value::text(state.as_str()),
        Value::text(intake.urgency.as_str()),
        Value::text(&intake.category),
        Value::Text(holder),
        Value::Text(next.map(|(kind, _)| kind.to_string())),
        Value::Int(next.map(|(_, due)| due)),
        Value::int(to_ns(intake.opened_at)),
        Value::Text(intake.location.community.clone()),
        Value::text(alert_level(&record.case)),
    ]]
}

/// How far the deadline service has escalated the case's running deadlines: `supervised` (督办),
/// `breached`, `approaching` or `running`.
fn alert_level(case: &Case) -> &'static str {
    if case.supervision().is_some() {
        return "supervised";
    }
    let pending = case.pending_deadlines();
    let steps = case
        .alerts()
        .iter()
        .filter(|alert| pending.iter().any(|(d, due)| *d == alert.deadline && *due == alert.due_at))
        .map(|alert| alert.step);
    let mut level = "running";
    for step in steps {
        match step {
            DeadlineStep::Approaching if level == "running" => level = "approaching",
            DeadlineStep::Approaching => {}
            _ => level = "breached",
        }
    }
    level
}

/// One open case in a street's queue (DESIGN §6: `case_id`, `state`, `urgency`, `next_deadline`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueItem {
    pub case_id: String,
    pub state: String,
    pub urgency: String,
    pub category: String,
    /// The handling unit, `{"street": code}` or `{"department": code}`; null before dispatch.
    pub holder: serde_json::Value,
    pub next_deadline: Option<DeadlineView>,
    pub opened_at: DateTime<Utc>,
    pub community: Option<String>,
    /// `running`, `approaching`, `breached` or `supervised` (督办).
    pub alert: String,
}

/// Narrows a street's queue; `None` fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    pub state: Option<String>,
    pub urgency: Option<String>,
    pub category: Option<String>,
    pub community: Option<String>,
}

/// The open cases of `street`, soonest deadline first.
pub async fn street_queue(
    store: &Store,
    street: &str,
    page: &PageRequest,
) -> Result<Page<QueueItem>, ListError> {
    filtered_queue(store, street, &QueueFilter::default(), page).await
}

/// The open cases of `street` that match `filter`, soonest deadline first.
pub async fn filtered_queue(
    store: &Store,
    street: &str,
    filter: &QueueFilter,
    page: &PageRequest,
) -> Result<Page<QueueItem>, ListError> {
    let mut filters = vec!["street = $1".to_string()];
    let mut args = vec![Value::text(street)];
    for (column, value) in [
        ("state", &filter.state),
        ("urgency", &filter.urgency),
        ("category", &filter.category),
        ("community", &filter.community),
    ] {
        if let Some(value) = value {
            args.push(Value::text(value));
            filters.push(format!("{column} = ${}", args.len()));
        }
    }
    let query = ListQuery {
        table: TABLE.name,
        columns: &[
            "case_id",
            "state",
            "urgency",
            "category",
            "holder",
            "next_kind",
            "next_due_ns",
            "opened_ns",
            "community",
            "alert",
        ],
        types: &[Text, Text, Text, Text, Text, Text, Int, Int, Text, Text],
        filters,
        args,
        order: Order::Ascending,
    };
    let (rows, next) = query.page(store, page).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            QueueItem {
                case_id: f.text().unwrap_or_default(),
                state: f.text().unwrap_or_default(),
                urgency: f.text().unwrap_or_default(),
                category: f.text().unwrap_or_default(),
                holder: f.json(),
                next_deadline: DeadlineView::from_columns(f.text(), f.int()),
                opened_at: from_ns(f.int().unwrap_or(0)),
                community: f.text(),
                alert: f.text().unwrap_or_default(),
            }
        })
        .collect();
    Ok(Page { items, next })
}

/// How many open cases of `street` are in each state.
pub async fn state_counts(store: &Store, street: &str) -> Result<Vec<(String, i64)>, StoreError> {
    let sql = format!("SELECT state, COUNT(*) FROM {} WHERE street = $1 GROUP BY state ORDER BY state", TABLE.name);
    let rows = fetch(store, &Statement::new(sql, vec![Value::text(street)]), &[Text, Int]).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            (f.text().unwrap_or_default(), f.int().unwrap_or(0))
        })
        .collect())
}
