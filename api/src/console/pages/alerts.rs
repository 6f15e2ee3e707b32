//! `/alerts`: the supervision board 督办 — approaching and breached deadlines, newest first, with
//! the escalation reached (reminder, district or city supervision); scoped like the API (a
//! dispatcher sees its street, a department itself). Live.

use axum::extract::State;
use maud::{html, Markup};
use shaobao_projections::models::{deadlines, hotspots};
use shaobao_projections::PageRequest;

use crate::access;
use crate::console::error::ConsoleError;
use crate::console::layout::{self, countdown, local_time};
use crate::console::names;
use crate::console::pages::queue::short_id;
use crate::console::session::Person;
use crate::server::AppState;

pub async fn page(State(state): State<AppState>, person: Person) -> Result<Markup, ConsoleError> {
    let rows = rows_markup(&state, &person).await?;
    let lang = person.lang;
    let body = html! {
        div.live-region hx-ext="sse" sse-connect="/live" {
            span.live-badge { (lang.t("queue.live")) }
            div #alert-rows hx-get="/alerts/rows" hx-trigger="sse:change" hx-swap="innerHTML" { (rows) }
        }
    };
    Ok(layout::page(
        &person,
        &state.org,
        &lang.t("alerts.title"),
        body,
    ))
}

pub async fn rows(State(state): State<AppState>, person: Person) -> Result<Markup, ConsoleError> {
    rows_markup(&state, &person).await
}

async fn rows_markup(state: &AppState, person: &Person) -> Result<Markup, ConsoleError> {
    let lang = person.lang;
    let filter = access::alert_filter(&person.actor(), None, None)
        .ok_or_else(|| ConsoleError::Forbidden("alerts".into()))?;
    let page = PageRequest {
        after: None,
        limit: 200,
    };
    let found = deadlines::alerts(&state.store, &filter, &page)
        .await
        .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
    let now = state.clock.now();
    let org = &state.org;
    // The hot spots' repeat warnings first, for those who read streets.
    let repeats = match filter.department {
        Some(_) => Vec::new(),
        None => hotspots::repeat_alerts(&state.store, &org.hotspots, filter.street.as_deref(), now)
            .await
            .map_err(|e| ConsoleError::Unavailable(e.to_string()))?,
    };
    Ok(html! {
        @if !repeats.is_empty() {
            table.cases.alerts.repeats {
                tbody { @for a in &repeats { @if let Some(cluster) = &a.repeat {
                    tr.alert-repeat data-alert-kind="repeat" data-case-id=(a.case_id) {
                        td { a href={ "/cases/" (a.case_id) } { (short_id(&a.case_id)) } }
                        td { span.deadline-flag.flag-repeat { (lang.t("alert.repeat")) } }
                        td { (names::category(org, &cluster.category)) " · " (cluster.place) }
                        td { (names::street(org, &a.street)) }
                        td { (cluster.count) " " (lang.t("alert.repeat_count")) }
                        td { (local_time(a.at)) }
                    }
                } } }
            }
        }
        @if found.items.is_empty() { p.empty { (lang.t("alerts.empty")) } } @else {
            table.cases.alerts {
                thead { tr {
                    th { (lang.t("col.case")) } th { (lang.t("col.kind")) } th { (lang.t("col.deadline")) }
                    th { (lang.t("col.street")) } th { (lang.t("col.department")) } th { (lang.t("col.level")) }
                    th { (lang.t("col.time")) } th { (lang.t("col.due")) }
                } }
                tbody { @for a in &found.items {
                    @let level = a.supervision.clone().or_else(|| a.reminded.then(|| "reminder".to_string()));
                    tr class={ "alert-" (a.kind) } data-alert-kind=(a.kind) data-case-id=(a.case_id) {
                        td { a href={ "/cases/" (a.case_id) } { (short_id(&a.case_id)) } }
                        td { span class={ "deadline-flag flag-" (a.kind) } { (lang.t(&format!("alert.{}", a.kind))) } }
                        td { (lang.t(&format!("timer.{}", a.deadline))) @if let Some(no) = a.whistle_no { " #" (no) } }
                        td { (names::street(org, &a.street)) }
                        td { @if let Some(d) = &a.department { (names::department(org, d)) } }
                        td { @if let Some(level) = &level { span.supervision { (lang.t(&format!("supervision.{level}"))) } } }
                        td { (local_time(a.at)) }
                        td { (countdown(lang, a.due_at, now)) }
                    }
                } }
            }
        }
    })
}
