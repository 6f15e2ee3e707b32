//! `/inbox/{department}`: cases dispatched to the department and whistles summoning it, soonest
//! deadline first; each row opens the case, where the domain offers sign, report-in and the rest.
//! Refreshes itself from the live feed.

use axum::extract::{Path, State};
use maud::{html, Markup};
use shaobao_projections::models::inbox;
use shaobao_projections::PageRequest;

use crate::access;
use crate::console::error::ConsoleError;
use crate::console::i18n::Lang;
use crate::console::layout::{self, countdown};
use crate::console::names;
use crate::console::pages::queue::short_id;
use crate::console::session::Person;
use crate::server::AppState;

pub async fn page(
    State(state): State<AppState>,
    person: Person,
    Path(department): Path<String>,
) -> Result<Markup, ConsoleError> {
    allowed(&state, &person, &department)?;
    let lang = person.lang;
    let rows = rows_markup(&state, lang, &department).await?;
    let title = format!(
        "{} · {}",
        lang.t("inbox.title"),
        names::department(&state.org, &department)
    );
    let body = html! {
        div.live-region hx-ext="sse" sse-connect="/live" {
            span.live-badge { (lang.t("queue.live")) }
            div #inbox-rows hx-get={ "/inbox/" (department) "/rows" } hx-trigger="sse:change" hx-swap="innerHTML" { (rows) }
        }
    };
    Ok(layout::page(&person, &state.org, &title, body))
}

pub async fn rows(
    State(state): State<AppState>,
    person: Person,
    Path(department): Path<String>,
) -> Result<Markup, ConsoleError> {
    allowed(&state, &person, &department)?;
    rows_markup(&state, person.lang, &department).await
}

fn allowed(state: &AppState, person: &Person, department: &str) -> Result<(), ConsoleError> {
    if state.org.department(department).is_none() {
        return Err(ConsoleError::NotFound(format!("department {department}")));
    }
    if access::may_read_inbox(&person.actor(), department) {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden(format!(
            "the inbox of {department}"
        )))
    }
}

async fn rows_markup(
    state: &AppState,
    lang: Lang,
    department: &str,
) -> Result<Markup, ConsoleError> {
    let page = PageRequest {
        after: None,
        limit: 200,
    };
    let found = inbox::department_inbox(&state.store, department, &page)
        .await
        .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
    let now = state.clock.now();
    let org = &state.org;
    Ok(html! {
        @if found.items.is_empty() { p.empty { (lang.t("queue.empty")) } } @else {
            table.cases {
                thead { tr {
                    th { (lang.t("col.case")) } th { (lang.t("col.kind")) } th { (lang.t("col.status")) }
                    th { (lang.t("col.street")) } th { (lang.t("col.category")) } th { (lang.t("col.urgency")) }
                    th { (lang.t("col.deadline")) } th { (lang.t("col.due")) }
                } }
                tbody { @for item in &found.items {
                    @let overdue = item.deadline.as_ref().is_some_and(|d| d.due_at < now);
                    tr class={ "deadline-" (if overdue { "breached" } else { "running" }) }
                        data-case-id=(item.case_id) data-entry=(item.entry) data-state=(item.status) {
                        td { a href={ "/cases/" (item.case_id) } { (short_id(&item.case_id)) } }
                        td { @if item.entry == "whistle" {
                            (lang.t("case.whistles")) " #" (item.whistle_no.unwrap_or_default()) " · " (lang.t(&format!("whistle_role.{}", item.role)))
                        } @else { (lang.t("action.dispatch")) } }
                        td { @if item.entry == "whistle" { (lang.t(&format!("dept_status.{}", item.status))) }
                             @else { (lang.t(&format!("state.{}", item.status))) } }
                        td { (names::street(org, &item.street)) }
                        td { (names::category(org, &item.category)) }
                        td { span class={ "urgency urgency-" (item.urgency) } { (lang.t(&format!("urgency.{}", item.urgency))) } }
                        td { @if let Some(d) = &item.deadline { (lang.t(&format!("timer.{}", d.kind))) } }
                        td { @if let Some(d) = &item.deadline { (countdown(lang, d.due_at, now)) } }
                    }
                } }
            }
        }
    })
}
