//! `Authorization: Bearer <token>`: which actor is calling.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use shaobao_domain::Actor;

use crate::api_error::ApiError;
use crate::server::AppState;

/// The authenticated caller: the role and scope its token grants, and the token id as actor id.
#[derive(Debug, Clone)]
pub struct Caller(pub Actor);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).ok_or_else(|| {
            ApiError::Unauthorized("missing token: send Authorization: Bearer <token>".into())
        })?;
        // The scheme is case-insensitive (RFC 9110).
        let token = header
            .to_str()
            .ok()
            .and_then(|value| value.trim().split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "malformed Authorization header: expected Bearer <token>".into(),
                )
            })?;
        match state.tokens.authenticate(token, state.clock.now()).await? {
            Some(actor) => Ok(Caller(actor)),
            None => Err(ApiError::Unauthorized("unknown token".into())),
        }
    }
}
