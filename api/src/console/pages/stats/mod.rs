//! `/stats`: the month's closed-loop statistics 闭环统计 per street, department or category
//! (DESIGN §4), sortable, each number a link to the cases behind it; the rankings 亮榜 with the
//! change from last month and the red and black lists; trends of the three rates and the composite
//! over twelve months; the units' and members' points 量化积分 for the month with each unit's
//! standing against the organisation's thresholds. `/stats.csv` downloads the same table (UTF-8 with BOM, for Excel).

mod columns;
mod figures;
mod rankings;
mod scores;
mod trend;

use axum::extract::{Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use maud::{html, Markup};
use serde::Deserialize;
use shaobao_projections::models::statistics::{GroupBy, StatsRow};

use self::columns::{csv_value, display, Kind, COLUMNS};
use self::figures::Figures;
use crate::access;
use crate::console::error::ConsoleError;
use crate::console::layout;
use crate::console::months;
use crate::console::names;
use crate::console::session::Person;
use crate::server::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct StatsQuery {
    month: Option<String>,
    group_by: Option<String>,
    sort: Option<String>,
    /// The unit whose trend is drawn (empty: the whole district).
    unit: Option<String>,
}

/// The parsed question: which month, grouped how.
struct Question {
    month: (i32, u32),
    group_by: GroupBy,
}

impl Question {
    fn from(state: &AppState, query: &StatsQuery) -> Question {
        let now = months::containing(state.clock.now());
        let month = query
            .month
            .as_deref()
            .and_then(months::parse)
            .unwrap_or(now);
        let group_by = match query.group_by.as_deref() {
            Some("department") => GroupBy::Department,
            Some("category") => GroupBy::Category,
            _ => GroupBy::Street,
        };
        Question { month, group_by }
    }

    fn group_name(&self) -> &'static str {
        self.group_by.as_str()
    }
}

fn allowed(person: &Person) -> Result<(), ConsoleError> {
    if access::may_read_statistics(&person.actor()) {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden("statistics".into()))
    }
}

/// The group key of a row and its name.
fn key_of(row: &StatsRow) -> &str {
    row.street
        .as_deref()
        .or(row.department.as_deref())
        .or(row.category.as_deref())
        .or(row.handling_street.as_deref())
        .unwrap_or_default()
}

fn name_of(state: &AppState, group_by: GroupBy, key: &str) -> String {
    match group_by {
        GroupBy::Street | GroupBy::HandlingStreet => names::street(&state.org, key),
        GroupBy::Department => names::department(&state.org, key),
        GroupBy::Category => names::category(&state.org, key),
    }
}

pub async fn page(
    State(state): State<AppState>,
    person: Person,
    Query(query): Query<StatsQuery>,
) -> Result<Markup, ConsoleError> {
    allowed(&person)?;
    let lang = person.lang;
    let q = Question::from(&state, &query);
    let mut figures = Figures::new(&state);
    let mut table = figures.rows(q.group_by, q.month).await?.to_vec();
    let sort = query.sort.clone().unwrap_or_default();
    if let Some(column) = COLUMNS.iter().find(|c| c.key == sort) {
        table.sort_by(|a, b| {
            let v = |r: &StatsRow| (column.value)(r).unwrap_or(f64::NEG_INFINITY);
            v(b).total_cmp(&v(a))
        });
    }
    let ranking = rankings::section(&state, &mut figures, lang, q.month).await?;
    let scores = scores::section(&state, lang, q.month).await?;
    let trend = trend::section(
        &state,
        &mut figures,
        lang,
        q.group_by,
        q.month,
        query.unit.as_deref().unwrap_or_default(),
    )
    .await?;
    let month = months::format(q.month);
    let group = q.group_name();
    let weights = state.org.weights;
    let body = html! {
        form.filters method="get" action="/stats" {
            label { span { (lang.t("stats.month")) } input type="month" name="month" value=(month); }
            label { span { (lang.t("stats.group_by")) } select name="group_by" {
                @for g in ["street", "department", "category"] {
                    option value=(g) selected[g == group] { (lang.t(&format!("col.{g}"))) }
                }
            } }
            button type="submit" { (lang.t("queue.filter")) }
            a.button href={ "/stats.csv?month=" (month) "&group_by=" (group) } download data-action="csv" { (lang.t("stats.csv")) }
        }
        p.hint { (lang.t("stats.weights")) ": " (format!("{:.2} × {} + {:.2} × {} + {:.2} × {} ({} = {:.1})",
            weights.response, lang.t("stats.response_rate"), weights.resolution, lang.t("stats.resolution_rate"),
            weights.satisfaction, lang.t("stats.satisfaction_rate"), lang.t("satisfaction.basically_satisfied"), weights.basically_satisfied)) }
        div.table-scroll {
            table.stats data-group-by=(group) data-month=(month) {
                thead { tr {
                    th { (lang.t(&format!("col.{group}"))) }
                    @for c in COLUMNS.iter().filter(|c| !c.departments_only || q.group_by == GroupBy::Department) {
                        th { a href={ "/stats?month=" (month) "&group_by=" (group) "&sort=" (c.key) } { (lang.t(c.label)) } }
                    }
                } }
                tbody { @for row in &table {
                    @let key = key_of(row);
                    tr data-key=(key) {
                        th { a href={ "/stats?month=" (month) "&group_by=" (group) "&unit=" (key) "#trend" } { (name_of(&state, q.group_by, key)) } }
                        @for c in COLUMNS.iter().filter(|c| !c.departments_only || q.group_by == GroupBy::Department) {
                            td data-column=(c.key) class=[(c.kind != Kind::Count).then_some("figure")] {
                                a href=(drill_down(q.group_by, key, q.month)) { (display(c.kind, (c.value)(row))) }
                            }
                        }
                    }
                } }
            }
        }
        @if table.is_empty() { p.empty { (lang.t("stats.empty")) } }
        (trend)
        (ranking)
        (scores)
    };
    Ok(layout::page(
        &person,
        &state.org,
        &lang.t("stats.title"),
        body,
    ))
}

/// The case search showing the cases behind a row: its group and the month they were opened in.
fn drill_down(group_by: GroupBy, key: &str, month: (i32, u32)) -> String {
    let filter = match group_by {
        GroupBy::Street | GroupBy::HandlingStreet => "street",
        GroupBy::Department => "department",
        GroupBy::Category => "category",
    };
    let (from, until) = (
        months::first_day(month),
        months::first_day(months::shift(month, 1)),
    );
    format!("/cases?{filter}={key}&from={from}&until={until}")
}

/// `/stats.csv`: the table as the API counts it, one row per group.
pub async fn csv(
    State(state): State<AppState>,
    person: Person,
    Query(query): Query<StatsQuery>,
) -> Result<Response, ConsoleError> {
    allowed(&person)?;
    let q = Question::from(&state, &query);
    let table = Figures::new(&state)
        .rows(q.group_by, q.month)
        .await?
        .to_vec();
    let columns: Vec<_> = COLUMNS
        .iter()
        .filter(|c| !c.departments_only || q.group_by == GroupBy::Department)
        .collect();
    // The BOM tells Excel the file is UTF-8, so Chinese names read right.
    let mut out = String::from("\u{feff}");
    let header: Vec<&str> = [q.group_name(), "name"]
        .into_iter()
        .chain(columns.iter().map(|c| c.key))
        .collect();
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in &table {
        let key = key_of(row);
        let mut cells = vec![csv_cell(key), csv_cell(&name_of(&state, q.group_by, key))];
        cells.extend(columns.iter().map(|c| csv_value((c.value)(row))));
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    let file = format!(
        "attachment; filename=\"stats-{}-{}.csv\"",
        months::format(q.month),
        q.group_name()
    );
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (CONTENT_DISPOSITION, file),
        ],
        out,
    )
        .into_response())
}

/// A CSV cell, quoted when it holds a comma, quote or line break (RFC 4180).
fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_only_when_needed_and_drill_downs_cover_the_month() {
        assert_eq!(csv_cell("景山街道"), "景山街道");
        assert_eq!(csv_cell("a,\"b\""), "\"a,\"\"b\"\"\"");
        assert_eq!(
            drill_down(GroupBy::Category, "noise", (2026, 12)),
            "/cases?category=noise&from=2026-12-01&until=2027-01-01"
        );
    }
}
