//! `/wall`: the command center's wall screen 大屏 (1920×1080, dark, readable across a room, no
//! scrolling; on a smaller screen the panels keep a readable size and the page scrolls): today's intake by channel, open cases by state, breached and supervised counts, the
//! month's 三率 and composite for the district, the street ranking, the top categories of the last
//! 7 days, the map, and a ticker of events as they happen. The page script draws `/wall/data` and
//! refreshes it when the live feed says something changed (and every minute); the browser's
//! `EventSource` reconnects by itself after a server restart, so nobody has to touch the screen.

use axum::extract::State;
use axum::Json;
use chrono::Duration;
use maud::{html, Markup, DOCTYPE};
use serde::Serialize;
use serde_json::{json, Value};
use shaobao_projections::models::queue::{self, DistrictCounts};
use shaobao_projections::models::search::{self, CountColumn};
use shaobao_projections::models::statistics;

use super::map::{map_frame, MapData};
use crate::access;
use crate::console::assets;
use crate::console::error::ConsoleError;
use crate::console::i18n::Lang;
use crate::console::months;
use crate::console::names;
use crate::console::session::Person;
use crate::server::AppState;

/// Event types the ticker names (the process's own words).
const TICKER_EVENTS: &[&str] = &[
    "CaseOpened",
    "AnsweredDirectly",
    "CaseDispatched",
    "CaseSigned",
    "RequesterContacted",
    "ReturnRequested",
    "WhistleBlown",
    "DepartmentReportedIn",
    "WhistleClosed",
    "TaskClaimed",
    "ResolutionSubmitted",
    "ResolutionAccepted",
    "CallbackRecorded",
    "CaseClosed",
    "CaseReopened",
    "DeadlineBreached",
    "SupervisionIssued",
];

fn allowed(person: &Person) -> Result<(), ConsoleError> {
    if access::may_read_statistics(&person.actor()) {
        Ok(())
    } else {
        Err(ConsoleError::Forbidden("the wall screen".into()))
    }
}

pub async fn page(State(state): State<AppState>, person: Person) -> Result<Markup, ConsoleError> {
    allowed(&person)?;
    let lang = person.lang;
    let labels: Value = TICKER_EVENTS
        .iter()
        .map(|e| (e.to_string(), Value::from(ticker_label(lang, e))))
        .collect::<serde_json::Map<_, _>>()
        .into();
    let panel = |id: &str, key: &str| {
        html! {
            section.panel id=(id) { h2 { (lang.t(key)) } div.panel-body data-panel=(id) {} }
        }
    };
    Ok(html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                title { (lang.t("wall.title")) " · " (lang.t("app.name")) }
                link rel="stylesheet" href=(assets::url(assets::STYLESHEET));
                script src=(assets::url(assets::ECHARTS)) defer {}
                script src=(assets::url(assets::CHARTS)) defer {}
            }
            body.wall data-wall="/wall/data" data-live="/live" data-event-labels=(labels.to_string())
                data-words=(json!({"offline": lang.t("wall.offline"), "open": lang.t("wall.open"),
                    "breached": lang.t("wall.breached"), "supervised": lang.t("wall.supervised"),
                    "today": lang.t("wall.today"), "composite": lang.t("stats.composite_score")}).to_string()) {
                header.wall-head {
                    h1 { span.logo { "哨" } (state.org.district.name) " · " (lang.t("wall.title")) }
                    div.wall-clock #wall-clock {}
                    div.wall-offline #wall-offline hidden { (lang.t("wall.offline")) }
                }
                main.wall-grid {
                    section.panel.kpis #kpis { div.panel-body data-panel="kpis" {} }
                    (panel("intake", "wall.today_intake"))
                    (panel("states", "wall.open_by_state"))
                    (panel("rates", "wall.month_rates"))
                    section.panel #map { h2 { (lang.t("map.title")) } div.panel-body.wall-map data-panel="map" {} }
                    (panel("ranking", "wall.street_ranking"))
                    (panel("categories", "wall.top_categories"))
                    section.panel #ticker { h2 { (lang.t("wall.ticker")) } ol.ticker data-panel="ticker" {} }
                }
            }
        }
    })
}

#[derive(Debug, Serialize)]
pub struct WallData {
    pub today_intake: Vec<Named>,
    pub open: DistrictCounts,
    pub open_by_state: Vec<Named>,
    pub month: String,
    /// Percentages (0–100) and the composite, null while nothing counts yet.
    pub rates: Vec<Named<Option<f64>>>,
    pub composite: Option<f64>,
    pub street_ranking: Vec<Ranked>,
    pub top_categories: Vec<Named>,
    pub map: MapData,
}

#[derive(Debug, Serialize)]
pub struct Named<T = i64> {
    pub name: String,
    pub value: T,
}

#[derive(Debug, Serialize)]
pub struct Ranked {
    pub rank: Option<u32>,
    pub name: String,
    pub composite: Option<f64>,
}

pub async fn data(
    State(state): State<AppState>,
    person: Person,
) -> Result<Json<WallData>, ConsoleError> {
    allowed(&person)?;
    let lang = person.lang;
    let org = &state.org;
    let now = state.clock.now();
    let month = months::format(months::containing(now));
    let unavailable = |e: statistics::StatsError| ConsoleError::Unavailable(e.to_string());
    let today = search::opened_since_by(
        &state.store,
        CountColumn::Channel,
        months::start_of_day(now),
    )
    .await?;
    let week =
        search::opened_since_by(&state.store, CountColumn::Category, now - Duration::days(7))
            .await?;
    let open = queue::district_counts(&state.store, now).await?;
    // Only the three rates and the composite: summed by the database, no row per case.
    let weights = &state.org.weights;
    let total = statistics::district_trend(&state.store, &month, &month, now, weights)
        .await
        .map_err(unavailable)?
        .pop()
        .unwrap_or_default();
    let streets = statistics::street_headlines(&state.store, &month, now, weights)
        .await
        .map_err(unavailable)?;
    let ranking = statistics::rank(streets);
    let percent = |v: Option<f64>| v.map(|v| (v * 1000.0).round() / 10.0);
    let label = |group: &str, v: &str| lang.t(&format!("{group}.{v}"));
    Ok(Json(WallData {
        today_intake: today
            .into_iter()
            .map(|(c, n)| Named {
                name: label("channel", &c),
                value: n,
            })
            .collect(),
        open_by_state: open
            .by_state
            .iter()
            .map(|(s, n)| Named {
                name: label("state", s),
                value: *n,
            })
            .collect(),
        open,
        rates: [
            ("stats.response_rate", total.response_rate),
            ("stats.resolution_rate", total.resolution_rate),
            ("stats.satisfaction_rate", total.satisfaction_rate),
        ]
        .into_iter()
        .map(|(key, v)| Named {
            name: lang.t(key),
            value: percent(v),
        })
        .collect(),
        composite: total.composite_score,
        month,
        street_ranking: ranking
            .into_iter()
            .map(|r| Ranked {
                rank: r.rank,
                name: names::street(org, r.stats.street.as_deref().unwrap_or_default()),
                composite: r.stats.composite_score,
            })
            .collect(),
        top_categories: week
            .into_iter()
            .take(8)
            .map(|(c, n)| Named {
                name: names::category(org, &c),
                value: n,
            })
            .collect(),
        // Streets and heat only: a dot per open case (a hundred thousand in a busy district)
        // would weigh the screen down, and the wall opens no case.
        map: map_frame(&state, None).await?,
    }))
}

/// The ticker's words for a language (also checked by a test: every event type has a label).
pub fn ticker_label(lang: Lang, event_type: &str) -> String {
    lang.t(&format!("event.{event_type}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_ticker_event_has_words_in_both_languages() {
        for event in TICKER_EVENTS {
            for lang in [Lang::Zh, Lang::En] {
                assert_ne!(
                    ticker_label(lang, event),
                    format!("event.{event}"),
                    "{event}"
                );
            }
        }
    }
}
