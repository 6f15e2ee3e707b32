//! The routes under `/open311/v2/`. Each resource is one path segment ending in its format
//! (`services.json`, `requests/{id}.xml`); handlers pick the answer and leave format, status and
//! errors to [`Resource::answer`].

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequestParts, OriginalUri, Path, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::document::Document;
use super::error::Open311Error;
use super::format::Format;
use super::intake::{submit, Submission};
use super::{catalogue, discovery, requests};
use crate::api_error::ApiError;
use crate::server::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/{file}", get(read).post(write))
        .route("/services/{file}", get(service_definition))
        .route("/requests/{file}", get(service_request))
        .route("/tokens/{file}", get(token))
        .fallback(unknown)
}

/// `discovery`, `services`, `requests`.
async fn read(
    State(state): State<AppState>,
    resource: Resource,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let answer = match resource.name.as_str() {
        "discovery" => Ok(discovery::discovery(&state.org, &headers)),
        "services" => Ok(catalogue::services(&state.org)),
        "requests" => requests::list(&state, query.as_deref()).await,
        _ => Err(resource.not_found()),
    };
    resource.answer(answer)
}

/// `POST requests`.
async fn write(
    State(state): State<AppState>,
    resource: Resource,
    submission: Submission,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let answer = match resource.name.as_str() {
        "requests" => submit(&state, submission, body).await,
        _ => Err(resource.not_found()),
    };
    resource.answer(answer)
}

async fn service_definition(State(state): State<AppState>, resource: Resource) -> Response {
    resource.answer(catalogue::definition(&state.org, &resource.name))
}

async fn service_request(
    State(state): State<AppState>,
    resource: Resource,
    RawQuery(query): RawQuery,
) -> Response {
    resource.answer(requests::one(&state, &resource.name, query.as_deref()).await)
}

async fn token(State(state): State<AppState>, resource: Resource) -> Response {
    resource.answer(requests::token(&state, &resource.name).await)
}

/// Any other path under `/open311/v2/`: 404 in the format its extension names (XML, the format
/// GeoReport v2 requires, without one).
async fn unknown(OriginalUri(uri): OriginalUri) -> Response {
    let last = uri.path().rsplit('/').next().unwrap_or_default();
    let format = Format::split(last).map_or(Format::Xml, |(_, format)| format);
    Open311Error::NotFound(format!("no such resource: {}", uri.path())).respond(format)
}

/// The resource a path names: `{name}.{json|xml}` in its last segment.
pub struct Resource {
    name: String,
    format: Format,
}

impl Resource {
    fn answer(&self, answer: Result<Document, Open311Error>) -> Response {
        match answer {
            Ok(document) => self.format.respond(StatusCode::OK, &document),
            Err(err) => err.respond(self.format),
        }
    }

    fn not_found(&self) -> Open311Error {
        Open311Error::NotFound(format!("no such resource: {}", self.name))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Resource {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(file) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| {
                Open311Error::from(ApiError::from(rejection)).respond(Format::Xml)
            })?;
        match Format::split(&file) {
            Some((name, format)) => Ok(Resource {
                name: name.to_string(),
                format,
            }),
            None => Err(Open311Error::NotFound(format!(
                "no such resource: {file} (name it with .json or .xml)"
            ))
            .respond(Format::Xml)),
        }
    }
}
