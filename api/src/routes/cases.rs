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
/// The requester's name and phone are masked unless the caller is the hotline, an auditor, an
/// admin, the case's street or its current handling unit (DESIGN §1); a street's or department's
/// unmasked read is written to the access log (`GET /api/v1/audit/access`).
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
    let view = view(&state, &id, &case, &actor, "GET /api/v1/cases/{id}").await?;
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
    let case = readable_case(&state, &actor, &id).await?;
    let route = "GET /api/v1/cases/{id}/events";
    let mask = !access::shows_requester(&state, &id, &case.aggregate, &actor, route).await?;
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
    // Who sees the requester follows the case as it stands now (its current handling unit).
    let route = "GET /api/v1/cases/{id}/state";
    let shown = access::shows_requester(&state, &id, &current.aggregate, &actor, route).await?;
    Ok(Json(case_view(&id, &then, shown)?))
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

async fn view(
    state: &AppState,
    id: &str,
    case: &Replayed<Case>,
    actor: &Actor,
    route: &str,
) -> Result<CaseView, ApiError> {
    let shown = access::shows_requester(state, id, &case.aggregate, actor, route).await?;
    case_view(id, case, shown)
}

fn case_view(id: &str, case: &Replayed<Case>, shown: bool) -> Result<CaseView, ApiError> {
    CaseView::new(id, case, !shown)
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
