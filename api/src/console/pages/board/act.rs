//! Posted board forms → commands on a community's list or a member's registration, through the
//! case service as the API sends them. htmx gets the fresh lists back (once the read model holds
//! the command, so the person sees what they did); a plain browser is sent back to the board
//! (post/redirect/get). A refusal shows the lists again with the domain's reason.

use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header::{LOCATION, REFERER};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use shaobao_domain::community::{CommunityAction, NeedAction, RegisterMember};
use shaobao_projections::runtime::wait_for;
use shaobao_services::cases::Request;

use super::scope::Viewer;
use super::{allowed, render_lists, render_page};
use crate::bodies::{ConfirmNeed, DeliverNeed, MatchResource, WithdrawNeed};
use crate::console::error::ConsoleError;
use crate::console::form::{FieldError, FormFields};
use crate::console::pages::case::{refusal, Failure, Refusal};
use crate::console::session::Person;
use crate::server::AppState;

/// How long an answer waits for the read model to include the command it answers.
const CATCH_UP: Duration = Duration::from_secs(5);

/// What a form asks for.
enum Command {
    List {
        community: String,
        action: CommunityAction,
    },
    Register(RegisterMember),
}

type Posted = Form<Vec<(String, String)>>;

/// `POST /board/needs`: publish a need of the community chosen in the form.
pub async fn publish_need(
    State(state): State<AppState>,
    person: Person,
    headers: HeaderMap,
    Form(pairs): Posted,
) -> Result<Response, ConsoleError> {
    let mut form = FormFields(pairs);
    let community = form.take("community").unwrap_or_default();
    let command = form.parse().map(|body| Command::List {
        community,
        action: CommunityAction::PublishNeed(body),
    });
    run(
        &state,
        &person,
        &headers,
        "/board/needs".into(),
        form,
        command,
    )
    .await
}

/// `POST /board/resources`: offer a resource to the community chosen in the form.
pub async fn offer_resource(
    State(state): State<AppState>,
    person: Person,
    headers: HeaderMap,
    Form(pairs): Posted,
) -> Result<Response, ConsoleError> {
    let mut form = FormFields(pairs);
    let community = form.take("community").unwrap_or_default();
    let command = form.parse().map(|body| Command::List {
        community,
        action: CommunityAction::OfferResource(body),
    });
    let url = "/board/resources".to_string();
    run(&state, &person, &headers, url, form, command).await
}

/// `POST /communities/{community}/needs/{no}/{claim|deliver|confirm|withdraw}`.
pub async fn act_on_need(
    State(state): State<AppState>,
    person: Person,
    headers: HeaderMap,
    Path((community, no, route)): Path<(String, u32, String)>,
    Form(pairs): Posted,
) -> Result<Response, ConsoleError> {
    let form = FormFields(pairs);
    let action = need_action(&route, &form)
        .ok_or_else(|| ConsoleError::NotFound(format!("action {route}")))?;
    let url = format!("/communities/{community}/needs/{no}/{route}");
    let command = action.map(|action| Command::List {
        community,
        action: CommunityAction::Need { no, action },
    });
    run(&state, &person, &headers, url, form, command).await
}

/// `POST /communities/{community}/resources/{no}/match`.
pub async fn match_resource(
    State(state): State<AppState>,
    person: Person,
    headers: HeaderMap,
    Path((community, no)): Path<(String, u32)>,
    Form(pairs): Posted,
) -> Result<Response, ConsoleError> {
    let form = FormFields(pairs);
    let url = format!("/communities/{community}/resources/{no}/match");
    let command = form.parse().map(|body: MatchResource| Command::List {
        community,
        action: CommunityAction::MatchResource {
            no,
            need_no: body.need_no,
        },
    });
    run(&state, &person, &headers, url, form, command).await
}

/// `POST /members`: report to the community where one lives 回小区报到.
pub async fn register_member(
    State(state): State<AppState>,
    person: Person,
    headers: HeaderMap,
    Form(pairs): Posted,
) -> Result<Response, ConsoleError> {
    let form = FormFields(pairs);
    let command = form.parse().map(Command::Register);
    run(&state, &person, &headers, "/members".into(), form, command).await
}

/// The step `route` on a need, with the form as its body; `None` for no such step.
fn need_action(route: &str, form: &FormFields) -> Option<Result<NeedAction, FieldError>> {
    Some(match route {
        "claim" => Ok(NeedAction::Claim),
        "deliver" => form.parse::<DeliverNeed>().map(NeedAction::from),
        "confirm" => form.parse::<ConfirmNeed>().map(NeedAction::from),
        "withdraw" => form.parse::<WithdrawNeed>().map(NeedAction::from),
        _ => return None,
    })
}

async fn run(
    state: &AppState,
    person: &Person,
    headers: &HeaderMap,
    url: String,
    form: FormFields,
    command: Result<Command, FieldError>,
) -> Result<Response, ConsoleError> {
    person.check_csrf(&form)?;
    allowed(person)?;
    let refused: Option<Refusal> = match command {
        Err(bad) => Some((StatusCode::BAD_REQUEST, Some(bad.field), bad.message, false)),
        Ok(command) => execute(state, person, &form, command).await?,
    };
    let narrowed = narrowed_by(headers);
    let htmx = headers.contains_key("hx-request");
    let Some((status, field, message, _)) = refused else {
        if htmx {
            let viewer = Viewer::of(state, person, narrowed.as_deref()).await?;
            return Ok(render_lists(state, person, &viewer, None)
                .await?
                .into_response());
        }
        let back = match narrowed {
            Some(community) => format!(
                "/board?community={}",
                crate::console::error::encode(&community)
            ),
            None => "/board".to_string(),
        };
        return Ok((StatusCode::SEE_OTHER, [(LOCATION, back)]).into_response());
    };
    let failure = Failure {
        url,
        form,
        field,
        message,
        stale: false,
    };
    let viewer = Viewer::of(state, person, narrowed.as_deref()).await?;
    if htmx {
        // htmx swaps only successful answers: the refusal travels in a 200 with the lists.
        let lists = render_lists(state, person, &viewer, Some(&failure)).await?;
        return Ok(lists.into_response());
    }
    let page = render_page(state, person, &viewer, Some(&failure)).await?;
    Ok((status, page).into_response())
}

/// Runs the command; `None` when it was done (and the read model holds it), or the refusal.
async fn execute(
    state: &AppState,
    person: &Person,
    form: &FormFields,
    command: Command,
) -> Result<Option<Refusal>, ConsoleError> {
    let actor = person.actor();
    let request = Request {
        idempotency_key: form.get("idempotency_key").map(str::to_string),
        correlation_id: uuid::Uuid::new_v4().to_string(),
        expected_version: None,
    };
    let done = match command {
        Command::List { community, action } => state
            .cases
            .community(&community, &actor, action, &request)
            .await
            .map_err(refusal),
        Command::Register(body) => state
            .cases
            .register_member(&actor, body, &request)
            .await
            .map_err(refusal),
    };
    match done {
        Ok(outcome) => {
            wait_for(&state.store, outcome.position, CATCH_UP)
                .await
                .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
            Ok(None)
        }
        Err(refused) => refused.map(Some),
    }
}

/// The community the board was narrowed to, from the page the form was on (htmx names it in
/// `HX-Current-URL`, a browser in `Referer`).
fn narrowed_by(headers: &HeaderMap) -> Option<String> {
    let page = headers
        .get("hx-current-url")
        .or_else(|| headers.get(REFERER))?
        .to_str()
        .ok()?;
    let (_, query) = page.split_once('?')?;
    form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "community")
        .map(|(_, value)| value.into_owned())
        .filter(|value| !value.is_empty())
}
