//! Deadlines: every running deadline with the next step of its breach ladder and when it fires
//! (what the deadline service watches), and the alerts (approaching or breached deadlines still
//! running), newest first, per street and department.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_domain::case::{DeadlineRef, DeadlineStep, Unit};
use shaobao_domain::org::Organisation;
use shaobao_services::store::{Store, StoreError};

use crate::deadline::{key, kind, ladder, step_name};
use crate::page::{ListError, ListQuery, Order, Page, PageRequest};
use crate::record::CaseRecord;
use crate::schema::{no_community_rows, Table};
use crate::sql::{fetch, ColType::*, Fields, Row, Statement, Value};
use crate::time::{from_ns, to_ns};

pub const PENDING: Table = Table {
    name: "rm_pending_deadlines",
    columns: &[
        ("case_id", Text),
        ("deadline_key", Text),
        ("kind", Text),
        ("due_ns", Int),
        ("window_start_ns", Int),
        // The next ladder step and when it is due; null once city supervision is issued.
        ("next_step", Text),
        ("fire_ns", Int),
    ],
    indexes: &["fire_ns"],
    rows: pending_rows,
    community_rows: no_community_rows,
};

fn pending_rows(record: &CaseRecord, org: &Organisation) -> Vec<Row> {
    ladder(record, org)
        .into_iter()
        .map(|rung| {
            vec![
                Value::text(&record.id),
                Value::text(key(&rung.deadline)),
                Value::text(kind(&rung.deadline)),
                Value::int(to_ns(rung.due_at)),
                Value::int(to_ns(rung.window_start)),
                Value::Text(rung.next.map(|(step, _)| step_name(step).to_string())),
                Value::Int(rung.next.map(|(_, at)| to_ns(at))),
            ]
        })
        .collect()
}

/// Cases with a ladder step due at `now`, the most overdue first.
pub async fn cases_due(
    store: &Store,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<String>, StoreError> {
    let sql = format!(
        "SELECT case_id FROM {} WHERE fire_ns <= $1 GROUP BY case_id ORDER BY min(fire_ns) LIMIT {limit}",
        PENDING.name
    );
    let rows = fetch(
        store,
        &Statement::new(sql, vec![Value::int(to_ns(now))]),
        &[Text],
    )
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Fields::new(row).text())
        .collect())
}

pub const ALERTS: Table = Table {
    name: "rm_alerts",
    columns: &[
        ("case_id", Text),
        ("item_key", Text),
        // When the alert was raised.
        ("sort_ns", Int),
        ("street", Text),
        ("department", Text),
        ("kind", Text),
        ("deadline", Text),
        ("whistle_no", Int),
        ("due_ns", Int),
        ("reminded", Int),
        ("supervision", Text),
    ],
    indexes: &[
        "sort_ns, item_key",
        "street, sort_ns, item_key",
        "department, sort_ns, item_key",
    ],
    rows: alert_rows,
    community_rows: no_community_rows,
};

fn alert_rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let Some(street) = record.case.street() else {
        return vec![];
    };
    let handling_department = match record.case.handling_unit() {
        Some(Unit::Department(department)) => Some(department.clone()),
        _ => None,
    };
    let alerts = record.case.alerts();
    let mut rows = Vec::new();
    for (deadline, due_at) in record.case.pending_deadlines() {
        let steps: Vec<_> = alerts
            .iter()
            .filter(|a| a.deadline == deadline && a.due_at == due_at)
            .collect();
        let raised = |step| steps.iter().find(|a| a.step == step).map(|a| a.at);
        let (alert_kind, at) = match (
            raised(DeadlineStep::Breached),
            raised(DeadlineStep::Approaching),
        ) {
            (Some(at), _) => ("breached", at),
            (None, Some(at)) => ("approaching", at),
            (None, None) => continue,
        };
        let supervision = if raised(DeadlineStep::CitySupervision).is_some() {
            Some("city")
        } else {
            raised(DeadlineStep::DistrictSupervision).map(|_| "district")
        };
        let (department, whistle_no) = match &deadline {
            DeadlineRef::ReportIn { no, department } => {
                (Some(department.clone()), Some(i64::from(*no)))
            }
            _ => (handling_department.clone(), None),
        };
        rows.push(vec![
            Value::text(&record.id),
            Value::text(format!("{}/{}", record.id, key(&deadline))),
            Value::int(to_ns(at)),
            Value::text(street),
            Value::Text(department),
            Value::text(alert_kind),
            Value::text(kind(&deadline)),
            Value::Int(whistle_no),
            Value::int(to_ns(due_at)),
            Value::int(i64::from(raised(DeadlineStep::Reminder).is_some())),
            Value::Text(supervision.map(str::to_string)),
        ]);
    }
    rows
}

/// One alert (DESIGN §6: `case_id`, `kind` approaching/breached, `deadline`, `due_at`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertItem {
    pub case_id: String,
    pub kind: String,
    pub deadline: String,
    pub due_at: DateTime<Utc>,
    /// When the alert was raised.
    pub at: DateTime<Utc>,
    pub street: String,
    pub department: Option<String>,
    pub whistle_no: Option<i64>,
    /// A reminder 催办 was issued.
    pub reminded: bool,
    /// The highest supervision 督办 issued: district or city.
    pub supervision: Option<String>,
    /// Kind `repeat` only (a hot spot's repeat warning, DESIGN §4): its cluster. `deadline` is
    /// then `repeat`, `case_id` the latest case of the cluster and `due_at` when it came in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeat: Option<crate::models::hotspots::Cluster>,
}

/// Which alerts: all, or those of one street and/or department.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AlertFilter {
    pub street: Option<String>,
    pub department: Option<String>,
}

/// Alerts on deadlines still running, newest first.
pub async fn alerts(
    store: &Store,
    filter: &AlertFilter,
    page: &PageRequest,
) -> Result<Page<AlertItem>, ListError> {
    let mut filters = Vec::new();
    let mut args = Vec::new();
    for (column, value) in [
        ("street", &filter.street),
        ("department", &filter.department),
    ] {
        if let Some(value) = value {
            args.push(Value::text(value));
            filters.push(format!("{column} = ${}", args.len()));
        }
    }
    let query = ListQuery {
        table: ALERTS.name,
        columns: &[
            "case_id",
            "kind",
            "deadline",
            "due_ns",
            "sort_ns",
            "street",
            "department",
            "whistle_no",
            "reminded",
            "supervision",
        ],
        types: &[Text, Text, Text, Int, Int, Text, Text, Int, Int, Text],
        filters,
        args,
        order: Order::Descending,
    };
    let (rows, next) = query.page(store, page).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            AlertItem {
                case_id: f.text().unwrap_or_default(),
                kind: f.text().unwrap_or_default(),
                deadline: f.text().unwrap_or_default(),
                due_at: from_ns(f.int().unwrap_or(0)),
                at: from_ns(f.int().unwrap_or(0)),
                street: f.text().unwrap_or_default(),
                department: f.text(),
                whistle_no: f.int(),
                reminded: f.int() == Some(1),
                supervision: f.text(),
                repeat: None,
            }
        })
        .collect();
    Ok(Page { items, next })
}
