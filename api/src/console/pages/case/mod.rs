//! `/cases/{id}`: the case page — what the case is, its timeline, and a form for each action the
//! domain allows this person now. Posting a form runs the command through the case service with
//! the page's version as `If-Match`; success goes back to the page (post/redirect/get), a refusal
//! shows the page again with the domain's reason by the form.

mod forms;
mod parse;
pub(crate) mod similar;
mod summary;
mod timeline;

use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};
use shaobao_domain::Case;
use shaobao_services::cases::Request;
use shaobao_services::command::CommandError;
use shaobao_services::history::Replayed;

use self::forms::{action_form, FormContext};
use self::parse::Target;
use self::summary::{summary, Facts};
use crate::access;
use crate::api_error::DomainRefusal;
use crate::console::error::ConsoleError;
use crate::console::form::FormFields;
use crate::console::layout;
use crate::console::pages::queue::short_id;
use crate::console::session::Person;
use crate::server::AppState;

/// A refused form: where it posted, what was typed, and why (by a field or for the whole form).
#[derive(Debug, Clone)]
pub struct Failure {
    pub url: String,
    pub form: FormFields,
    pub field: Option<String>,
    pub message: String,
    /// The case changed since the page was shown.
    pub stale: bool,
}

pub async fn page(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
) -> Result<Markup, ConsoleError> {
    let case = readable_case(&state, &person, &id).await?;
    render(&state, &person, &id, &case, None).await
}

pub async fn act(
    State(state): State<AppState>,
    person: Person,
    Path((id, route)): Path<(String, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let url = format!("/cases/{id}/{route}");
    run(
        &state,
        &person,
        &id,
        &route,
        Target::Case,
        url,
        FormFields(pairs),
    )
    .await
}

pub async fn act_on_whistle(
    State(state): State<AppState>,
    person: Person,
    Path((id, no, route)): Path<(String, u32, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let url = format!("/cases/{id}/whistles/{no}/{route}");
    run(
        &state,
        &person,
        &id,
        &route,
        Target::Whistle(no),
        url,
        FormFields(pairs),
    )
    .await
}

pub async fn act_on_task(
    State(state): State<AppState>,
    person: Person,
    Path((id, no, route)): Path<(String, u32, String)>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let url = format!("/cases/{id}/tasks/{no}/{route}");
    run(
        &state,
        &person,
        &id,
        &route,
        Target::Task(no),
        url,
        FormFields(pairs),
    )
    .await
}

async fn run(
    state: &AppState,
    person: &Person,
    id: &str,
    route: &str,
    target: Target,
    url: String,
    form: FormFields,
) -> Result<Response, ConsoleError> {
    person.check_csrf(&form)?;
    let case = readable_case(state, person, id).await?;
    let action = parse::action(route, target, &form)
        .ok_or_else(|| ConsoleError::NotFound(format!("action {route}")))?;
    let refused = |status: StatusCode, field: Option<String>, message: String, stale: bool| {
        let failure = Failure {
            url: url.clone(),
            form: form.clone(),
            field,
            message,
            stale,
        };
        (status, failure)
    };
    // The page showed another version: say so rather than act on a state the person did not see
    // (the domain would otherwise refuse or accept against the new state first).
    let stale = form.expected_version().is_some_and(|v| v != case.version);
    let (status, failure) = match action {
        _ if stale => refused(StatusCode::PRECONDITION_FAILED, None, String::new(), true),
        Err(bad) => refused(StatusCode::BAD_REQUEST, Some(bad.field), bad.message, false),
        Ok(action) => {
            let actor = person.actor();
            let request = Request {
                idempotency_key: form.get("idempotency_key").map(str::to_string),
                correlation_id: uuid::Uuid::new_v4().to_string(),
                expected_version: form.expected_version(),
            };
            match state.cases.execute(id, &actor, action, &request).await {
                Ok(_) => {
                    let back = format!("/cases/{id}");
                    return Ok((StatusCode::SEE_OTHER, [(LOCATION, back)]).into_response());
                }
                Err(err) => match refusal(err) {
                    Ok((status, field, message, stale)) => refused(status, field, message, stale),
                    Err(err) => return Err(err),
                },
            }
        }
    };
    // Show the case as it is now, with the reason by the form that was refused.
    let page = render(state, person, id, &case, Some(&failure)).await?;
    Ok((status, page).into_response())
}

pub type Refusal = (StatusCode, Option<String>, String, bool);

/// A command's failure as the person reads it; store trouble is an error page.
pub fn refusal<E: DomainRefusal>(err: CommandError<E>) -> Result<Refusal, ConsoleError> {
    use shaobao_domain::ErrorKind;
    Ok(match err {
        CommandError::Domain(refused) => {
            let status = match refused.kind() {
                ErrorKind::Invalid | ErrorKind::UnknownReference => StatusCode::BAD_REQUEST,
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::NotFound => StatusCode::NOT_FOUND,
                ErrorKind::Refused => StatusCode::CONFLICT,
            };
            (
                status,
                refused.field().map(str::to_string),
                refused.to_string(),
                false,
            )
        }
        CommandError::VersionMismatch { .. } => {
            (StatusCode::PRECONDITION_FAILED, None, String::new(), true)
        }
        CommandError::Conflict { .. } | CommandError::KeyReused(_) => {
            (StatusCode::CONFLICT, None, err.to_string(), false)
        }
        CommandError::Unavailable(why) => return Err(ConsoleError::Unavailable(why)),
        CommandError::Store(why) => return Err(ConsoleError::Internal(why)),
    })
}

/// The case, if it exists and this person may read it.
async fn readable_case(
    state: &AppState,
    person: &Person,
    id: &str,
) -> Result<Replayed<Case>, ConsoleError> {
    let case = state
        .cases
        .case(id)
        .await
        .map_err(|e| ConsoleError::Unavailable(e.to_string()))?
        .ok_or_else(|| ConsoleError::NotFound(format!("case {id}")))?;
    if access::may_read(&person.actor(), &case.aggregate) {
        Ok(case)
    } else {
        Err(ConsoleError::Forbidden(format!("case {id}")))
    }
}

async fn render(
    state: &AppState,
    person: &Person,
    id: &str,
    replayed: &Replayed<Case>,
    failure: Option<&Failure>,
) -> Result<Markup, ConsoleError> {
    let (lang, org, now) = (person.lang, &state.org, state.clock.now());
    let case = &replayed.aggregate;
    let actor = person.actor();
    let history = state.store.history("case", id).await?;
    let available = case.available_actions(&actor, now, org);
    let route = "console /cases/{id}";
    let show_requester = access::shows_requester(state, id, case, &actor, route).await?;
    let facts = Facts {
        lang,
        org,
        case,
        show_requester,
        now,
    };
    let cx = FormContext {
        lang,
        org,
        case_id: id,
        case,
        version: replayed.version,
        csrf_token: &person.csrf_token,
        failure,
    };
    let similar_cases = similar::find(state, id, case).await;
    let duplicates = similar::Section {
        lang,
        case_id: id,
        case,
        version: replayed.version,
        csrf_token: &person.csrf_token,
        show_requester,
        may_merge: available.contains(&shaobao_domain::case::AvailableAction::Merge),
    };
    let title = format!("{} {}", lang.t("case.title"), short_id(id));
    let body = html! {
        div.case-page data-case-id=(id) data-version=(replayed.version) {
            @if access::may_audit_histories(&person.actor()) {
                p.audit-link { a href={ "/audit/cases/" (id) } data-action="audit" { (lang.t("audit.title")) } }
            }
            @if failure.is_some_and(|f| f.stale) { p.stale-warning role="alert" { (lang.t("error.stale")) } }
            // A refusal whose form is no longer offered still has to be seen.
            @if let Some(f) = failure.filter(|f| !f.stale && !available.iter().any(|a| forms::post_url(id, a) == f.url)) {
                p.form-error role="alert" { @if let Some(field) = &f.field { code { (field) } ": " } (lang.field_message(&f.message)) }
            }
            div.case-columns {
                div.case-main {
                    (summary(&facts))
                    (similar::section(&duplicates, &similar_cases))
                    h2 { (lang.t("case.timeline")) }
                    (timeline::timeline(lang, org, &history))
                }
                aside.case-actions {
                    h2 { (lang.t("case.actions")) }
                    @if available.is_empty() { p.empty { (lang.t("case.no_actions")) } }
                    @for action in &available { (action_form(&cx, action)) }
                }
            }
        }
    };
    Ok(layout::page(person, &state.org, &title, body))
}
