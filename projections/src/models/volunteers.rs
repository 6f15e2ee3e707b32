//! Volunteer board 需求清单: tasks published on open cases and still open for claiming, newest
//! first; and the points confirmed per volunteer and per unit (department) that claimed tasks.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_domain::case::TaskStatus;
use shaobao_domain::org::Organisation;
use shaobao_domain::Role;
use shaobao_services::store::{Store, StoreError};

use super::serde_name;
use crate::page::{ListError, ListQuery, Order, Page, PageRequest};
use crate::record::CaseRecord;
use crate::schema::{no_community_rows, Table};
use crate::sql::{fetch, ColType::*, Fields, Row, Statement, Value};
use crate::time::{from_ns, to_ns};

pub const TABLE: Table = Table {
    name: "rm_tasks",
    columns: &[
        ("case_id", Text),
        ("item_key", Text),
        // When the task was published.
        ("sort_ns", Int),
        ("street", Text),
        ("task_no", Int),
        ("title", Text),
        ("kind", Text),
        ("points", Int),
        ("status", Text),
        // 1 while the task can be claimed: open, on a case still open.
        ("claimable", Int),
        // `volunteer` (member id) or `unit` (department code).
        ("claimant_kind", Text),
        ("claimant", Text),
        ("awarded_points", Int),
    ],
    indexes: &["claimable, sort_ns, item_key", "claimant_kind, claimant"],
    rows,
    community_rows: no_community_rows,
};

fn rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let Some(street) = record.case.street() else {
        return vec![];
    };
    record
        .case
        .tasks()
        .iter()
        .map(|task| {
            let claimant = task.claimant.as_ref().and_then(|actor| match &actor.role {
                Role::Volunteer { member } => Some(("volunteer", member.clone())),
                Role::Department { department } => Some(("unit", department.clone())),
                _ => None,
            });
            let claimable = task.status == TaskStatus::Open && record.is_open();
            vec![
                Value::text(&record.id),
                Value::text(format!("{}/{}", record.id, task.no)),
                Value::int(to_ns(task.published_at)),
                Value::text(street),
                Value::int(i64::from(task.no)),
                Value::text(&task.title),
                Value::text(serde_name(&task.kind)),
                Value::int(i64::from(task.points)),
                Value::text(serde_name(&task.status)),
                Value::int(i64::from(claimable)),
                Value::Text(claimant.as_ref().map(|(kind, _)| kind.to_string())),
                Value::Text(claimant.map(|(_, who)| who)),
                Value::Int(task.awarded_points.map(i64::from)),
            ]
        })
        .collect()
}

/// A task open for claiming.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardTask {
    pub case_id: String,
    pub task_no: i64,
    pub street: String,
    pub title: String,
    pub kind: String,
    pub points: i64,
    pub published_at: DateTime<Utc>,
}

/// Tasks open for claiming, newest first.
pub async fn board(store: &Store, page: &PageRequest) -> Result<Page<BoardTask>, ListError> {
    let query = ListQuery {
        table: TABLE.name,
        columns: &[
            "case_id", "task_no", "street", "title", "kind", "points", "sort_ns",
        ],
        types: &[Text, Int, Text, Text, Text, Int, Int],
        filters: vec!["claimable = 1".into()],
        args: vec![],
        order: Order::Descending,
    };
    let (rows, next) = query.page(store, page).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            BoardTask {
                case_id: f.text().unwrap_or_default(),
                task_no: f.int().unwrap_or(0),
                street: f.text().unwrap_or_default(),
                title: f.text().unwrap_or_default(),
                kind: f.text().unwrap_or_default(),
                points: f.int().unwrap_or(0),
                published_at: from_ns(f.int().unwrap_or(0)),
            }
        })
        .collect();
    Ok(Page { items, next })
}

/// Points confirmed for one volunteer or unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PointsRow {
    /// Member id (volunteers) or department code (units).
    pub claimant: String,
    pub points: i64,
    pub tasks: i64,
}

/// Confirmed points per volunteer and per unit, most points first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Points {
    pub volunteers: Vec<PointsRow>,
    pub units: Vec<PointsRow>,
}

pub async fn points(store: &Store) -> Result<Points, StoreError> {
    let sql = format!(
        "SELECT claimant_kind, claimant, CAST(SUM(awarded_points) AS BIGINT), CAST(COUNT(*) AS BIGINT)
         FROM {} WHERE awarded_points IS NOT NULL
         GROUP BY claimant_kind, claimant ORDER BY 3 DESC, 2",
        TABLE.name
    );
    let rows = fetch(store, &Statement::new(sql, vec![]), &[Text, Text, Int, Int]).await?;
    let mut points = Points {
        volunteers: vec![],
        units: vec![],
    };
    for row in rows {
        let mut f = Fields::new(row);
        let kind = f.text();
        let row = PointsRow {
            claimant: f.text().unwrap_or_default(),
            points: f.int().unwrap_or(0),
            tasks: f.int().unwrap_or(0),
        };
        match kind.as_deref() {
            Some("volunteer") => points.volunteers.push(row),
            _ => points.units.push(row),
        }
    }
    Ok(points)
}
