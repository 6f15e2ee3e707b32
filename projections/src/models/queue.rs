//! Street queue: the open cases located in each street, soonest deadline first.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_domain::case::DeadlineStep;
use shaobao_domain::org::Organisation;
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
        // WGS 84 in millionths of a degree, when the case has a point (the map).
        ("lat_e6", Int),
        ("lon_e6", Int),
    ],
    indexes: &["street, sort_ns, item_key", "street, state"],
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
        Value::Int(intake.location.lat.map(micro_degrees)),
        Value::Int(intake.location.lon.map(micro_degrees)),
    ]]
}

/// Degrees as an integer column (millionths: about 0.1 m).
pub fn micro_degrees(degrees: f64) -> i64 {
    (degrees * 1e6).round() as i64
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
        .filter(|alert| {
            pending
                .iter()
                .any(|(d, due)| *d == alert.deadline && *due == alert.due_at)
        })
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
        filters: vec!["street = $1".to_string()],
        args: vec![Value::text(street)],
        order: Order::Ascending,
    }
    .equal(&[
        ("state", &filter.state),
        ("urgency", &filter.urgency),
        ("category", &filter.category),
        ("community", &filter.community),
    ]);
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
    let sql = format!(
        "SELECT state, COUNT(*) FROM {} WHERE street = $1 GROUP BY state ORDER BY state",
        TABLE.name
    );
    let rows = fetch(
        store,
        &Statement::new(sql, vec![Value::text(street)]),
        &[Text, Int],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            (f.text().unwrap_or_default(), f.int().unwrap_or(0))
        })
        .collect())
}

/// One open case on the map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MapPoint {
    pub case_id: String,
    pub street: String,
    pub community: Option<String>,
    pub category: String,
    pub urgency: String,
    pub state: String,
    /// `running`, `approaching`, `breached` or `supervised`.
    pub alert: String,
    pub next_due_at: Option<DateTime<Utc>>,
    /// Where the case was reported, when it has a point.
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// Every open case of the district (optionally of one category), for the map.
pub async fn map_points(
    store: &Store,
    category: Option<&str>,
) -> Result<Vec<MapPoint>, StoreError> {
    let (filter, args) = match category {
        Some(category) => ("WHERE category = $1", vec![Value::text(category)]),
        None => ("", vec![]),
    };
    let sql = format!(
        "SELECT case_id, street, community, category, urgency, state, alert, next_due_ns, lat_e6, lon_e6 \
         FROM {} {filter}",
        TABLE.name
    );
    let types = [Text, Text, Text, Text, Text, Text, Text, Int, Int, Int];
    let rows = fetch(store, &Statement::new(sql, args), &types).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            MapPoint {
                case_id: f.text().unwrap_or_default(),
                street: f.text().unwrap_or_default(),
                community: f.text(),
                category: f.text().unwrap_or_default(),
                urgency: f.text().unwrap_or_default(),
                state: f.text().unwrap_or_default(),
                alert: f.text().unwrap_or_default(),
                next_due_at: f.int().map(from_ns),
                lat: f.int().map(|v| v as f64 / 1e6),
                lon: f.int().map(|v| v as f64 / 1e6),
            }
        })
        .collect())
}

/// Open cases of the whole district per state, and how many are breached or under supervision
/// (`now` turns a passed due time into breached before the deadline service records it).
pub async fn district_counts(
    store: &Store,
    now: DateTime<Utc>,
) -> Result<DistrictCounts, StoreError> {
    let sql = format!(
        "SELECT state, alert, CAST(CASE WHEN next_due_ns < $1 THEN 1 ELSE 0 END AS BIGINT) AS due,
                COUNT(*)
         FROM {} GROUP BY state, alert, due",
        TABLE.name
    );
    let rows = fetch(
        store,
        &Statement::new(sql, vec![Value::int(to_ns(now))]),
        &[Text, Text, Int, Int],
    )
    .await?;
    let mut counts = DistrictCounts::default();
    for row in rows {
        let mut f = Fields::new(row);
        let (state, alert, overdue, n) = (
            f.text().unwrap_or_default(),
            f.text().unwrap_or_default(),
            f.int() == Some(1),
            f.int().unwrap_or(0),
        );
        *counts.by_state.entry(state).or_default() += n;
        counts.open += n;
        if alert == "supervised" {
            counts.supervised += n;
        }
        if alert == "breached" || alert == "supervised" || overdue {
            counts.breached += n;
        }
    }
    Ok(counts)
}

/// Open cases per (street, state) across the district (the `shaobao_open_cases` gauge).
pub async fn open_by_street_and_state(
    store: &Store,
) -> Result<Vec<(String, String, i64)>, StoreError> {
    let sql = format!(
        "SELECT street, state, COUNT(*) FROM {} GROUP BY street, state",
        TABLE.name
    );
    let rows = fetch(store, &Statement::new(sql, vec![]), &[Text, Text, Int]).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            (
                f.text().unwrap_or_default(),
                f.text().unwrap_or_default(),
                f.int().unwrap_or(0),
            )
        })
        .collect())
}

/// What the wall screen shows of the open cases.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DistrictCounts {
    pub open: i64,
    pub by_state: std::collections::BTreeMap<String, i64>,
    /// Past a due time (recorded or not yet), supervised ones included.
    pub breached: i64,
    /// Under district or city supervision 督办.
    pub supervised: i64,
}
