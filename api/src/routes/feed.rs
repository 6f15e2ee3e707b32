//! `GET /events`: every event of every stream in commit order, for auditors and admins.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use shaobao_services::store::LogPosition;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access;
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::extract::ApiQuery;
use crate::openapi::ReadErrors;
use crate::server::AppState;
use crate::view::{EventView, Page};

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(events))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct FeedQuery {
    /// A position token (from an event or a command answer); events after it. Default: from the
    /// start of the log.
    after: Option<String>,
    /// Page size, 1 to 1000 (default 100).
    limit: Option<u32>,
}

/// The global feed in commit order: a reader that passes each page's `next` as `after` sees every
/// event exactly once, even one a slow transaction committed late. `next` is the last item's
/// position; `null` when the page is empty (nothing newer yet: poll again with the same `after`).
#[utoipa::path(get, path = "/events", tag = "feed", params(FeedQuery),
    responses((status = 200, body = Page<EventView>), ReadErrors))]
async fn events(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<FeedQuery>,
) -> Result<Json<Page<EventView>>, ApiError> {
    access::require_feed_reader(&actor)?;
    let after = match &query.after {
        None => LogPosition::START,
        Some(token) => token.parse().map_err(|err| {
            ApiError::bad_request("invalid_query", "after", format!("after: {err}"))
        })?,
    };
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        let message = format!("limit must be from 1 to {MAX_LIMIT}, not {limit}");
        return Err(ApiError::bad_request("invalid_query", "limit", message));
    }
    let events = state.cases.store().read_log(after, limit).await?;
    let next = events.last().map(|event| event.position.to_string());
    Ok(Json(Page {
        items: events
            .into_iter()
            .map(|e| EventView::new(e, false))
            .collect(),
        next,
    }))
}
