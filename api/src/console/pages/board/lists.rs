//! The two lists 双向需求清单 on the board: the needs of the person's communities and the
//! resources units offer them, from the community read model. Each row carries a form for every
//! step the domain allows this person on it now ([`NeedFacts::steps`],
//! [`ResourceFacts::matchable`]); the page decides nothing itself.

use chrono::{DateTime, Utc};
use maud::{html, Markup};
use shaobao_domain::community::{NeedFacts, Party};
use shaobao_domain::org::Organisation;
use shaobao_projections::models::community::{self, NeedItem, ResourceItem};
use shaobao_projections::PageRequest;

use super::forms;
use super::scope::{Scope, Viewer};
use crate::console::error::ConsoleError;
use crate::console::i18n::Lang;
use crate::console::layout::local_time;
use crate::console::names;
use crate::console::pages::case::Failure;
use crate::server::AppState;

/// Rows per list: the newest, which are the ones still being worked.
const LIMIT: u32 = 100;

/// What the lists part of the board is drawn from.
pub struct BoardContext<'a> {
    pub lang: Lang,
    pub org: &'a Organisation,
    pub viewer: &'a Viewer,
    pub csrf_token: &'a str,
    /// The person's display name (offered as a member's name when registering).
    pub display_name: &'a str,
    pub now: DateTime<Utc>,
    /// A refused form, to show why.
    pub failure: Option<&'a Failure>,
}

pub struct Lists {
    pub needs: Vec<NeedItem>,
    pub resources: Vec<ResourceItem>,
}

/// The needs and resources in the viewer's scope, newest first.
pub async fn load(state: &AppState, viewer: &Viewer) -> Result<Lists, ConsoleError> {
    let page = PageRequest {
        after: None,
        limit: LIMIT,
    };
    let unavailable =
        |e: shaobao_projections::page::ListError| ConsoleError::Unavailable(e.to_string());
    let needs = match viewer.need_filter() {
        Some(filter) => {
            community::needs(&state.store, &filter, &page)
                .await
                .map_err(unavailable)?
                .items
        }
        None => vec![],
    };
    let resources = match viewer.resource_filter() {
        Some(filter) => {
            community::resources(&state.store, &filter, &page)
                .await
                .map_err(unavailable)?
                .items
        }
        None => vec![],
    };
    Ok(Lists { needs, resources })
}

/// The lists part of the board (what htmx swaps after an action or a change).
pub fn render(cx: &BoardContext, lists: &Lists) -> Markup {
    let lang = cx.lang;
    html! {
        @if let Some(f) = cx.failure {
            p.form-error role="alert" data-refused=(f.url) {
                @if let Some(field) = &f.field { code { (field) } ": " } (lang.field_message(&f.message))
            }
        }
        @if let Scope::Community(community) = &cx.viewer.scope {
            p.hint data-registered-in=(community) {
                (lang.t("board.registered_in")) ": "
                (cx.viewer.places(cx.org).first().map_or(community.clone(), |p| names::community(cx.org, &p.street, &p.community)))
            }
        }
        @if cx.viewer.scope == Scope::Unregistered {
            p.hint { (lang.t("board.unregistered")) }
            (forms::register(cx))
        }
        div.board-forms { (forms::publish(cx)) (forms::offer(cx)) }
        section.community-needs {
            h2 { (lang.t("board.needs")) }
            @if lists.needs.is_empty() { p.empty { (lang.t("board.no_needs")) } } @else {
                div.table-scroll { table.cases.needs {
                    thead { tr {
                        th { (lang.t("col.need")) } th { (lang.t("col.community")) } th { (lang.t("col.kind")) }
                        th.figure { (lang.t("col.points")) } th { (lang.t("col.status")) } th { (lang.t("col.claimant")) }
                        th { (lang.t("col.deadline_at")) } th { (lang.t("col.actions")) }
                    } }
                    tbody { @for need in &lists.needs { (need_row(cx, need)) } }
                } }
            }
        }
        section.community-resources {
            h2 { (lang.t("board.resources")) }
            @if lists.resources.is_empty() { p.empty { (lang.t("board.no_resources")) } } @else {
                div.table-scroll { table.cases.resources {
                    thead { tr {
                        th { (lang.t("col.resource")) } th { (lang.t("col.community")) } th { (lang.t("col.unit")) }
                        th.figure { (lang.t("col.capacity")) } th { (lang.t("col.available")) } th { (lang.t("col.actions")) }
                    } }
                    tbody { @for resource in &lists.resources { (resource_row(cx, resource, &lists.needs)) } }
                } }
            }
        }
    }
}

fn need_row(cx: &BoardContext, need: &NeedItem) -> Markup {
    let lang = cx.lang;
    let viewer = cx.viewer;
    let place = need.place();
    let steps = need.facts().map_or_else(Vec::new, |facts| {
        facts.steps(
            &viewer.actor,
            cx.now,
            &place,
            viewer.member_community.as_deref(),
        )
    });
    let points = need.awarded_points.unwrap_or(need.points);
    html! {
        tr data-need-no=(need.no) data-community=(need.community) data-status=(need.status) {
            td {
                strong { (need.title) }
                @if let Some(description) = &need.description { br; span.hint { (description) } }
                @if let Some(summary) = &need.summary { br; span.delivered { (lang.t("board.delivered_as")) ": " (summary) } }
            }
            td { (names::community(cx.org, &need.street, &need.community)) }
            td { (lang.t(&format!("task_kind.{}", need.kind))) }
            td.figure { (points) }
            td { span class={ "need-status status-" (need.status) } { (lang.t(&format!("need_status.{}", need.status))) } }
            td { @if let Some(claimant) = &need.claimant { (party_name(lang, cx.org, claimant)) } }
            td { @if let Some(deadline) = need.deadline { (local_time(deadline)) } }
            td.actions { @for step in steps { (forms::need_step(cx, need, step)) } }
        }
    }
}

fn resource_row(cx: &BoardContext, resource: &ResourceItem, needs: &[NeedItem]) -> Markup {
    let place = resource.place();
    let same_community: Vec<&NeedItem> = needs
        .iter()
        .filter(|n| n.community == resource.community)
        .collect();
    let facts: Vec<NeedFacts> = same_community.iter().filter_map(|n| n.facts()).collect();
    let matchable: Vec<&NeedItem> = match resource.facts() {
        Some(r) => r
            .matchable(&facts, &cx.viewer.actor, cx.now, &place)
            .into_iter()
            .filter_map(|f| {
                same_community
                    .iter()
                    .copied()
                    .find(|n| n.no == i64::from(f.no))
            })
            .collect(),
        None => vec![],
    };
    html! {
        tr data-resource-no=(resource.no) data-community=(resource.community) {
            td { strong { (resource.title) } @if let Some(d) = &resource.description { br; span.hint { (d) } } }
            td { (names::community(cx.org, &resource.street, &resource.community)) }
            td { (names::department(cx.org, &resource.unit)) }
            td.figure { (resource.matched) " / " (resource.capacity) }
            td { @match (resource.available_from, resource.available_until) {
                (None, None) => (cx.lang.t("board.any_time")),
                (from, until) => {
                    @if let Some(from) = from { (local_time(from)) } " – "
                    @if let Some(until) = until { (local_time(until)) }
                }
            } }
            td.actions { @if !matchable.is_empty() { (forms::match_resource(cx, resource, &matchable)) } }
        }
    }
}

/// A unit's name, or `志愿者 gw-7` for a member.
pub fn party_name(lang: Lang, org: &Organisation, party: &Party) -> String {
    match party {
        Party::Unit(code) => names::department(org, code),
        Party::Member(id) => format!("{} {id}", lang.t("role.volunteer")),
    }
}
