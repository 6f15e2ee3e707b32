//! The board's case tasks 需求清单 open for claiming, newest first, each with a claim button.
//! Whether this person may claim is the domain's decision when the form is posted.

use maud::{html, Markup};
use shaobao_projections::models::volunteers;
use shaobao_projections::PageRequest;

use crate::console::error::ConsoleError;
use crate::console::i18n::Lang;
use crate::console::layout::local_time;
use crate::console::names;
use crate::server::AppState;

pub async fn section(
    state: &AppState,
    lang: Lang,
    csrf_token: &str,
) -> Result<Markup, ConsoleError> {
    let page = PageRequest {
        after: None,
        limit: 200,
    };
    let board = volunteers::board(&state.store, &page)
        .await
        .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
    Ok(html! {
        section.case-tasks {
        h2 { (lang.t("board.tasks")) }
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
                        input type="hidden" name="csrf_token" value=(csrf_token);
                        button.primary type="submit" { (lang.t("action.claim")) }
                    } }
                }
            } } }
        }
        }
    })
}
