//! `/board`: the community's two lists 双向需求清单 — needs published by the street and resources
//! offered by resident units — for the person's community (a dispatcher: the street's; a unit:
//! the district's, narrowed to one community at will), each need with the steps the domain allows
//! this person now (claim, deliver, confirm, withdraw) and each resource with the needs it may be
//! matched to; then the case tasks open for claiming. The lists refresh themselves when the live
//! feed reports a change, and actions swap them in place (htmx).

mod act;
mod forms;
mod lists;
mod scope;
mod tasks;

use axum::extract::{Query, State};
use maud::{html, Markup};
use serde::Deserialize;

pub use act::{act_on_need, match_resource, offer_resource, publish_need, register_member};

use self::lists::BoardContext;
use self::scope::Viewer;
use crate::access;
use crate::console::error::ConsoleError;
use crate::console::layout;
use crate::console::names;
use crate::console::pages::case::Failure;
use crate::console::session::Person;
use crate::server::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct BoardQuery {
    /// Narrow the lists to this community of the person's scope.
    community: Option<String>,
}

fn allowed(person: &Person) -> Result<(), ConsoleError> {
    if access::may_read_board(&person.actor()) && access::may_read_community_lists(&person.actor())
    {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden("the volunteer board".into()))
    }
}

pub async fn page(
    State(state): State<AppState>,
    person: Person,
    Query(query): Query<BoardQuery>,
) -> Result<Markup, ConsoleError> {
    allowed(&person)?;
    let viewer = Viewer::of(&state, &person, query.community.as_deref()).await?;
    render_page(&state, &person, &viewer, None).await
}

/// `/board/lists`: the lists alone, for the live refresh.
pub async fn lists(
    State(state): State<AppState>,
    person: Person,
    Query(query): Query<BoardQuery>,
) -> Result<Markup, ConsoleError> {
    allowed(&person)?;
    let viewer = Viewer::of(&state, &person, query.community.as_deref()).await?;
    render_lists(&state, &person, &viewer, None).await
}

async fn render_lists(
    state: &AppState,
    person: &Person,
    viewer: &Viewer,
    failure: Option<&Failure>,
) -> Result<Markup, ConsoleError> {
    let lists = lists::load(state, viewer).await?;
    let cx = BoardContext {
        lang: person.lang,
        org: &state.org,
        viewer,
        csrf_token: &person.csrf_token,
        display_name: &person.user.display_name,
        now: state.clock.now(),
        failure,
    };
    Ok(lists::render(&cx, &lists))
}

async fn render_page(
    state: &AppState,
    person: &Person,
    viewer: &Viewer,
    failure: Option<&Failure>,
) -> Result<Markup, ConsoleError> {
    let lang = person.lang;
    let lists = render_lists(state, person, viewer, failure).await?;
    let tasks = tasks::section(state, lang, &person.csrf_token).await?;
    let places = viewer.places(&state.org);
    let body = html! {
        @if places.len() > 1 {
            form.filters method="get" action="/board" {
                label { span { (lang.t("col.community")) } select name="community" {
                    option value="" { (lang.t("board.all_communities")) }
                    @for p in &places {
                        option value=(p.community) selected[viewer.narrowed.as_deref() == Some(p.community.as_str())] {
                            (names::street(&state.org, &p.street)) " · " (names::community(&state.org, &p.street, &p.community))
                        }
                    }
                } }
                button type="submit" { (lang.t("queue.filter")) }
            }
        }
        div.live-region hx-ext="sse" sse-connect="/live" {
            span.live-badge { (lang.t("queue.live")) }
            div #community-lists hx-get={ "/board/lists?" (viewer.query()) }
                hx-trigger="sse:change" hx-swap="innerHTML" { (lists) }
        }
        (tasks)
    };
    Ok(layout::page(
        person,
        &state.org,
        &lang.t("board.title"),
        body,
    ))
}
