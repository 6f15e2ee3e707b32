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

/// Why the server is degraded: a read model more than `--ready-max-lag-seconds` behind the log
/// (its readers see stale lists; commands still work, so the node stays in the pool).
async fn lagging(state: &AppState) -> Option<String> {
    let bound = state.ready_max_lag.as_secs_f64();
    let lags = shaobao_projections::lag::lags(&state.store, state.clock.now())
        .await
        .ok()?;
    let behind: Vec<String> = lags
        .iter()
        .filter(|lag| lag.seconds > bound)
        .map(|lag| {
            format!(
                "{} {:.0} s ({} events)",
                lag.projection.as_str(),
                lag.seconds,
                lag.events
            )
        })
        .collect();
    (!behind.is_empty()).then(|| {
        format!(
            "read models behind the log by more than {bound:.0} s: {}",
            behind.join(", ")
        )
    })
}

/// The store answers a round trip: 200 `{"status":"ready","store":"postgres|sqlite","node":…,
/// "leases":[…]}` (or `"degraded"` with a `reason` when a read model lags too far behind the log),
/// else 503. `node` is this node's id, `leases` the singleton jobs it runs now
/// (`projection:<name>`, `deadline-service`, `relay`).
/// With NATS configured, `relay` reports the relay (connected, leader, lag_events,
/// last_publish_at, published_up_to, last_error); a lagging or disconnected relay does not make
/// the server unready, since commands never wait for NATS.
#[utoipa::path(get, path = "/health/ready", tag = "operations", security(()),
    responses(
        (status = 200, description = "`{\"status\": \"ready\", \"store\": \"postgres|sqlite\", \"node\": \"node1\", \"leases\": [\"relay\", …], \"relay\"?: {…}}`"),
        (status = 503, description = "The store does not answer")))]
pub async fn ready(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let store = state.store.backend_name();
    let failure = match tokio::time::timeout(READY_TIMEOUT, state.store.ping()).await {
        Ok(Ok(())) => {
            let mut body = json!({
                "status": "ready",
                "store": store,
                "node": state.node.id,
                "leases": state.node.leases.jobs(),
            });
            if let Some(relay) = &state.relay {
                body["relay"] = json!(relay.report());
            }
            if let Some(reason) = lagging(&state).await {
                body["status"] = json!("degraded");
                body["reason"] = json!(reason);
            }
            return (StatusCode::OK, Json(body));
        }
        Ok(Err(err)) => err.to_string(),
        Err(_) => format!("no answer from the store within {READY_TIMEOUT:?}"),
    };
    tracing::warn!(store, error = %failure, "not ready");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({
            "status": "unavailable",
            "store": store,
            "node": state.node.id,
            "error": failure,
        })),
    )
}
