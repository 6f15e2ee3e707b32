//! `GET /org`: the organisation's reference data, for any token.

use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Caller;
use crate::openapi::ReadErrors;
use crate::server::AppState;
use crate::view::OrgView;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(org))
}

/// Streets with their communities and grids, departments, and request categories with their
/// default urgency and department.
#[utoipa::path(get, path = "/org", tag = "org", responses((status = 200, body = OrgView), ReadErrors))]
async fn org(State(state): State<AppState>, _caller: Caller) -> Json<OrgView> {
    Json(OrgView::from(state.org.as_ref()))
}
