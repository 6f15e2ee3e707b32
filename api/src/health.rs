//! `GET /health/live` and `GET /health/ready`.

use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::server::AppState;

/// How long readiness waits for the store before it answers 503.
const READY_TIMEOUT: Duration = Duration::from_secs(3);

/// The process is up and serving HTTP.
#[utoipa::path(get, path = "/health/live", tag = "operations", security(()),
    responses((status = 200, description = "`{\"status\": \"live\"}`")))]
pub async fn live() -> Json<Value> {
    Json(json!({ "status": "live" }))
}

/// The store answers a round trip: 200 `{"status":"ready","store":"postgres|sqlite"}`, else 503.
/// With NATS configured, `relay` reports the relay (connected, leader, lag_events,
/// last_publish_at, published_up_to, last_error); a lagging or disconnected relay does not make
/// the server unready, since commands never wait for NATS.
#[utoipa::path(get, path = "/health/ready", tag = "operations", security(()),
    responses(
        (status = 200, description = "`{\"status\": \"ready\", \"store\": \"postgres|sqlite\", \"relay\"?: {…}}`"),
        (status = 503, description = "The store does not answer")))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store = state.store.backend_name();
    let failure = match tokio::time::timeout(READY_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => {
            let mut body = json!({ "status": "ready", "store": store });
            if let Some(relay) = &state.relay {
                body["relay"] = json!(relay.report());
            }
            return (StatusCode::OK, Json(body));
        }
        Ok(Err(err)) => err.to_string(),
        Err(_) => format!("no answer from the store within {READY_TIMEOUT:?}"),
    };
    tracing::warn!(store, error = %failure, "not ready");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "unavailable", "store": store, "error": failure })),
    )
}
