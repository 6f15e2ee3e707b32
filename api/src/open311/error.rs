//! Open311 errors, in one place: GeoReport v2 answers a list of `{code, description}` (XML
//! `<errors><error><code/><description/></error></errors>`), `code` being the HTTP status:
//! 403 for a missing or bad `api_key`, 404 for an unknown resource, 400 for anything else the
//! client got wrong. Errors from the rest of the API keep the status [`ApiError`] gives them.

use axum::http::StatusCode;
use axum::response::Response;

use super::document::{Document, Node};
use super::format::Format;
use crate::api_error::{ApiError, LoggedError};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Open311Error {
    #[error("{0}")]
    BadRequest(String),
    /// `api_key` missing, unknown, or not an intake key.
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    /// A refusal or failure from the case service or the store (a domain refusal, a reused
    /// Idempotency-Key, an unreachable store).
    #[error(transparent)]
    Api(#[from] ApiError),
}

impl Open311Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Open311Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Open311Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Open311Error::NotFound(_) => StatusCode::NOT_FOUND,
            Open311Error::Api(err) => err.status(),
        }
    }

    /// The error list in `format`. Internal details stay in the log.
    pub fn respond(self, format: Format) -> Response {
        let status = self.status();
        let description = match &self {
            Open311Error::Api(ApiError::Internal(_)) => "internal error; see the server log".into(),
            other => other.to_string(),
        };
        let error = Node::Object(vec![
            ("code", Node::Int(i64::from(status.as_u16()))),
            ("description", Node::Text(description)),
        ]);
        let document = Document::new("errors", Node::list("error", [error]));
        let mut response = format.respond(status, &document);
        response
            .extensions_mut()
            .insert(LoggedError(self.to_string()));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_error_is_a_list_of_one_code_and_description() {
        let response =
            Open311Error::Forbidden("api_key was not provided".into()).respond(Format::Json);
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        assert_eq!(
            std::str::from_utf8(&body).unwrap(),
            r#"[{"code":403,"description":"api_key was not provided"}]"#
        );
    }

    #[tokio::test]
    async fn internal_details_stay_out_of_the_answer() {
        let err = Open311Error::Api(ApiError::Internal("pool exploded at 10.0.0.7".into()));
        let response = err.respond(Format::Xml);
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = axum::body::to_bytes(response.into_body(), 1 << 16)
            .await
            .unwrap();
        assert!(std::str::from_utf8(&body).unwrap().ends_with(
            "<errors><error><code>500</code><description>internal error; see the server log</description></error></errors>"
        ));
    }
}
