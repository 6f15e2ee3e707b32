//! What can go wrong on a page, and the one place where it becomes an HTML answer. Error pages
//! speak both languages: they are shown when the person's session may be gone.

use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use shaobao_services::store::StoreError;
use tracing::error;

use super::layout;

#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// No valid session: go to the sign-in page, then come back to `next`.
    #[error("sign in first")]
    SignInRequired { next: String },
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    /// A form posted without (or with another session's) CSRF token.
    #[error("the form's CSRF token does not match the session")]
    Csrf,
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for ConsoleError {
    fn from(err: StoreError) -> Self {
        ConsoleError::Unavailable(err.to_string())
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        let (status, zh, en, detail) = match &self {
            ConsoleError::SignInRequired { next } => {
                let target = format!("/login?next={}", encode(next));
                return (StatusCode::SEE_OTHER, [(LOCATION, target)]).into_response();
            }
            ConsoleError::Forbidden(why) => (
                StatusCode::FORBIDDEN,
                "无权访问",
                "Not allowed",
                why.clone(),
            ),
            ConsoleError::NotFound(what) => {
                (StatusCode::NOT_FOUND, "未找到", "Not found", what.clone())
            }
            ConsoleError::Csrf => (
                StatusCode::FORBIDDEN,
                "表单已失效，请刷新页面后重试",
                "The form expired: reload the page and try again",
                String::new(),
            ),
            ConsoleError::Unavailable(why) => {
                error!(%why, "console: store unavailable");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    "服务暂不可用",
                    "Service unavailable",
                    String::new(),
                )
            }
            ConsoleError::Internal(why) => {
                error!(%why, "console: internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "系统错误",
                    "Internal error",
                    String::new(),
                )
            }
        };
        let body = html! {
            section.error-page data-status=(status.as_u16()) {
                h1 { (zh) }
                p.en { (en) }
                @if !detail.is_empty() { p.detail { (detail) } }
                p { a href="/" { "返回首页 · Back to the start page" } }
            }
        };
        (status, layout::bare(zh, body)).into_response()
    }
}

/// Percent-encodes a path for a query parameter (only what a path may hold needs care).
pub fn encode(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
