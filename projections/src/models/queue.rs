//! Street queue: the open cases located in each street, soonest deadline first.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_services::store::Store;

use super::{soonest, DeadlineView};
use crate::page::{ListError, ListQuery, Order, Page, PageRequest};
use crate::record::CaseRecord;
use crate::schema::Table;
use crate::sql::{ColType::*, Fields, Row, Value};
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
    ],
    indexes: &["street, sort_ns, item_key"],
    rows,
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
    ]]
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
}

/// The open cases of `street`, soonest deadline first.
pub async fn street_queue(
    store: &Store,
    street: &str,
    page: &PageRequest,
) -> Result<Page<QueueItem>, ListError> {
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
        ],
        types: &[Text, Text, Text, Text, Text, Text, Int, Int],
        filters: vec!["street = $1".into()],
        args: vec![Value::text(street)],
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
            }
        })
        .collect();
    Ok(Page { items, next })
}
