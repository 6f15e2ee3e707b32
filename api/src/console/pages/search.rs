//! `/cases`: case search over the search read model, with the filters of `GET /api/v1/cases`,
//! scoped like the API (a dispatcher its street, a department itself).

use axum::extract::{Query, State};
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Asia::Shanghai;
use maud::{html, Markup};
use serde::Deserialize;
use shaobao_projections::models::search::{self, CaseFilter};
use shaobao_projections::PageRequest;

use crate::access;
use crate::console::error::ConsoleError;
use crate::console::layout::{self, local_time};
use crate::console::names;
use crate::console::pages::queue::short_id;
use crate::console::session::Person;
use crate::server::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct SearchForm {
    q: Option<String>,
    street: Option<String>,
    department: Option<String>,
    state: Option<String>,
    category: Option<String>,
    channel: Option<String>,
    from: Option<String>,
    until: Option<String>,
    page: Option<String>,
}

fn some(value: &Option<String>) -> Option<String> {
    value.clone().filter(|v| !v.trim().is_empty())
}

/// `2026-03-01` → the start of that day in Beijing.
fn day(value: &Option<String>) -> Option<chrono::DateTime<chrono::Utc>> {
    let date = NaiveDate::parse_from_str(some(value)?.trim(), "%Y-%m-%d").ok()?;
    Shanghai
        .from_local_datetime(&date.and_hms_opt(0, 0, 0)?)
        .earliest()
        .map(|t| t.to_utc())
}

pub async fn page(
    State(state): State<AppState>,
    person: Person,
    Query(form): Query<SearchForm>,
) -> Result<Markup, ConsoleError> {
    let lang = person.lang;
    let (street, department) =
        access::search_scope(&person.actor(), some(&form.street), some(&form.department))
            .ok_or_else(|| ConsoleError::Forbidden("the case list".into()))?;
    let filter = CaseFilter {
        street,
        department,
        state: some(&form.state),
        category: some(&form.category),
        channel: some(&form.channel),
        opened_from: day(&form.from),
        opened_before: day(&form.until),
        text: some(&form.q),
    };
    let page = PageRequest {
        after: form.page.clone(),
        limit: 50,
    };
    let found = search::search_cases(&state.store, &filter, &page)
        .await
        .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
    let org = &state.org;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let body = html! {
        form.filters method="get" action="/cases" {
            label { span { (lang.t("search.q")) } input type="search" name="q" value=(text(&form.q)); }
            label { span { (lang.t("col.street")) } select name="street" {
                option value="" { (lang.t("queue.all")) }
                @for s in &org.streets { option value=(s.code) selected[form.street.as_deref() == Some(s.code.as_str())] { (s.name) } }
            } }
            label { span { (lang.t("col.state")) } input type="text" name="state" value=(text(&form.state)); }
            label { span { (lang.t("col.category")) } select name="category" {
                option value="" { (lang.t("queue.all")) }
                @for c in &org.categories { option value=(c.code) selected[form.category.as_deref() == Some(c.code.as_str())] { (c.name) } }
            } }
            label { span { (lang.t("search.from")) } input type="date" name="from" value=(text(&form.from)); }
            label { span { (lang.t("search.to")) } input type="date" name="until" value=(text(&form.until)); }
            button type="submit" { (lang.t("search.submit")) }
        }
        @if found.items.is_empty() { p.empty { (lang.t("queue.empty")) } } @else {
            table.cases { thead { tr {
                th { (lang.t("col.case")) } th { (lang.t("col.opened")) } th { (lang.t("col.state")) }
                th { (lang.t("col.street")) } th { (lang.t("col.category")) } th { (lang.t("col.channel")) }
                th { (lang.t("col.holder")) } th { (lang.t("col.description")) }
            } }
            tbody { @for c in &found.items {
                tr data-case-id=(c.case_id) data-state=(c.state) {
                    td { a href={ "/cases/" (c.case_id) } { (short_id(&c.case_id)) } }
                    td { (local_time(c.opened_at)) }
                    td { (lang.t(&format!("state.{}", c.state))) }
                    td { (names::street(org, &c.street)) }
                    td { (names::category(org, &c.category)) }
                    td { (lang.t(&format!("channel.{}", c.channel))) }
                    td { (names::unit_json(org, &c.handling_unit)) }
                    td.description-cell { (c.description.chars().take(60).collect::<String>()) }
                }
            } } }
            @if let Some(next) = &found.next {
                p.more { a href={ "/cases?page=" (next) } { (lang.t("search.more")) } }
            }
        }
    };
    Ok(layout::page(
        &person,
        &state.org,
        &lang.t("search.title"),
        body,
    ))
}
