//! Where every failure below the HTTP layer becomes an [`ApiError`]: domain refusals by their
//! kind, command and store failures, and the rejections of axum's own extractors.

use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::StatusCode;
use shaobao_domain::community::{CommunityError, MemberError};
use shaobao_domain::{CaseError, ErrorKind, VisitError};
use shaobao_services::cases::{HistoryError, VisitFailure};
use shaobao_services::command::CommandError;
use shaobao_services::store::StoreError;

use super::ApiError;

/// A domain refusal: its kind decides the status, its field the `field`.
pub trait DomainRefusal: std::error::Error {
    fn kind(&self) -> ErrorKind;
    fn field(&self) -> Option<&str>;
}

impl DomainRefusal for CaseError {
    fn kind(&self) -> ErrorKind {
        CaseError::kind(self)
    }
    fn field(&self) -> Option<&str> {
        CaseError::field(self)
    }
}

impl DomainRefusal for VisitError {
    fn kind(&self) -> ErrorKind {
        VisitError::kind(self)
    }
    fn field(&self) -> Option<&str> {
        VisitError::field(self)
    }
}

impl DomainRefusal for CommunityError {
    fn kind(&self) -> ErrorKind {
        CommunityError::kind(self)
    }
    fn field(&self) -> Option<&str> {
        CommunityError::field(self)
    }
}

impl DomainRefusal for MemberError {
    fn kind(&self) -> ErrorKind {
        MemberError::kind(self)
    }
    fn field(&self) -> Option<&str> {
        MemberError::field(self)
    }
}

impl<E: DomainRefusal> From<CommandError<E>> for ApiError {
    fn from(err: CommandError<E>) -> Self {
        let message = err.to_string();
        match err {
            CommandError::Domain(refusal) => {
                let field = refusal.field().map(str::to_string);
                match refusal.kind() {
                    ErrorKind::Invalid => ApiError::BadRequest {
                        code: "invalid",
                        message,
                        field,
                    },
                    ErrorKind::UnknownReference => ApiError::BadRequest {
                        code: "unknown_reference",
                        message,
                        field,
                    },
                    ErrorKind::Forbidden => ApiError::Forbidden(message),
                    ErrorKind::NotFound => ApiError::NotFound { message, field },
                    ErrorKind::Refused => ApiError::Conflict {
                        code: "refused",
                        message,
                    },
                }
            }
            CommandError::Conflict { .. } => ApiError::Conflict {
                code: "conflict",
                message,
            },
            CommandError::KeyReused(_) => ApiError::Conflict {
                code: "idempotency_key_reused",
                message,
            },
            CommandError::VersionMismatch { .. } => ApiError::PreconditionFailed(message),
            CommandError::Unavailable(_) => ApiError::Unavailable(message),
            CommandError::Store(_) => ApiError::Internal(message),
        }
    }
}

impl From<VisitFailure> for ApiError {
    fn from(failure: VisitFailure) -> Self {
        match failure {
            VisitFailure::Visit(err) => err.into(),
            VisitFailure::Finding { finding, source } => {
                ApiError::from(source).within(&format!("findings[{finding}]"))
            }
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(_) => ApiError::Unavailable(err.to_string()),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<HistoryError> for ApiError {
    fn from(err: HistoryError) -> Self {
        match err {
            HistoryError::Store(store) => store.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(rejection: BytesRejection) -> Self {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            return ApiError::PayloadTooLarge;
        }
        ApiError::BadRequest {
            code: "invalid_body",
            message: rejection.body_text(),
            field: None,
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        use axum::extract::path::ErrorKind as PathError;
        let field = match &rejection {
            PathRejection::FailedToDeserializePathParams(err) => match err.kind() {
                PathError::ParseErrorAtKey { key, .. }
                | PathError::InvalidUtf8InPathParam { key } => Some(key.clone()),
                _ => None,
            },
            _ => None,
        };
        ApiError::BadRequest {
            code: "invalid_path",
            message: rejection.body_text(),
            field,
        }
    }
}
