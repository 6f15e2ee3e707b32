//! Commands that create: `POST /cases` (open a case) and `POST /visits` (record a household visit,
//! opening a case per finding). Both answer 201.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use shaobao_domain::case::OpenCase;
use shaobao_services::cases::VisitReport;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api_error::ApiError;
use crate::command_routes::outcome_label;
use crate::extract::{ApiJson, CommandContext};
use crate::openapi::{CommandErrors, CommandHeaders};
use crate::server::AppState;
use crate::view::{CommandAnswer, VisitAnswer};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(open_case))
        .routes(routes!(record_visit))
}

/// 受理 Open a case (hotline, intake, volunteer anywhere; a dispatcher in its street; the domain
/// refuses other roles). With an Idempotency-Key the case id is derived from it, so a retry answers the same case.
#[utoipa::path(post, path = "/cases", tag = "commands", params(CommandHeaders),
    request_body = OpenCase,
    responses((status = 201, body = CommandAnswer, description = "Opened"), CommandErrors))]
async fn open_case(
    State(state): State<AppState>,
    context: CommandContext,
    ApiJson(body): ApiJson<OpenCase>,
) -> Result<(StatusCode, Json<CommandAnswer>), ApiError> {
    let CommandContext { actor, request } = context;
    let result = state.cases.open(&actor, body, &request).await;
    let result = result.map_err(ApiError::from);
    let outcome = outcome_label(&result, |o| o.repeated);
    state.metrics.observe_command("open", outcome);
    Ok((StatusCode::CREATED, Json(CommandAnswer::from(&result?))))
}

/// 入户走访 Record a household visit; each finding opens a case linked to the visit (volunteer,
/// hotline, the street's dispatcher).
#[utoipa::path(post, path = "/visits", tag = "commands", params(CommandHeaders),
    request_body = VisitReport,
    responses((status = 201, body = VisitAnswer, description = "Recorded"), CommandErrors))]
async fn record_visit(
    State(state): State<AppState>,
    context: CommandContext,
    ApiJson(report): ApiJson<VisitReport>,
) -> Result<(StatusCode, Json<VisitAnswer>), ApiError> {
    let CommandContext { actor, request } = context;
    let result = state.cases.record_visit(&actor, report, &request).await;
    let result = result.map_err(ApiError::from);
    let outcome = outcome_label(&result, |o| o.visit.repeated);
    state.metrics.observe_command("visit", outcome);
    let outcome = result?;
    let position = outcome
        .cases
        .iter()
        .map(|case| case.position)
        .chain([outcome.visit.position])
        .max()
        .unwrap_or(outcome.visit.position);
    Ok((
        StatusCode::CREATED,
        Json(VisitAnswer {
            visit_id: outcome.visit.aggregate_id,
            version: outcome.visit.version,
            position: position.to_string(),
            case_ids: outcome.cases.into_iter().map(|c| c.aggregate_id).collect(),
        }),
    ))
}
