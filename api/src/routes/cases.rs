//! Reading one case: as it stands, its history, and as it stood at an earlier version. Each is
//! scoped: a token reads only the cases its role covers (see `access::require_may_read`).

use axum::extract::State;
use axum::http::header::{ETAG, IF_NONE_MATCH};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use shaobao_domain::{Actor, Case};
use shaobao_services::history::Replayed;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access;
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::ReadErrors;
use crate::server::AppState;
use crate::view::{CaseView, EventView, Page};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_case))
        .routes(routes!(case_events))
        .routes(routes!(case_state))
}

/// The case as it stands, with `ETag: "<version>"`; `If-None-Match` with that tag answers 304.
/// Departments and volunteers see the requester's name and phone masked.
#[utoipa::path(get, path = "/cases/{id}", tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses(
        (status = 200, body = CaseView, headers(("ETag" = String, description = "\"<version>\""))),
        (status = 304, description = "The case is still at the version named in If-None-Match"),
        ReadErrors))]
async fn get_case(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let case = readable_case(&state, &actor, &id).await?;
    let etag = format!("\"{}\"", case.version);
    if matches_etag(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, [(ETAG, etag)]).into_response());
    }
    let view = view(&id, &case, &actor)?;
    Ok(([(ETAG, etag)], Json(view)).into_response())
}

/// The case's events in order, with log positions, metadata (actor, command id, time, correlation
/// id) and chain hashes. `next` is always null: the whole history is one page.
#[utoipa::path(get, path = "/cases/{id}/events", tag = "cases",
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = Page<EventView>), ReadErrors))]
async fn case_events(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Page<EventView>>, ApiError> {
    readable_case(&state, &actor, &id).await?;
    let mask = !access::sees_requester(&actor);
    let events = state.cases.store().history("case", &id).await?;
    Ok(Json(Page {
        items: events
            .into_iter()
            .map(|e| EventView::new(e, mask))
            .collect(),
        next: None,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct VersionQuery {
    /// A version from 1 to the case's current version.
    version: i64,
}

/// The case replayed from its first `version` events: what it looked like then.
#[utoipa::path(get, path = "/cases/{id}/state", tag = "cases",
    params(("id" = String, Path, description = "Case id"), VersionQuery),
    responses((status = 200, body = CaseView), ReadErrors))]
async fn case_state(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<VersionQuery>,
) -> Result<Json<CaseView>, ApiError> {
    let current = readable_case(&state, &actor, &id).await?;
    let version = query.version;
    if version < 1 {
        let message = format!("version must be at least 1, not {version}");
        return Err(ApiError::bad_request("invalid_query", "version", message));
    }
    if version > current.version {
        return Err(ApiError::NotFound {
            message: format!(
                "the case is at version {}, not yet {version}",
                current.version
            ),
            field: Some("version".into()),
        });
    }
    let then = state
        .cases
        .case_at(&id, Some(version))
        .await?
        .ok_or_else(|| ApiError::Internal(format!("case {id} has no version {version}")))?;
    Ok(Json(view(&id, &then, &actor)?))
}

/// The case as it stands, if it exists and the caller may read it.
pub(super) async fn readable_case(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<Replayed<Case>, ApiError> {
    let case =
        state.cases.case(id).await?.ok_or_else(|| {
            ApiError::not_found(format!("no case has been opened under id {id:?}"))
        })?;
    access::require_may_read(actor, &case.aggregate)?;
    Ok(case)
}

fn view(id: &str, case: &Replayed<Case>, actor: &Actor) -> Result<CaseView, ApiError> {
    CaseView::new(id, case, !access::sees_requester(actor))
        .ok_or_else(|| ApiError::Internal(format!("case {id} has events but was never opened")))
}

/// `If-None-Match: "3"`, a list of tags, or `*`.
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}
