//! `POST requests`: an intake app reports a problem. The form's `api_key` (or one in the query
//! string) must be an `intake` token; the case opens at once, so the answer carries its
//! `service_request_id` (never a `token`). An `Idempotency-Key` header, though not in the spec,
//! makes a retry answer the first request's case instead of opening another.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::FromRequestParts;
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::{Timer, Urgency};
use shaobao_domain::{Actor, Role};
use shaobao_services::cases::Request as CommandRequest;
use shaobao_services::tokens::TokenStore;

use super::catalogue::urgency_name;
use super::document::{Document, Node};
use super::error::Open311Error;
use super::form::{report, Fields};
use super::requests::service_requests;
use crate::api_error::ApiError;
use crate::command_routes::outcome_label;
use crate::extract::idempotency_key;
use crate::observe::RequestId;
use crate::server::AppState;

/// What a POST brings besides its form: command metadata from the headers (refused for a bad
/// `Idempotency-Key` or a body that is declared to be something other than a form), and an
/// `api_key` some clients put in the query string.
pub struct Submission {
    request: Result<CommandRequest, Open311Error>,
    query_api_key: Option<String>,
}

const FORM: &str = "application/x-www-form-urlencoded";

impl<S: Send + Sync> FromRequestParts<S> for Submission {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let request = form_content(parts).and_then(|()| {
            let idempotency_key = idempotency_key(parts)?;
            Ok(CommandRequest {
                idempotency_key,
                correlation_id: RequestId::of(parts),
                expected_version: None,
            })
        });
        let query = parts.uri.query().unwrap_or_default();
        let query_api_key = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "api_key")
            .map(|(_, key)| key.into_owned());
        Ok(Submission {
            request,
            query_api_key,
        })
    }
}

/// A body without a Content-Type is read as a form; one declared as JSON or multipart would
/// otherwise read as a form without fields, and be refused for a missing `api_key`.
fn form_content(parts: &Parts) -> Result<(), Open311Error> {
    let Some(declared) = parts.headers.get(CONTENT_TYPE) else {
        return Ok(());
    };
    let media_type = declared.to_str().unwrap_or_default();
    let media_type = media_type.split(';').next().unwrap_or_default().trim();
    if media_type.eq_ignore_ascii_case(FORM) {
        Ok(())
    } else {
        Err(Open311Error::BadRequest(format!(
            "POST requests takes {FORM}, not {media_type:?}"
        )))
    }
}

pub async fn submit(
    state: &AppState,
    submission: Submission,
    body: Result<Bytes, BytesRejection>,
) -> Result<Document, Open311Error> {
    let request = submission.request?;
    let mut fields = Fields::parse(&body.map_err(ApiError::from)?)?;
    let api_key = fields.take("api_key").or(submission.query_api_key);
    let actor = intake_actor(&state.tokens, api_key, state.clock.now()).await?;
    let report = report(fields, &state.org)?;
    let notice = notice(&state.org, report.urgency);
    let opened = state.cases.open(&actor, report.open, &request).await;
    let opened = opened.map_err(ApiError::from);
    state
        .metrics
        .observe_command("open", outcome_label(&opened, |o| o.repeated));
    let request = Node::Object(vec![
        ("service_request_id", Node::text(opened?.aggregate_id)),
        ("service_notice", Node::text(notice)),
        ("account_id", Node::maybe(report.account_id)),
    ]);
    Ok(service_requests(vec![request]))
}

/// The caller behind `api_key`, which must be an intake token.
async fn intake_actor(
    tokens: &TokenStore,
    api_key: Option<String>,
    now: DateTime<Utc>,
) -> Result<Actor, Open311Error> {
    let api_key =
        api_key.ok_or_else(|| Open311Error::Forbidden("api_key was not provided".into()))?;
    let actor = tokens
        .authenticate(&api_key, now)
        .await
        .map_err(ApiError::from)?;
    match actor {
        Some(actor) if actor.role == Role::Intake => Ok(actor),
        Some(actor) => Err(Open311Error::Forbidden(format!(
            "api_key is a {} token, not an intake one",
            actor.role.name()
        ))),
        None => Err(Open311Error::Forbidden("api_key is not valid".into())),
    }
}

/// What happens next: the urgency in force and the time to resolve it sets at dispatch.
fn notice(org: &Organisation, urgency: Urgency) -> String {
    let resolve = org.sla.span(Timer::Resolve(urgency));
    format!(
        "已受理 received. 紧急程度 {}: 派单后 {resolve} 内办结反馈 (resolved within {resolve} \
         of dispatch).",
        urgency_name(urgency),
    )
}
