//! `/map`: the district's streets (their boundary polygons from the organisation file, else their
//! centres), open cases as points coloured by deadline state and sized by urgency, a category
//! filter and a heat layer of the last 30 days; a point opens its case. No tiles and no internet:
//! the page script draws the vector shapes with the vendored ECharts from `/map/data`.
//!
//! A case reported without a point is drawn near its street's centre, spread by its id so cases
//! do not hide each other (the page says so).

use std::collections::BTreeMap;

use axum::extract::{Query, State};
use axum::Json;
use chrono::Duration;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use shaobao_domain::org::Organisation;
use shaobao_projections::models::queue;
use shaobao_projections::models::search;

use crate::access;
use crate::console::error::ConsoleError;
use crate::console::layout;
use crate::console::names;
use crate::console::session::Person;
use crate::server::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct MapQuery {
    category: Option<String>,
}

/// What the map script draws.
#[derive(Debug, Serialize)]
pub struct MapData {
    pub streets: Vec<StreetShape>,
    pub points: Vec<MapPoint>,
    /// `[lon, lat, cases]` per place where cases were opened in the last 30 days: cells of
    /// [`HEAT_CELL_E6`], and each street's centre for its cases without a point of their own.
    pub heat: Vec<[f64; 3]>,
    /// Category code → name, for the points' labels (a name per point would weigh megabytes).
    pub categories: BTreeMap<String, String>,
}

/// The heat layer's cell: 0.002° (about 200 m north–south in Beijing).
const HEAT_CELL_E6: i64 = 2_000;

#[derive(Debug, Serialize)]
pub struct StreetShape {
    pub code: String,
    pub name: String,
    /// `[lon, lat]` (the order map libraries use).
    pub centre: Option<[f64; 2]>,
    pub boundary: Vec<[f64; 2]>,
}

#[derive(Debug, Serialize)]
pub struct MapPoint {
    pub case_id: String,
    pub lon: f64,
    pub lat: f64,
    /// Placed near the street's centre: the case has no point of its own.
    pub approximate: bool,
    pub alert: String,
    pub urgency: String,
    /// The category's code; its name is in [`MapData::categories`].
    pub category: String,
    pub state: String,
}

pub async fn page(
    State(state): State<AppState>,
    person: Person,
    Query(query): Query<MapQuery>,
) -> Result<Markup, ConsoleError> {
    access::map_scope(&person.actor()).ok_or_else(|| ConsoleError::Forbidden("the map".into()))?;
    let lang = person.lang;
    let chosen = query.category.clone().unwrap_or_default();
    let data_url = format!(
        "/map/data?category={}",
        crate::console::error::encode(&chosen)
    );
    let body = html! {
        form.filters method="get" action="/map" {
            label { span { (lang.t("col.category")) } select name="category" {
                option value="" { (lang.t("queue.all")) }
                @for c in &state.org.categories { option value=(c.code) selected[chosen == c.code] { (c.name) } }
            } }
            button type="submit" { (lang.t("queue.filter")) }
            span.legend {
                @for level in ["running", "approaching", "breached", "supervised"] {
                    span class={ "deadline-flag flag-" (level) } { (lang.t(&format!("deadline.{level}"))) }
                }
                " · " (lang.t("map.heat"))
            }
        }
        div.map-canvas #district-map data-chart="map" data-url=(data_url)
            data-labels=(serde_json::json!({"open": lang.t("map.open"), "heat": lang.t("map.heat")}).to_string()) {}
        p.hint { (lang.t("map.approximate")) }
    };
    Ok(layout::page(
        &person,
        &state.org,
        &lang.t("map.title"),
        body,
    ))
}

pub async fn data(
    State(state): State<AppState>,
    person: Person,
    Query(query): Query<MapQuery>,
) -> Result<Json<MapData>, ConsoleError> {
    let street = access::map_scope(&person.actor())
        .ok_or_else(|| ConsoleError::Forbidden("the map".into()))?;
    let category = query.category.as_deref().filter(|c| !c.is_empty());
    Ok(Json(map_data(&state, street.as_deref(), category).await?))
}

/// The map of the district (or of one street), optionally one category only.
pub async fn map_data(
    state: &AppState,
    street: Option<&str>,
    category: Option<&str>,
) -> Result<MapData, ConsoleError> {
    let org = &state.org;
    let mut map = map_frame(state, street).await?;
    let open = queue::map_points(&state.store, category).await?;
    let in_scope = |s: &str| street.is_none_or(|own| own == s);
    let categories = &mut map.categories;
    map.points = open
        .into_iter()
        .filter(|p| in_scope(&p.street))
        .filter_map(|p| {
            let (lon, lat, approximate) = place(org, &p.case_id, &p.street, p.lat, p.lon)?;
            categories
                .entry(p.category.clone())
                .or_insert_with(|| names::category(org, &p.category));
            Some(MapPoint {
                lon,
                lat,
                approximate,
                category: p.category,
                case_id: p.case_id,
                alert: p.alert,
                urgency: p.urgency,
                state: p.state,
            })
        })
        .collect();
    Ok(map)
}

/// The map without its points: the streets and where the last 30 days' cases came from (the
/// wall screen's map).
pub async fn map_frame(state: &AppState, street: Option<&str>) -> Result<MapData, ConsoleError> {
    let org = &state.org;
    let since = state.clock.now() - Duration::days(30);
    let recent = search::heat_cells(&state.store, since, HEAT_CELL_E6).await?;
    let in_scope = |s: &str| street.is_none_or(|own| own == s);
    let heat = recent
        .into_iter()
        .filter(|cell| in_scope(&cell.street))
        .filter_map(|cell| {
            let (lon, lat) = match (cell.lon, cell.lat) {
                (Some(lon), Some(lat)) => (lon, lat),
                _ => org
                    .street(&cell.street)?
                    .centre
                    .map(|[lat, lon]| (lon, lat))?,
            };
            Some([lon, lat, cell.cases as f64])
        })
        .collect();
    let streets = org
        .streets
        .iter()
        .filter(|s| in_scope(&s.code))
        .map(|s| StreetShape {
            code: s.code.clone(),
            name: s.name.clone(),
            centre: s.centre.map(|[lat, lon]| [lon, lat]),
            boundary: s.boundary.iter().map(|[lat, lon]| [*lon, *lat]).collect(),
        })
        .collect();
    Ok(MapData {
        streets,
        points: Vec::new(),
        heat,
        categories: BTreeMap::new(),
    })
}

/// `(lon, lat, approximate)`: the case's own point, else near its street's centre.
fn place(
    org: &Organisation,
    case_id: &str,
    street: &str,
    lat: Option<f64>,
    lon: Option<f64>,
) -> Option<(f64, f64, bool)> {
    if let (Some(lat), Some(lon)) = (lat, lon) {
        return Some((lon, lat, false));
    }
    let [lat, lon] = org.street(street)?.centre?;
    let (dx, dy) = spread(case_id);
    Some((lon + dx * 0.0035, lat + dy * 0.0025, true))
}

/// Two numbers in [-1, 1] from the id (FNV-1a), stable across requests and nodes.
fn spread(id: &str) -> (f64, f64) {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let unit = |bits: u64| (bits & 0xffff) as f64 / 32767.5 - 1.0;
    (unit(hash), unit(hash >> 16))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_without_a_point_spread_stably_around_the_centre() {
        let a = spread("6f4f6cfc-9976-445a-9a38-123ce1fe504a");
        assert_eq!(a, spread("6f4f6cfc-9976-445a-9a38-123ce1fe504a"));
        assert_ne!(a, spread("7139e392-7746-44c0-a704-c0bf020afccc"));
        assert!((-1.0..=1.0).contains(&a.0) && (-1.0..=1.0).contains(&a.1));
    }
}
