//! Case search: every case, filtered by street, department, state, category, channel, the date it
//! was opened and text, newest first.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_domain::case::Unit;
use shaobao_domain::org::Organisation;
use shaobao_services::store::{Store, StoreError};

use super::queue::micro_degrees;
use super::serde_name;
use crate::page::{ListError, ListQuery, Order, Page, PageRequest};
use crate::record::CaseRecord;
use crate::schema::{no_community_rows, Table};
use crate::sql::{fetch, ColType::*, Fields, Row, Statement, Value};
use crate::time::{from_ns, to_ns};

pub const TABLE: Table = Table {
    name: "rm_case_search",
    columns: &[
        ("case_id", Text),
        ("item_key", Text),
        // When the case was opened.
        ("sort_ns", Int),
        ("street", Text),
        ("state", Text),
        ("category", Text),
        ("channel", Text),
        ("kind", Text),
        ("urgency", Text),
        ("handling_unit", Text),
        // Handling, co-unit and summoned departments, as `|a|b|`.
        ("departments", Text),
        ("description", Text),
        ("version", Int),
        ("updated_ns", Int),
        // WGS 84 in millionths of a degree, when the case has a point (the map's heat layer).
        ("lat_e6", Int),
        ("lon_e6", Int),
    ],
    indexes: &["sort_ns, item_key", "street, sort_ns, item_key"],
    rows,
    community_rows: no_community_rows,
};

fn rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let (Some(intake), Some(state)) = (record.case.intake(), record.case.state()) else {
        return vec![];
    };
    let case = &record.case;
    let mut departments: Vec<&str> = case
        .handling_unit()
        .into_iter()
        .chain(case.co_units())
        .filter_map(|unit| match unit {
            Unit::Department(d) => Some(d.as_str()),
            Unit::Street(_) => None,
        })
        .chain(
            case.whistles()
                .iter()
                .flat_map(|w| w.departments.iter().map(|d| d.department.as_str())),
        )
        .collect();
    departments.sort_unstable();
    departments.dedup();
    vec![vec![
        Value::text(&record.id),
        Value::text(&record.id),
        Value::int(to_ns(intake.opened_at)),
        Value::text(&intake.location.street),
        Value::text(state.as_str()),
        Value::text(&intake.category),
        Value::text(serde_name(&intake.channel)),
        Value::text(serde_name(&intake.kind)),
        Value::text(intake.urgency.as_str()),
        Value::Text(
            case.handling_unit()
                .and_then(|u| serde_json::to_string(u).ok()),
        ),
        Value::text(format!("|{}|", departments.join("|"))),
        Value::text(&intake.description),
        Value::int(record.version),
        Value::int(record.updated_at.map_or(0, to_ns)),
        Value::Int(intake.location.lat.map(micro_degrees)),
        Value::Int(intake.location.lon.map(micro_degrees)),
    ]]
}

/// Which cases: every field optional; `text` matches the description or the case id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub street: Option<String>,
    pub department: Option<String>,
    pub state: Option<String>,
    pub category: Option<String>,
    pub channel: Option<String>,
    pub opened_from: Option<DateTime<Utc>>,
    pub opened_before: Option<DateTime<Utc>>,
    pub text: Option<String>,
}

/// One case in a search result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub case_id: String,
    pub opened_at: DateTime<Utc>,
    pub street: String,
    pub state: String,
    pub category: String,
    pub channel: String,
    pub kind: String,
    pub urgency: String,
    pub handling_unit: serde_json::Value,
    pub description: String,
    pub version: i64,
}

/// Cases matching `filter`, newest first.
pub async fn search_cases(
    store: &Store,
    filter: &CaseFilter,
    page: &PageRequest,
) -> Result<Page<CaseSummary>, ListError> {
    let mut filters = Vec::new();
    let mut args = Vec::new();
    let mut add = |condition: &dyn Fn(usize) -> String, value: Value| {
        args.push(value);
        filters.push(condition(args.len()));
    };
    for (column, value) in [
        ("street", &filter.street),
        ("state", &filter.state),
        ("category", &filter.category),
        ("channel", &filter.channel),
    ] {
        if let Some(value) = value {
            add(&|n| format!("{column} = ${n}"), Value::text(value));
        }
    }
    if let Some(department) = &filter.department {
        add(
            &|n| format!("departments LIKE ${n} ESCAPE '\\'"),
            Value::text(format!("%|{}|%", escape_like(department))),
        );
    }
    if let Some(from) = filter.opened_from {
        add(&|n| format!("sort_ns >= ${n}"), Value::int(to_ns(from)));
    }
    if let Some(before) = filter.opened_before {
        add(&|n| format!("sort_ns < ${n}"), Value::int(to_ns(before)));
    }
    if let Some(text) = filter.text.as_deref().filter(|t| !t.trim().is_empty()) {
        let pattern = format!("%{}%", escape_like(&text.trim().to_lowercase()));
        add(
            &|n| {
                format!(
                    "(lower(description) LIKE ${n} ESCAPE '\\' OR case_id LIKE ${n} ESCAPE '\\')"
                )
            },
            Value::text(pattern),
        );
    }
    let query = ListQuery {
        table: TABLE.name,
        columns: &[
            "case_id",
            "sort_ns",
            "street",
            "state",
            "category",
            "channel",
            "kind",
            "urgency",
            "handling_unit",
            "description",
            "version",
        ],
        types: &[
            Text, Int, Text, Text, Text, Text, Text, Text, Text, Text, Int,
        ],
        filters,
        args,
        order: Order::Descending,
    };
    let (rows, next) = query.page(store, page).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            CaseSummary {
                case_id: f.text().unwrap_or_default(),
                opened_at: from_ns(f.int().unwrap_or(0)),
                street: f.text().unwrap_or_default(),
                state: f.text().unwrap_or_default(),
                category: f.text().unwrap_or_default(),
                channel: f.text().unwrap_or_default(),
                kind: f.text().unwrap_or_default(),
                urgency: f.text().unwrap_or_default(),
                handling_unit: f.json(),
                description: f.text().unwrap_or_default(),
                version: f.int().unwrap_or(0),
            }
        })
        .collect();
    Ok(Page { items, next })
}

/// `%`, `_` and `\` matched literally.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Cases opened since `since` counted by `column` (`channel`, `category`, `street`), largest first.
pub async fn opened_since_by(
    store: &Store,
    column: CountColumn,
    since: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let column = column.as_str();
    let sql = format!(
        "SELECT {column}, COUNT(*) FROM {} WHERE sort_ns >= $1 GROUP BY {column} ORDER BY COUNT(*) DESC, {column}",
        TABLE.name
    );
    let rows = fetch(
        store,
        &Statement::new(sql, vec![Value::int(to_ns(since))]),
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

/// What [`opened_since_by`] counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountColumn {
    Channel,
    Category,
    Street,
}

impl CountColumn {
    fn as_str(self) -> &'static str {
        match self {
            CountColumn::Channel => "channel",
            CountColumn::Category => "category",
            CountColumn::Street => "street",
        }
    }
}

/// Where the cases opened since `since` were reported, counted per cell of `cell_e6` millionths
/// of a degree (per street; cases without a point of their own in one row per street, with
/// `None` for the cell): a heat map needs counts per place, not a row per case.
pub async fn heat_cells(
    store: &Store,
    since: DateTime<Utc>,
    cell_e6: i64,
) -> Result<Vec<HeatCell>, StoreError> {
    // Integer division on both stores: a cell is the square whose south-west corner it names.
    let sql = format!(
        "SELECT street, lat_e6 / $2 AS lat_cell, lon_e6 / $2 AS lon_cell, COUNT(*)
         FROM {} WHERE sort_ns >= $1 GROUP BY street, lat_cell, lon_cell",
        TABLE.name
    );
    let args = vec![Value::int(to_ns(since)), Value::int(cell_e6)];
    let rows = fetch(store, &Statement::new(sql, args), &[Text, Int, Int, Int]).await?;
    let centre = |cell: Option<i64>| cell.map(|c| (c as f64 + 0.5) * cell_e6 as f64 / 1e6);
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            HeatCell {
                street: f.text().unwrap_or_default(),
                lat: centre(f.int()),
                lon: centre(f.int()),
                cases: f.int().unwrap_or(0),
            }
        })
        .collect())
}

/// Cases opened at one place: the centre of a cell, or (no point) somewhere in the street.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeatCell {
    pub street: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub cases: i64,
}
