//! Every HTTP error answer, in one place: the status, and the body
//! `{"error": {"code": "...", "message": "...", "field": "..."}}` (DESIGN §6).
//!
//! Client mistakes are always 4xx: every extractor rejection is mapped here, and anything not
//! recognised falls back to 400, never to a 5xx.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

mod from;

pub use from::DomainRefusal;

/// Largest request body accepted (413 beyond).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// 400: the request is malformed or names something that does not exist.
    #[error("{message}")]
    BadRequest {
        code: &'static str,
        message: String,
        field: Option<String>,
    },
    /// 401: no bearer token, or one that was never issued.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: the token's role or scope does not cover this.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such route, case, whistle, task or version.
    #[error("{message}")]
    NotFound {
        message: String,
        field: Option<String>,
    },
    #[error("method not allowed on this path")]
    MethodNotAllowed,
    /// 409: the case's state refuses the command, or concurrent writers kept winning.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// 412: `If-Match` names another version than the case has.
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("the request body is larger than {MAX_BODY_BYTES} bytes")]
    PayloadTooLarge,
    /// 503: the store cannot be reached; the client may retry.
    #[error("{0}")]
    Unavailable(String),
    /// 500: a bug or corrupt data; the details go to the log only.
    #[error("{0}")]
    Internal(String),
}

/// The error body, as documented in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `invalid_json`, `invalid_body`, `invalid`, `unknown_reference`,
    /// `invalid_header`, `invalid_query`, `invalid_path`, `unauthorized`, `forbidden`,
    /// `not_found`, `method_not_allowed`, `refused`, `conflict`, `idempotency_key_reused`,
    /// `version_mismatch`, `payload_too_large`, `unavailable`, `internal`.
    pub code: &'static str,
    pub message: String,
    /// The request field at fault (a JSON path such as `location.street`, a header, a query or
    /// path parameter), when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The message of an error answer, left in the response for the request log.
#[derive(Debug, Clone)]
pub struct LoggedError(pub String);

impl ApiError {
    pub fn bad_request(
        code: &'static str,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ApiError::BadRequest {
            code,
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound { .. } => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Conflict { .. } => StatusCode::CONFLICT,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::BadRequest { code, .. } | ApiError::Conflict { code, .. } => code,
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::NotFound { .. } => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::PreconditionFailed(_) => "version_mismatch",
            ApiError::PayloadTooLarge => "payload_too_large",
            ApiError::Unavailable(_) => "unavailable",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadRequest { field, .. } | ApiError::NotFound { field, .. } => {
                field.as_deref()
            }
            _ => None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::NotFound {
            message: message.into(),
            field: None,
        }
    }

    /// Puts `prefix` in front of the field at fault (`findings[2]` + `category`).
    fn within(self, prefix: &str) -> Self {
        match self {
            ApiError::BadRequest {
                code,
                message,
                field,
            } => ApiError::BadRequest {
                code,
                message: format!("{prefix}: {message}"),
                field: Some(field.map_or(prefix.to_string(), |f| format!("{prefix}.{f}"))),
            },
            other => other,
        }
    }

    /// A request body `text` that is not valid JSON or does not fit the body type.
    pub fn from_json(text: &[u8], err: serde_path_to_error::Error<serde_json::Error>) -> Self {
        // serde_json reports some misfits as syntax errors (a number where an enum is expected),
        // so tell them apart by whether the text is JSON at all.
        Self::if_not_json(text).unwrap_or_else(|| {
            let path = err.path().to_string();
            Self::misfit("invalid_body", &path, &err.into_inner().to_string())
        })
    }

    /// A string of the body at `field` holds a control character (other than line breaks and tabs).
    pub fn control_character(field: String) -> Self {
        ApiError::BadRequest {
            code: "invalid",
            message: format!(
                "{field} holds a control character; only line breaks and tabs are allowed"
            ),
            field: Some(field),
        }
    }

    /// A request body `text` that is not a JSON object.
    pub fn not_an_object(text: &[u8]) -> Self {
        Self::if_not_json(text).unwrap_or_else(|| ApiError::BadRequest {
            code: "invalid_body",
            message: "the body must be a JSON object".into(),
            field: None,
        })
    }

    fn if_not_json(text: &[u8]) -> Option<Self> {
        let syntax = serde_json::from_slice::<serde::de::IgnoredAny>(text).err()?;
        Some(ApiError::BadRequest {
            code: "invalid_json",
            message: format!("the body is not valid JSON: {syntax}"),
            field: None,
        })
    }

    /// A query string that does not fit the handler's parameters.
    pub fn from_query(err: serde_path_to_error::Error<serde::de::value::Error>) -> Self {
        let path = err.path().to_string();
        Self::misfit("invalid_query", &path, &err.into_inner().to_string())
    }

    /// A value that does not fit its type, at `path` as serde_path_to_error writes it.
    fn misfit(code: &'static str, path: &str, message: &str) -> Self {
        // serde reports a missing field at its parent (an unknown one at itself); name the field.
        let named = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let field = match (path, named) {
            (".", Some(name)) => Some(name.to_string()),
            (parent, Some(name)) => Some(format!("{parent}.{name}")),
            // The whole body or query is of the wrong shape (an array, a string).
            (".", None) => None,
            (path, None) => Some(path.to_string()),
        };
        let message = match &field {
            Some(field) => format!("{field}: {message}"),
            None => message.to_string(),
        };
        ApiError::BadRequest {
            code,
            message,
            field,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            // Internal details stay in the log.
            ApiError::Internal(_) => "internal error; see the server log".to_string(),
            other => other.to_string(),
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message,
                field: self.field().map(str::to_string),
            },
        };
        let mut response = (status, Json(body)).into_response();
        if status == StatusCode::UNAUTHORIZED {
            let challenge = header::HeaderValue::from_static("Bearer");
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, challenge);
        }
        response
            .extensions_mut()
            .insert(LoggedError(self.to_string()));
        response
    }
}
