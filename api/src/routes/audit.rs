//! `GET /audit/access`: the access log of personal data (DESIGN §1), for auditors.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use shaobao_services::access_log::{PersonalDataRead, ReadFilter};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access;
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::extract::ApiQuery;
use crate::openapi::ReadErrors;
use crate::server::AppState;
use crate::view::Page;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(access_log))
}

const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AccessQuery {
    /// Only reads of this case.
    case_id: Option<String>,
    /// Only reads by this actor (token or account id).
    actor_id: Option<String>,
    /// The `next` of the previous page.
    after: Option<i64>,
    /// 1 to 1000 (default 100).
    limit: Option<i64>,
}

/// Every unmasked read of a requester's name and phone by a street or a department, oldest first:
/// who, which case, when, through which route. Auditors only.
#[utoipa::path(get, path = "/audit/access", tag = "audit", params(AccessQuery),
    responses((status = 200, body = Page<PersonalDataRead>), ReadErrors))]
async fn access_log(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<AccessQuery>,
) -> Result<Json<Page<PersonalDataRead>>, ApiError> {
    access::require_access_log_reader(&actor)?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        let message = format!("limit must be 1 to {MAX_LIMIT}, not {limit}");
        return Err(ApiError::bad_request("invalid_query", "limit", message));
    }
    let filter = ReadFilter {
        case_id: query.case_id,
        actor_id: query.actor_id,
        after: query.after,
        limit,
    };
    let items = state.access_log.reads(&filter).await?;
    let next = match items.last() {
        Some(last) if items.len() as i64 == limit => Some(last.id.to_string()),
        _ => None,
    };
    Ok(Json(Page { items, next }))
}
