//! Extractors whose every rejection is an [`ApiError`] naming the field at fault: JSON bodies,
//! query strings, path parameters, and the headers every command takes.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use shaobao_domain::{text, Actor};
use shaobao_services::cases::Request as CommandRequest;

use crate::access;
use crate::api_error::ApiError;
use crate::auth::Caller;
use crate::observe::RequestId;
use crate::server::AppState;

/// A JSON object body (whatever the Content-Type), at most `MAX_BODY_BYTES`. An empty body reads
/// as `{}`, so commands without fields (`sign`, `claim`) need none.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(request, state).await?;
        let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            &bytes
        };
        // Bodies are objects; serde would also take an array, filling fields by position.
        if text.trim_ascii_start().first() != Some(&b'{') {
            return Err(ApiError::not_an_object(text));
        }
        refuse_control_characters(text)?;
        let mut json = serde_json::Deserializer::from_slice(text);
        let value = serde_path_to_error::deserialize(&mut json)
            .map_err(|err| ApiError::from_json(text, err))?;
        json.end().map_err(|err| ApiError::BadRequest {
            code: "invalid_json",
            message: format!("the body is not valid JSON: {err}"),
            field: None,
        })?;
        Ok(ApiJson(value))
    }
}

/// A body whose strings hold a control character is refused naming the first such field (valid
/// JSON can carry `\u0000`, which PostgreSQL cannot store). Text that is not JSON is left to the
/// typed parse, which explains its fault better.
fn refuse_control_characters(text: &[u8]) -> Result<(), ApiError> {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(text) else {
        return Ok(());
    };
    match text::control_character_field(&value) {
        Some(field) => Err(ApiError::control_character(field)),
        None => Ok(()),
    }
}

/// Query parameters, refused with the parameter's name as `field`.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let pairs = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(pairs)
            .map(ApiQuery)
            .map_err(ApiError::from_query)
    }
}

/// Path parameters (`{id}`, `{no}`), refused with the parameter's name as `field`.
#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Longest `Idempotency-Key` accepted.
const MAX_KEY_CHARS: usize = 200;

/// A command's caller and request metadata: the `Idempotency-Key`, `If-Match`, and the request id
/// as correlation id. Roles that never write are refused here, before the body is read.
pub struct CommandContext {
    pub actor: Actor,
    pub request: CommandRequest,
}

impl FromRequestParts<AppState> for CommandContext {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let Caller(actor) = Caller::from_request_parts(parts, state).await?;
        access::require_writer(&actor)?;
        let request = CommandRequest {
            idempotency_key: idempotency_key(parts)?,
            correlation_id: RequestId::of(parts),
            expected_version: if_match(parts)?,
        };
        Ok(CommandContext { actor, request })
    }
}

/// A header's value as text, if present.
fn header<'a>(parts: &'a Parts, name: &'static str) -> Result<Option<&'a str>, ApiError> {
    parts
        .headers
        .get(name)
        .map(|value| {
            value.to_str().map_err(|_| {
                ApiError::bad_request("invalid_header", name, format!("{name} must be ASCII text"))
            })
        })
        .transpose()
}

pub(crate) fn idempotency_key(parts: &Parts) -> Result<Option<String>, ApiError> {
    const NAME: &str = "Idempotency-Key";
    let Some(key) = header(parts, NAME)?.map(str::trim) else {
        return Ok(None);
    };
    if key.is_empty() || key.len() > MAX_KEY_CHARS {
        let message = format!("{NAME} must be 1 to {MAX_KEY_CHARS} characters");
        return Err(ApiError::bad_request("invalid_header", NAME, message));
    }
    Ok(Some(key.to_string()))
}

/// `If-Match: 3` or the ETag form `"3"`; `*` (any version) is the same as none.
fn if_match(parts: &Parts) -> Result<Option<i64>, ApiError> {
    const NAME: &str = "If-Match";
    let Some(value) = header(parts, NAME)?.map(str::trim) else {
        return Ok(None);
    };
    if value == "*" {
        return Ok(None);
    }
    let unquoted = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    match unquoted.parse::<i64>() {
        Ok(version) if version >= 0 => Ok(Some(version)),
        _ => Err(ApiError::bad_request(
            "invalid_header",
            NAME,
            format!("{NAME} must be a case version such as 3 or \"3\", not {value:?}"),
        )),
    }
}
