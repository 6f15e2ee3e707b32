//! `/board`: tasks open for claiming (需求清单), newest first, each with a claim button. Whether
//! this person may claim is still the domain's decision when the form is posted.

use axum::extract::State;
use maud::{html, Markup};
use shaobao_projections::models::volunteers;
use shaobao_projections::PageRequest;

use crate::access;
use crate::console::error::ConsoleError;
use crate::console::layout::{self, local_time};
use crate::console::names;
use crate::console::session::Person;
use crate::server::AppState;

pub async fn page(State(state): State<AppState>, person: Person) -> Result<Markup, ConsoleError> {
    let lang = person.lang;
    if !access::may_read_board(&person.actor()) {
        return Err(ConsoleError::Forbidden("the volunteer board".into()));
    }
    let page = PageRequest {
        after: None,
        limit: 200,
    };
    let board = volunteers::board(&state.store, &page)
        .await
        .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
    let body = html! {
        @if board.items.is_empty() { p.empty { (lang.t("board.empty")) } } @else {
            table.cases { thead { tr {
                th { (lang.t("col.title")) } th { (lang.t("col.kind")) } th { (lang.t("col.points")) }
                th { (lang.t("col.street")) } th { (lang.t("col.time")) } th {}
            } }
            tbody { @for task in &board.items {
                tr data-case-id=(task.case_id) data-task-no=(task.task_no) {
                    td { a href={ "/cases/" (task.case_id) } { (task.title) } }
                    td { (lang.t(&format!("task_kind.{}", task.kind))) }
                    td { (task.points) }
                    td { (names::street(&state.org, &task.street)) }
                    td { (local_time(task.published_at)) }
                    td { form method="post" action={ "/cases/" (task.case_id) "/tasks/" (task.task_no) "/claim" } data-action="claim"
                        data-task-no=(task.task_no) {
                        input type="hidden" name="csrf_token" value=(person.csrf_token);
                        button.primary type="submit" { (lang.t("action.claim")) }
                    } }
                }
            } } }
        }
    };
    Ok(layout::page(
        &person,
        &state.org,
        &lang.t("board.title"),
        body,
    ))
}
