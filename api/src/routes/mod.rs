//! The `/api/v1` routes, one module per resource. A module exposes `routes()`, and is registered
//! with one line in [`api`]; its `#[utoipa::path]` handlers land in the OpenAPI document.

mod audit;
mod cases;
mod commands;
mod community;
mod feed;
mod hotspots;
mod intake;
mod org;
mod reads;

use utoipa_axum::router::OpenApiRouter;

use crate::server::AppState;

/// Everything under `/api/v1`.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(intake::routes())
        .merge(audit::routes())
        .merge(commands::routes())
        .merge(cases::routes())
        .merge(feed::routes())
        .merge(org::routes())
        .merge(reads::routes())
        .merge(community::routes())
        .merge(hotspots::routes())
}
