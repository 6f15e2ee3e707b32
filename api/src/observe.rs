//! One middleware around every request: the request id (taken from `X-Request-Id` or made up,
//! returned in the answer, and used as the correlation id of commands), a tracing span carrying it,
//! one log line per request (5xx at error level, with the error), and the request metrics.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

use crate::api_error::LoggedError;
use crate::metrics::Metrics;

const REQUEST_ID: &str = "x-request-id";
/// Longest client-chosen request id kept; longer or odd ones are replaced.
const MAX_REQUEST_ID_CHARS: usize = 128;

/// The request's id, in the request's extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    /// The id of the request `parts` belong to.
    pub fn of(parts: &Parts) -> String {
        parts
            .extensions
            .get::<RequestId>()
            .map_or_else(new_id, |id| id.0.clone())
    }
}

pub async fn observe(
    State(metrics): State<Arc<Metrics>>,
    mut request: Request,
    next: Next,
) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| usable(id))
        .map_or_else(new_id, str::to_string);
    request.extensions_mut().insert(RequestId(id.clone()));
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_string();
    let method = request.method().clone();
    let span = tracing::info_span!("request", request_id = %id, %method, %route);
    let started = Instant::now();
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status();
    let error = response
        .extensions()
        .get::<LoggedError>()
        .map(|e| e.0.as_str());
    let millis = elapsed.as_secs_f64() * 1000.0;
    let _entered = span.enter();
    if status.is_server_error() {
        tracing::error!(status = status.as_u16(), millis, error, "request failed");
    } else {
        tracing::info!(status = status.as_u16(), millis, error, "request");
    }
    metrics.observe_request(method.as_str(), &route, status.as_u16(), elapsed);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

/// Visible ASCII only, so the id is safe in a header and a log line.
fn usable(id: &str) -> bool {
    !id.is_empty() && id.len() <= MAX_REQUEST_ID_CHARS && id.bytes().all(|b| b.is_ascii_graphic())
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}
