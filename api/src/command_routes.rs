//! The routes of case commands: one `POST` route per action, each with its OpenAPI operation built
//! from the same registration, all served by one handler ([`execute`]). The table of actions is in
//! `routes/commands.rs`.

use axum::extract::State;
use axum::routing::{post, MethodRouter};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use shaobao_domain::case::{TaskAction, WhistleAction};
use shaobao_domain::{CaseAction, CaseError};
use shaobao_services::command::CommandError;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;

use crate::access;
use crate::api_error::ApiError;
use crate::extract::{ApiJson, ApiPath, CommandContext};
use crate::openapi::command_operation;
use crate::server::AppState;
use crate::view::CommandAnswer;

/// A request body type: deserialized (unknown fields refused) and documented.
pub trait Body: DeserializeOwned + ToSchema + Send + 'static {}
impl<T: DeserializeOwned + ToSchema + Send + 'static> Body for T {}

/// `/cases/{id}/whistles/{no}/…`, `/cases/{id}/tasks/{no}/…`.
#[derive(Deserialize)]
struct Numbered {
    id: String,
    no: u32,
}

/// Builds the command routes, relative to `/api/v1`.
#[derive(Default)]
pub struct CommandRoutes(OpenApiRouter<AppState>);

impl CommandRoutes {
    pub fn into_router(self) -> OpenApiRouter<AppState> {
        self.0
    }

    /// `POST /cases/{id}/{action}`.
    pub fn case<B: Body>(
        self,
        action: &'static str,
        summary: &str,
        to_action: fn(B) -> CaseAction,
    ) -> Self {
        let handler = move |State(state): State<AppState>,
                            context: CommandContext,
                            ApiPath(id): ApiPath<String>,
                            ApiJson(body): ApiJson<B>| async move {
            execute(&state, context, &id, action, to_action(body)).await
        };
        let path = format!("/cases/{{id}}/{action}");
        self.add::<B>(&path, action, summary, &["id"], post(handler))
    }

    /// `POST /cases/{id}/whistles/{no}/{action}`.
    pub fn whistle<B: Body>(
        self,
        action: &'static str,
        summary: &str,
        to_action: fn(B) -> WhistleAction,
    ) -> Self {
        self.numbered("whistle", action, summary, move |no, body| {
            CaseAction::Whistle {
                no,
                action: to_action(body),
            }
        })
    }

    /// `POST /cases/{id}/tasks/{no}/{action}`.
    pub fn task<B: Body>(
        self,
        action: &'static str,
        summary: &str,
        to_action: fn(B) -> TaskAction,
    ) -> Self {
        self.numbered("task", action, summary, move |no, body| CaseAction::Task {
            no,
            action: to_action(body),
        })
    }

    /// `POST /cases/{id}/{kind}s/{no}/{action}`: an action on whistle or task `no`.
    fn numbered<B: Body>(
        self,
        kind: &str,
        action: &'static str,
        summary: &str,
        to_action: impl Fn(u32, B) -> CaseAction + Clone + Send + Sync + 'static,
    ) -> Self {
        let label = format!("{kind}.{action}");
        let handler = {
            let label = label.clone();
            move |State(state): State<AppState>,
                  context: CommandContext,
                  ApiPath(at): ApiPath<Numbered>,
                  ApiJson(body): ApiJson<B>| {
                let label = label.clone();
                let action = to_action(at.no, body);
                async move { execute(&state, context, &at.id, &label, action).await }
            }
        };
        let path = format!("/cases/{{id}}/{kind}s/{{no}}/{action}");
        self.add::<B>(&path, &label, summary, &["id", "no"], post(handler))
    }

    /// Registers `handler` at `path`, documented by [`command_operation`].
    fn add<B: Body>(
        self,
        path: &str,
        label: &str,
        summary: &str,
        path_params: &[&str],
        handler: MethodRouter<AppState>,
    ) -> Self {
        let operation_id = label.replace(['.', '-'], "_");
        let (schemas, paths) = command_operation::<B>(path, &operation_id, summary, path_params);
        CommandRoutes(self.0.routes((schemas, paths, handler)))
    }
}

/// Runs one action on case `id` for the caller; answers with the new version and position, and
/// the number of a whistle or task the action made.
async fn execute(
    state: &AppState,
    context: CommandContext,
    id: &str,
    label: &str,
    action: CaseAction,
) -> Result<Json<CommandAnswer>, ApiError> {
    let CommandContext { actor, request } = context;
    let made = match &action {
        CaseAction::BlowWhistle(_) => Some(Made::Whistle),
        CaseAction::PublishTask(_) => Some(Made::Task),
        _ => None,
    };
    let result = match access::require_may_attempt(&actor, &action) {
        Ok(()) => match state.cases.execute(id, &actor, action, &request).await {
            Err(refused @ CommandError::Domain(_)) => {
                Err(precondition_first(state, id, request.expected_version, refused.into()).await)
            }
            done => done.map_err(ApiError::from),
        },
        Err(refused) => Err(refused),
    };
    state
        .metrics
        .observe_command(label, outcome_label(&result, |o| o.repeated));
    let outcome = result?;
    let mut answer = CommandAnswer::from(&outcome);
    if let Some(made) = made {
        // Read at the command's own version: a repeat answers with the whistle or task it made.
        let case = state
            .cases
            .case_at(id, Some(outcome.version))
            .await?
            .ok_or_else(|| ApiError::Internal(format!("case {id} vanished after a command")))?
            .aggregate;
        match made {
            Made::Whistle => answer.whistle_no = case.whistles().last().map(|w| w.no),
            Made::Task => answer.task_no = case.tasks().last().map(|t| t.no),
        }
    }
    Ok(Json(answer))
}

/// `If-Match` is a precondition (RFC 9110): a client that decided on another version than the
/// case has hears 412 rather than the refusal its command meets in the current state.
async fn precondition_first(
    state: &AppState,
    id: &str,
    expected: Option<i64>,
    refusal: ApiError,
) -> ApiError {
    let Some(expected) = expected else {
        return refusal;
    };
    match state.cases.case(id).await {
        Ok(current) => {
            let actual = current.map_or(0, |case| case.version);
            if actual == expected {
                refusal
            } else {
                CommandError::<CaseError>::VersionMismatch { expected, actual }.into()
            }
        }
        Err(err) => err.into(),
    }
}

/// What a command made that its answer numbers.
enum Made {
    Whistle,
    Task,
}

/// The `outcome` label of the commands metric: `ok`, `repeated`, or the error code.
pub fn outcome_label<T>(
    result: &Result<T, ApiError>,
    repeated: impl Fn(&T) -> bool,
) -> &'static str {
    match result {
        Ok(outcome) if repeated(outcome) => "repeated",
        Ok(_) => "ok",
        Err(err) => err.code(),
    }
}
