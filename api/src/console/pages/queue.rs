//! `/queue/{street}`: a street command center's open cases, soonest deadline first, coloured by
//! how far the deadline has run, with filters and counts per state. The rows refresh themselves
//! (`/queue/{street}/rows`) when the live feed says the read models changed.

use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use maud::{html, Markup};
use serde::Deserialize;
use shaobao_domain::org::Organisation;
use shaobao_projections::models::queue::{self, QueueFilter, QueueItem};
use shaobao_projections::PageRequest;

use crate::access;
use crate::console::error::ConsoleError;
use crate::console::i18n::Lang;
use crate::console::layout::{self, countdown};
use crate::console::names;
use crate::console::session::Person;
use crate::server::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    state: Option<String>,
    urgency: Option<String>,
    category: Option<String>,
    community: Option<String>,
    page: Option<String>,
}

impl Filters {
    fn filter(&self) -> QueueFilter {
        let set = |v: &Option<String>| v.clone().filter(|v| !v.is_empty());
        QueueFilter {
            state: set(&self.state),
            urgency: set(&self.urgency),
            category: set(&self.category),
            community: set(&self.community),
        }
    }

    fn query_string(&self) -> String {
        let f = self.filter();
        let pairs = [
            ("state", f.state),
            ("urgency", f.urgency),
            ("category", f.category),
            ("community", f.community),
        ];
        let mut query = form_urlencoded::Serializer::new(String::new());
        for (key, value) in pairs {
            if let Some(value) = value {
                query.append_pair(key, &value);
            }
        }
        query.finish()
    }
}

const OPEN_STATES: &[&str] = &[
    "received",
    "dispatched",
    "signed",
    "handling",
    "return_pending",
    "disputed",
    "resolved",
    "awaiting_callback",
    "parked",
];
const URGENCIES: &[&str] = &["emergency", "utility", "ordinary", "complex"];

pub async fn page(
    State(state): State<AppState>,
    person: Person,
    Path(street): Path<String>,
    Query(filters): Query<Filters>,
) -> Result<Markup, ConsoleError> {
    allowed(&person, &state.org, &street)?;
    let lang = person.lang;
    let rows = rows_markup(&state, lang, &street, &filters).await?;
    let title = format!(
        "{} · {}",
        lang.t("queue.title"),
        names::street(&state.org, &street)
    );
    let body = html! {
        (filter_form(lang, &state.org, &street, &filters))
        div.live-region hx-ext="sse" sse-connect="/live" {
            span.live-badge { (lang.t("queue.live")) }
            div #queue-rows hx-get={ "/queue/" (street) "/rows?" (filters.query_string()) }
                hx-trigger="sse:change" hx-swap="innerHTML" { (rows) }
        }
    };
    Ok(layout::page(&person, &state.org, &title, body))
}

/// The counts and the table alone, for the live refresh.
pub async fn rows(
    State(state): State<AppState>,
    person: Person,
    Path(street): Path<String>,
    Query(filters): Query<Filters>,
) -> Result<Markup, ConsoleError> {
    allowed(&person, &state.org, &street)?;
    rows_markup(&state, person.lang, &street, &filters).await
}

fn allowed(person: &Person, org: &Organisation, street: &str) -> Result<(), ConsoleError> {
    if org.street(street).is_none() {
        return Err(ConsoleError::NotFound(format!("street {street}")));
    }
    if access::may_read_queue(&person.actor(), street) {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden(format!(
            "the queue of street {street}"
        )))
    }
}

async fn rows_markup(
    state: &AppState,
    lang: Lang,
    street: &str,
    filters: &Filters,
) -> Result<Markup, ConsoleError> {
    let page = PageRequest {
        after: filters.page.clone(),
        limit: 50,
    };
    let found = queue::filtered_queue(&state.store, street, &filters.filter(), &page)
        .await
        .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
    let counts = queue::state_counts(&state.store, street).await?;
    let total: i64 = counts.iter().map(|(_, n)| n).sum();
    let now = state.clock.now();
    Ok(html! {
        ul.state-counts {
            li { a href={ "/queue/" (street) } { (lang.t("queue.all")) " " strong { (total) } } }
            @for (name, count) in &counts {
                li data-state=(name) { a href={ "/queue/" (street) "?state=" (name) } {
                    (lang.t(&format!("state.{name}"))) " " strong { (count) } } }
            }
        }
        @if found.items.is_empty() {
            p.empty { (lang.t("queue.empty")) }
        } @else {
            table.cases {
                thead { tr {
                    th { (lang.t("col.case")) } th { (lang.t("col.state")) } th { (lang.t("col.urgency")) }
                    th { (lang.t("col.category")) } th { (lang.t("col.community")) } th { (lang.t("col.holder")) }
                    th { (lang.t("col.deadline")) } th { (lang.t("col.due")) }
                } }
                tbody { @for item in &found.items { (row(state, lang, street, item, now)) } }
            }
            @if let Some(next) = &found.next {
                p.more { a href={ "/queue/" (street) "?" (filters.query_string()) "&page=" (next) } { (lang.t("search.more")) } }
            }
        }
    })
}

/// `running`, `approaching`, `breached` or `supervised`: the recorded level, or breached when the
/// due time has passed before the deadline service got to it.
fn deadline_class(item: &QueueItem, now: DateTime<Utc>) -> &str {
    match &item.next_deadline {
        Some(next) if next.due_at < now && item.alert != "supervised" => "breached",
        _ => item.alert.as_str(),
    }
}

fn row(state: &AppState, lang: Lang, street: &str, item: &QueueItem, now: DateTime<Utc>) -> Markup {
    let org = &state.org;
    let class = deadline_class(item, now);
    html! {
        tr class={ "deadline-" (class) } data-case-id=(item.case_id) data-state=(item.state) {
            td { a href={ "/cases/" (item.case_id) } { (short_id(&item.case_id)) } }
            td { span.state { (lang.t(&format!("state.{}", item.state))) } }
            td { span class={ "urgency urgency-" (item.urgency) } { (lang.t(&format!("urgency.{}", item.urgency))) } }
            td { (names::category(org, &item.category)) }
            td { @if let Some(c) = &item.community { (names::community(org, street, c)) } }
            td { (names::unit_json(org, &item.holder)) }
            td { @if let Some(next) = &item.next_deadline {
                span class={ "deadline-flag flag-" (class) } { (lang.t(&format!("deadline.{class}"))) }
                " " (lang.t(&format!("timer.{}", next.kind)))
            } }
            td { @if let Some(next) = &item.next_deadline { (countdown(lang, next.due_at, now)) } }
        }
    }
}

/// The first 8 characters of a case id: enough to tell cases apart on a screen.
pub fn short_id(id: &str) -> &str {
    id.get(..8).unwrap_or(id)
}

fn filter_form(lang: Lang, org: &Organisation, street: &str, filters: &Filters) -> Markup {
    let chosen = filters.filter();
    let communities = org
        .street(street)
        .map(|s| s.communities.clone())
        .unwrap_or_default();
    html! {
        form.filters method="get" action={ "/queue/" (street) } {
            (select(lang, "state", &chosen.state, OPEN_STATES.iter().map(|s| (s.to_string(), lang.t(&format!("state.{s}"))))))
            (select(lang, "urgency", &chosen.urgency, URGENCIES.iter().map(|u| (u.to_string(), lang.t(&format!("urgency.{u}"))))))
            (select(lang, "category", &chosen.category, org.categories.iter().map(|c| (c.code.clone(), c.name.clone()))))
            (select(lang, "community", &chosen.community, communities.iter().map(|c| (c.code.clone(), c.name.clone()))))
            button type="submit" { (lang.t("queue.filter")) }
        }
    }
}

fn select(
    lang: Lang,
    name: &str,
    chosen: &Option<String>,
    options: impl Iterator<Item = (String, String)>,
) -> Markup {
    html! {
        label { span { (lang.t(&format!("col.{name}"))) }
            select name=(name) {
                option value="" { (lang.t("queue.all")) }
                @for (value, label) in options {
                    option value=(value) selected[chosen.as_deref() == Some(value.as_str())] { (label) }
                }
            }
        }
    }
}
