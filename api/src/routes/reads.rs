//! The read models over HTTP (DESIGN §6): street queue, department inbox, alerts, statistics,
//! rankings, case search and the volunteer board. Scoped per role: a dispatcher reads its street,
//! a department its inbox, hotline, auditor and admin everything. Every read takes
//! `min_position=TOKEN` and first waits (at most 5 s, then 503) until the read models have caught
//! up with that write.

use std::time::Duration;

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use shaobao_domain::Actor;
use shaobao_projections::models::deadlines::{self, AlertItem};
use shaobao_projections::models::inbox::{self, InboxItem};
use shaobao_projections::models::queue::{self, QueueItem};
use shaobao_projections::models::search::{self, CaseFilter, CaseSummary};
use shaobao_projections::models::statistics::{
    self, GroupBy, RankingRow, StatsError, StatsRow, Weights,
};
use shaobao_projections::models::volunteers::{self, BoardTask, Points};
use shaobao_projections::page::ListError;
use shaobao_projections::runtime::wait_for;
use shaobao_projections::{Page, PageRequest};
use shaobao_services::store::LogPosition;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::access;
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::extract::{ApiPath, ApiQuery};
use crate::openapi::ReadErrors;
use crate::server::AppState;

/// How long a read waits for `min_position` before answering 503.
const CATCH_UP: Duration = Duration::from_secs(5);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(street_queue))
        .routes(routes!(department_inbox))
        .routes(routes!(alerts))
        .routes(routes!(stats))
        .routes(routes!(rankings))
        .routes(routes!(search_cases))
        .routes(routes!(volunteer_board))
}

/// Paging and read-your-writes, common to every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// The `next` token of the previous page.
    page: Option<String>,
    /// At most this many items (default 50, at most 500).
    limit: Option<u32>,
    /// A command's `position`: wait until the read models include it.
    min_position: Option<String>,
}

impl ListQuery {
    fn page(&self) -> PageRequest {
        PageRequest {
            after: self.page.clone(),
            limit: self.limit.unwrap_or(50),
        }
    }
}

pub(super) async fn caught_up(
    state: &AppState,
    min_position: &Option<String>,
) -> Result<(), ApiError> {
    let Some(token) = min_position else {
        return Ok(());
    };
    let position: LogPosition = token
        .parse()
        .map_err(|e| ApiError::bad_request("invalid_query", "min_position", format!("{e}")))?;
    wait_for(&state.store, position, CATCH_UP)
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))
}

pub(super) fn list_error(err: ListError) -> ApiError {
    match err {
        ListError::Token(e) => ApiError::bad_request("invalid_query", "page", e.to_string()),
        ListError::Store(e) => e.into(),
    }
}

pub(super) fn forbidden(what: &str) -> ApiError {
    ApiError::Forbidden(format!("this token may not read {what}"))
}

/// Open cases located in the street, soonest deadline first.
#[utoipa::path(get, path = "/streets/{street}/queue", tag = "read models",
    params(("street" = String, Path, description = "Street code"), ListQuery),
    responses((status = 200, body = Page<QueueItem>), ReadErrors))]
async fn street_queue(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(street): ApiPath<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Page<QueueItem>>, ApiError> {
    if !access::may_read_queue(&actor, &street) {
        return Err(forbidden("this street's queue"));
    }
    caught_up(&state, &query.min_position).await?;
    let page = queue::street_queue(&state.store, &street, &query.page()).await;
    Ok(Json(page.map_err(list_error)?))
}

/// Cases dispatched to the department and whistles summoning it, soonest deadline first.
#[utoipa::path(get, path = "/departments/{department}/inbox", tag = "read models",
    params(("department" = String, Path, description = "Department code"), ListQuery),
    responses((status = 200, body = Page<InboxItem>), ReadErrors))]
async fn department_inbox(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiPath(department): ApiPath<String>,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Page<InboxItem>>, ApiError> {
    if !access::may_read_inbox(&actor, &department) {
        return Err(forbidden("this department's inbox"));
    }
    caught_up(&state, &query.min_position).await?;
    let page = inbox::department_inbox(&state.store, &department, &query.page()).await;
    Ok(Json(page.map_err(list_error)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct AlertQuery {
    street: Option<String>,
    department: Option<String>,
    page: Option<String>,
    limit: Option<u32>,
    min_position: Option<String>,
}

/// Approaching and breached deadlines still running, newest first. A dispatcher sees its street's,
/// a department its own.
#[utoipa::path(get, path = "/alerts", tag = "read models", params(AlertQuery),
    responses((status = 200, body = Page<AlertItem>), ReadErrors))]
async fn alerts(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<AlertQuery>,
) -> Result<Json<Page<AlertItem>>, ApiError> {
    let filter = access::alert_filter(&actor, query.street, query.department)
        .ok_or_else(|| forbidden("alerts"))?;
    caught_up(&state, &query.min_position).await?;
    let page = PageRequest {
        after: query.page,
        limit: query.limit.unwrap_or(50),
    };
    let found = deadlines::alerts(&state.store, &filter, &page).await;
    Ok(Json(found.map_err(list_error)?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct StatsQuery {
    /// street or category (case rows), department or handling_street (unit rows); rankings:
    /// any but category.
    #[serde(alias = "unit")]
    group_by: String,
    /// YYYY-MM (Asia/Shanghai); a case counts in the month it was opened.
    month: String,
    min_position: Option<String>,
}

fn may_read_statistics(actor: &Actor) -> Result<(), ApiError> {
    if access::may_read_statistics(actor) {
        Ok(())
    } else {
        Err(forbidden("statistics"))
    }
}

impl StatsQuery {
    fn group_by(&self) -> Result<GroupBy, ApiError> {
        self.group_by
            .parse()
            .map_err(|message| ApiError::bad_request("invalid_query", "group_by", message))
    }
}

/// A statistics answer: the rows (all of them, `next` always null) and the weights in force
/// (the organisation file's `[weights]`), so every figure can be recomputed.
#[derive(Debug, Serialize, ToSchema)]
struct StatsAnswer<T> {
    items: Vec<T>,
    next: Option<String>,
    weights: Weights,
}

impl<T> StatsAnswer<T> {
    fn new(items: Vec<T>, weights: Weights) -> Self {
        StatsAnswer {
            items,
            next: None,
            weights,
        }
    }
}

fn stats_error(err: StatsError) -> ApiError {
    match err {
        StatsError::BadMonth(_) => ApiError::bad_request("invalid_query", "month", err.to_string()),
        StatsError::Store(e) => e.into(),
    }
}

/// 闭环统计 per street, category, department or handling street for one month (DESIGN §4
/// "Counting rules"), with the weights in force.
#[utoipa::path(get, path = "/stats", tag = "read models", params(StatsQuery),
    responses((status = 200, body = StatsAnswer<StatsRow>), ReadErrors))]
async fn stats(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<StatsAnswer<StatsRow>>, ApiError> {
    may_read_statistics(&actor)?;
    let group_by = query.group_by()?;
    caught_up(&state, &query.min_position).await?;
    let (now, weights) = (state.clock.now(), state.org.weights);
    let rows = statistics::statistics(&state.store, group_by, &query.month, now, &weights).await;
    Ok(Json(StatsAnswer::new(rows.map_err(stats_error)?, weights)))
}

/// 亮榜: streets, departments or handling streets by composite score for one month
/// (`unit=street|department|handling_street`), with the weights in force.
#[utoipa::path(get, path = "/rankings", tag = "read models", params(StatsQuery),
    responses((status = 200, body = StatsAnswer<RankingRow>), ReadErrors))]
async fn rankings(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<StatsQuery>,
) -> Result<Json<StatsAnswer<RankingRow>>, ApiError> {
    may_read_statistics(&actor)?;
    let unit = query.group_by()?;
    if unit == GroupBy::Category {
        return Err(ApiError::bad_request(
            "invalid_query",
            "unit",
            "rankings are by street, department or handling_street",
        ));
    }
    caught_up(&state, &query.min_position).await?;
    let (now, weights) = (state.clock.now(), state.org.weights);
    let rows = statistics::rankings(&state.store, unit, &query.month, now, &weights).await;
    Ok(Json(StatsAnswer::new(rows.map_err(stats_error)?, weights)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchQuery {
    street: Option<String>,
    department: Option<String>,
    state: Option<String>,
    category: Option<String>,
    channel: Option<String>,
    /// Opened at or after (RFC 3339).
    from: Option<chrono::DateTime<chrono::Utc>>,
    /// Opened before (RFC 3339).
    until: Option<chrono::DateTime<chrono::Utc>>,
    /// Text in the description or the case id.
    q: Option<String>,
    page: Option<String>,
    limit: Option<u32>,
    min_position: Option<String>,
}

/// Every case, filtered and paged, newest first. A dispatcher searches its street, a department
/// the cases it handles or was summoned to.
#[utoipa::path(get, path = "/cases", tag = "read models", params(SearchQuery),
    responses((status = 200, body = Page<CaseSummary>), ReadErrors))]
async fn search_cases(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<Page<CaseSummary>>, ApiError> {
    let (street, department) = access::search_scope(&actor, query.street, query.department)
        .ok_or_else(|| forbidden("the case list"))?;
    caught_up(&state, &query.min_position).await?;
    let filter = CaseFilter {
        street,
        department,
        state: query.state,
        category: query.category,
        channel: query.channel,
        opened_from: query.from,
        opened_before: query.until,
        text: query.q,
    };
    let page = PageRequest {
        after: query.page,
        limit: query.limit.unwrap_or(50),
    };
    let found = search::search_cases(&state.store, &filter, &page).await;
    Ok(Json(found.map_err(list_error)?))
}

/// The volunteer board: a page of tasks open for claiming and the points confirmed so far.
#[derive(Debug, Serialize, ToSchema)]
struct VolunteerBoard {
    items: Vec<BoardTask>,
    next: Option<String>,
    points: Points,
}

/// 需求清单: tasks open for claiming, newest first, and the points confirmed per volunteer and
/// per unit. Every role but intake (resident-facing apps read public status through Open311).
#[utoipa::path(get, path = "/volunteers/board", tag = "read models", params(ListQuery),
    responses((status = 200, body = VolunteerBoard), ReadErrors))]
async fn volunteer_board(
    State(state): State<AppState>,
    Caller(actor): Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<VolunteerBoard>, ApiError> {
    if !access::may_read_board(&actor) {
        return Err(forbidden("the volunteer board"));
    }
    caught_up(&state, &query.min_position).await?;
    let board = volunteers::board(&state.store, &query.page())
        .await
        .map_err(list_error)?;
    let points = volunteers::points(&state.store).await?;
    Ok(Json(VolunteerBoard {
        items: board.items,
        next: board.next,
        points,
    }))
}
