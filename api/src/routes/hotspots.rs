//! Duplicates and hot spots over HTTP (DESIGN §6): the similar-case finder for a case and for a
//! draft at intake, hot-spot clusters and monthly topics. Hotline, auditor and admin read every
//! street; a dispatcher its own.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use shaobao_domain::case::Location;
use shaobao_domain::similar::Request;
use shaobao_domain::Actor;
use shaobao_projections::models::hotspots::{
    self, Cluster, ClusterQuery, MonthlyTopics, SimilarCase, SimilarQuery,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::cases::readable_case;
use super::reads::{caught_up, forbidden};
use crate::access;
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::openapi::ReadErrors;
use crate::server::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(similar_to_case))
        .routes(routes!(similar_to_draft))
        .routes(routes!(hotspot_clusters))
        .routes(routes!(monthly_topics))
}

/// Similar cases, best first.
#[derive(Debug, Serialize, ToSchema)]
struct Similar {
    items: Vec<SimilarCase>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SimilarParams {
    /// At most this many (default 5, at most 50).
    limit: Option<usize>,
    /// Look back this many days (default: the organisation's `hotspots.window_days`, 30).
    days: Option<u32>,
    min_position: Option<String>,
}

/// A street's hot spots and similar cases: its dispatcher, and those who read everything.
fn may_read_street(actor: &Actor, street: &str) -> Result<(), ApiError> {
    if access::may_read_queue(actor, street) {
        Ok(())
    } else {
        Err(forbidden("this street's similar cases and hot spots"))
    }
}

impl SimilarParams {
    fn query(&self, state: &AppState, draft: Request, exclude: Option<String>) -> SimilarQuery {
        SimilarQuery {
            draft,
            exclude,
            now: state.clock.now(),
            window_days: self.days.unwrap_or(state.org.hotspots.window_days),
            limit: self.limit.unwrap_or(5).clamp(1, 50),
        }
    }
}

/// 类案 Cases like this one: the same street, the last days (`days`), scored in [0, 1] by category,
/// distance, address or community and description, each with its `reasons`.
#[utoipa::path(get, path = "/cases/{id}/similar", tag = "duplicates and hot spots",
    params(("id" = String, Path, description = "Case id"), SimilarParams),
    responses((status = 200, body = Similar), ReadErrors))]
async fn similar_to_case(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<SimilarParams>,
) -> Result<Json<Similar>, ApiError> {
    let case = readable_case(&state, &actor, &id).await?;
    let intake = case
        .aggregate
        .intake()
        .ok_or_else(|| ApiError::Internal(format!("case {id} was never opened")))?;
    may_read_street(&actor, &intake.location.street)?;
    caught_up(&state, &params.min_position).await?;
    let draft = request(&intake.category, &intake.description, &intake.location);
    let query = params.query(&state, draft, Some(id));
    let items = hotspots::similar_cases(&state.store, &query).await?;
    Ok(Json(Similar { items }))
}

/// A case as drafted at intake (`category`, `description`, `location` with at least `street`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct Draft {
    category: Option<String>,
    #[serde(default)]
    description: String,
    location: Option<Location>,
}

/// 类案 Cases like a draft at intake, before it is opened: the same answer as for a case.
#[utoipa::path(post, path = "/cases/similar", tag = "duplicates and hot spots",
    params(SimilarParams), request_body = Draft,
    responses((status = 200, body = Similar), ReadErrors))]
async fn similar_to_draft(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(params): ApiQuery<SimilarParams>,
    ApiJson(draft): ApiJson<Draft>,
) -> Result<Json<Similar>, ApiError> {
    let category = draft
        .category
        .filter(|c| !c.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("invalid_body", "category", "category is required"))?;
    let location = draft
        .location
        .filter(|l| !l.street.trim().is_empty())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_body",
                "location.street",
                "location.street is required",
            )
        })?;
    if state.org.category(&category).is_none() {
        let message = format!("category: `{category}` is not in the organisation");
        return Err(ApiError::bad_request(
            "unknown_reference",
            "category",
            message,
        ));
    }
    if state.org.street(&location.street).is_none() {
        let message = format!(
            "location.street: `{}` is not in the organisation",
            location.street
        );
        return Err(ApiError::bad_request(
            "unknown_reference",
            "location.street",
            message,
        ));
    }
    may_read_street(&actor, &location.street)?;
    caught_up(&state, &params.min_position).await?;
    let query = params.query(
        &state,
        request(&category, &draft.description, &location),
        None,
    );
    let items = hotspots::similar_cases(&state.store, &query).await?;
    Ok(Json(Similar { items }))
}

fn request(category: &str, description: &str, location: &Location) -> Request {
    Request {
        category: category.to_string(),
        street: location.street.clone(),
        community: location.community.clone(),
        address: location.address.clone(),
        lat: location.lat,
        lon: location.lon,
        description: description.to_string(),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct HotspotParams {
    /// One street (a dispatcher always reads its own).
    street: Option<String>,
    /// The window in days (default `hotspots.window_days`).
    days: Option<u32>,
    /// Clusters of at least this many cases (default `hotspots.repeat_threshold`).
    min_count: Option<u32>,
    min_position: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
struct Clusters {
    items: Vec<Cluster>,
}

/// The street a caller reads: the one asked for (checked), or a dispatcher's own.
fn street_of(actor: &Actor, asked: Option<String>) -> Result<Option<String>, ApiError> {
    let street = asked.or_else(|| actor.street().map(str::to_string));
    match &street {
        Some(street) => may_read_street(actor, street)?,
        None if access::may_read_queue(actor, "") => {}
        None => return Err(forbidden("hot spots")),
    }
    Ok(street)
}

/// 高频诉求 Hot spots: clusters of requests of one category at one place in the window, largest
/// first. Clusters of at least `repeat_threshold` are repeat warnings.
#[utoipa::path(get, path = "/hotspots", tag = "duplicates and hot spots", params(HotspotParams),
    responses((status = 200, body = Clusters), ReadErrors))]
async fn hotspot_clusters(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(params): ApiQuery<HotspotParams>,
) -> Result<Json<Clusters>, ApiError> {
    let street = street_of(&actor, params.street)?;
    caught_up(&state, &params.min_position).await?;
    let settings = &state.org.hotspots;
    let query = ClusterQuery {
        street,
        now: state.clock.now(),
        days: params.days.unwrap_or(settings.window_days).max(1),
        min_count: params.min_count.unwrap_or(settings.repeat_threshold).max(1),
    };
    let items = hotspots::clusters(&state.store, settings, &query).await?;
    Ok(Json(Clusters { items }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct MonthlyParams {
    /// YYYY-MM (Asia/Shanghai).
    month: String,
    street: Option<String>,
    min_position: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
struct Topics {
    items: Vec<MonthlyTopics>,
}

/// 每月一题 Monthly topics: per street, the top categories and places of a month with the change
/// from the month before.
#[utoipa::path(get, path = "/hotspots/monthly", tag = "duplicates and hot spots",
    params(MonthlyParams), responses((status = 200, body = Topics), ReadErrors))]
async fn monthly_topics(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(params): ApiQuery<MonthlyParams>,
) -> Result<Json<Topics>, ApiError> {
    let street = street_of(&actor, params.street)?;
    caught_up(&state, &params.min_position).await?;
    let items = hotspots::monthly(
        &state.store,
        &state.org.hotspots,
        &params.month,
        street.as_deref(),
    )
    .await?
    .ok_or_else(|| ApiError::bad_request("invalid_query", "month", "month must be YYYY-MM"))?;
    Ok(Json(Topics { items }))
}
