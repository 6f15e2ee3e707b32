//! `/intake`: open a case (受理). The category shows its default urgency and department; the
//! location is picked street → community → grid. The server checks everything and puts each
//! message by its field; the domain decides who may open cases.

use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};
use rand::RngCore;
use shaobao_domain::case::{MergeCase, OpenCase};
use shaobao_domain::org::Organisation;
use shaobao_domain::similar;
use shaobao_domain::CaseAction;
use shaobao_projections::models::hotspots::{similar_cases, SimilarQuery};
use shaobao_services::cases::Request;

use super::case::refusal;
use super::case::similar::{candidate, mergeable};
use crate::console::error::ConsoleError;
use crate::console::form::{FieldError, FormFields};
use crate::console::i18n::Lang;
use crate::console::layout;
use crate::console::session::Person;
use crate::server::AppState;

pub async fn form(State(state): State<AppState>, person: Person) -> Markup {
    render(&state, &person, &FormFields::default(), None)
}

pub async fn open(
    State(state): State<AppState>,
    person: Person,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let form = FormFields(pairs);
    person.check_csrf(&form)?;
    let refused = |status: StatusCode, error: FieldError| {
        Ok((status, render(&state, &person, &form, Some(&error))).into_response())
    };
    let open: OpenCase = match form.parse() {
        Ok(open) => open,
        Err(error) => return refused(StatusCode::BAD_REQUEST, error),
    };
    let request = Request {
        idempotency_key: form.get("idempotency_key").map(str::to_string),
        correlation_id: uuid::Uuid::new_v4().to_string(),
        expected_version: None,
    };
    match state.cases.open(&person.actor(), open, &request).await {
        Ok(outcome) => {
            let id = outcome.aggregate_id;
            // "Merge into" on a similar case: opened, then merged at once (a refusal shows on
            // the new case's page, where the person can try again).
            if let Some(into) = form.get("merge_into").filter(|into| !into.is_empty()) {
                let merge = CaseAction::merge(MergeCase {
                    into: into.to_string(),
                    note: None,
                });
                let merge_request = Request {
                    idempotency_key: request
                        .idempotency_key
                        .as_ref()
                        .map(|key| format!("{key}/merge")),
                    ..request.clone()
                };
                if let Err(err) = state
                    .cases
                    .execute(&id, &person.actor(), merge, &merge_request)
                    .await
                {
                    tracing::info!(case_id = id, %err, "merge at intake refused");
                }
            }
            let to = format!("/cases/{id}");
            Ok((StatusCode::SEE_OTHER, [(LOCATION, to)]).into_response())
        }
        Err(err) => {
            let (status, field, message, _) = refusal(err)?;
            refused(
                status,
                FieldError {
                    field: field.unwrap_or_default(),
                    message,
                },
            )
        }
    }
}

/// The similar-cases panel of a draft (an htmx fragment): each with a button that opens the
/// draft and merges it into that case at once.
pub async fn similar(
    State(state): State<AppState>,
    person: Person,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Markup, ConsoleError> {
    let form = FormFields(pairs);
    person.check_csrf(&form)?;
    let lang = person.lang;
    let text = |name: &str| {
        form.get(name)
            .filter(|v| !v.trim().is_empty())
            .map(str::to_string)
    };
    let (Some(category), Some(street)) = (text("category"), text("location.street")) else {
        return Ok(html! {});
    };
    if !crate::access::may_read_queue(&person.actor(), &street) {
        return Ok(html! {});
    }
    let number = |name: &str| text(name).and_then(|v| v.parse::<f64>().ok());
    let query = SimilarQuery {
        draft: similar::Request {
            category,
            street,
            community: text("location.community"),
            address: text("location.address"),
            lat: number("location.lat"),
            lon: number("location.lon"),
            description: text("description").unwrap_or_default(),
        },
        exclude: None,
        now: state.clock.now(),
        window_days: state.org.hotspots.window_days,
        limit: 5,
    };
    let found = similar_cases(&state.store, &query).await?;
    Ok(html! {
        h2 { (lang.t("case.similar")) }
        @if found.is_empty() { p.empty { (lang.t("case.no_similar")) } }
        ul { @for item in &found {
            @let merge = html! { @if mergeable(&item.state) {
                button type="submit" form="intake-form" name="merge_into" value=(item.case_id)
                    data-action="merge" { (lang.t("intake.open_and_merge")) }
            } };
            (candidate(lang, item, merge))
        } }
    })
}

fn render(
    state: &AppState,
    person: &Person,
    kept: &FormFields,
    error: Option<&FieldError>,
) -> Markup {
    let lang = person.lang;
    let org = &state.org;
    let f = Field { lang, kept, error };
    // A street's dispatcher opens cases in its street unless they pick another.
    let own_street = match &person.user.role {
        shaobao_domain::Role::Dispatcher { street } => Some(street.clone()),
        _ => None,
    };
    let default_street = kept
        .get("location.street")
        .map(str::to_string)
        .or(own_street);
    let mut key = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut key);
    let key: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let body = html! {
        form.intake #intake-form method="post" action="/intake" data-action="open" {
            input type="hidden" name="csrf_token" value=(person.csrf_token);
            input type="hidden" name="idempotency_key" value=(key);
            @if let Some(e) = error { @if e.field.is_empty() { p.form-error role="alert" { (e.message) } } }
            fieldset { legend { (lang.t("field.category")) }
                (f.choice("channel", "channel", &["hotline", "grid_patrol", "household_visit", "walk_in", "volunteer"], Some("hotline")))
                (f.choice("kind", "kind", &["complaint", "help", "report", "consultation", "suggestion"], Some("complaint")))
                (categories(&f, org))
                (f.choice("urgency", "urgency", &["emergency", "utility", "ordinary", "complex"], None))
                p.hint #category-defaults {
                    (lang.t("intake.default_urgency")) ": " span #default-urgency {} " · "
                    (lang.t("intake.default_department")) ": " span #default-department {}
                }
            }
            fieldset { legend { (lang.t("field.description")) }
                label.wide { span { (lang.t("field.description")) }
                    textarea name="description" rows="4" required { (kept.get("description").unwrap_or_default()) }
                    (f.error("description")) }
                p.hint { (lang.t("intake.answer_hint")) }
            }
            fieldset { legend { (lang.t("case.location")) }
                (location(&f, org, default_street.as_deref()))
                (f.text("location.address", false))
            }
            fieldset { legend { (lang.t("case.requester")) }
                (f.text("requester.name", false))
                (f.text("requester.phone", false))
            }
            button.primary type="submit" { (lang.t("intake.submit")) }
        }
        // 类案: the top five similar cases of the draft, refreshed as it is filled in.
        section.similar #intake-similar hx-post="/intake/similar" hx-include="form.intake"
            hx-trigger="change from:form.intake, keyup changed delay:800ms from:form.intake textarea" {}
    };
    layout::page(person, &state.org, &lang.t("intake.title"), body)
}

struct Field<'a> {
    lang: Lang,
    kept: &'a FormFields,
    error: Option<&'a FieldError>,
}

impl Field<'_> {
    fn error(&self, name: &str) -> Markup {
        html! { @if let Some(e) = self.error { @if e.field == name {
            span.field-error data-field=(name) role="alert" { (self.lang.field_message(&e.message)) }
        } } }
    }

    fn text(&self, name: &str, required: bool) -> Markup {
        html! { label { span { (self.lang.t(&format!("field.{name}"))) }
        input type="text" name=(name) value=[self.kept.get(name)] required[required];
        (self.error(name)) } }
    }

    fn choice(&self, name: &str, group: &str, values: &[&str], default: Option<&str>) -> Markup {
        let chosen = self.kept.get(name).or(default);
        html! { label { span { (self.lang.t(&format!("field.{name}"))) }
        select name=(name) required[default.is_some()] {
            @if default.is_none() { option value="" { (self.lang.t("field.urgency.default")) } }
            @for v in values { option value=(v) selected[chosen == Some(*v)] { (self.lang.t(&format!("{group}.{v}"))) } }
        }
        (self.error(name)) } }
    }
}

/// Categories carry their defaults for the page script to show.
fn categories(f: &Field, org: &Organisation) -> Markup {
    let chosen = f.kept.get("category");
    html! { label { span { (f.lang.t("field.category")) }
    select name="category" #category required {
        option value="" { (f.lang.t("field.choose")) }
        @for c in &org.categories {
            option value=(c.code) selected[chosen == Some(c.code.as_str())]
                data-urgency=(f.lang.value("urgency", &c.default_urgency))
                data-department=(c.default_department.as_deref().map(|d| crate::console::names::department(org, d)).unwrap_or_default())
                { (c.name) }
        }
    }
    (f.error("category")) } }
}

/// Street → community → grid; the page script hides the options of other streets and communities.
fn location(f: &Field, org: &Organisation, street: Option<&str>) -> Markup {
    let community = f.kept.get("location.community");
    let grid = f.kept.get("location.grid");
    html! {
        label { span { (f.lang.t("field.location.street")) }
            select name="location.street" #street required {
                option value="" { (f.lang.t("field.choose")) }
                @for s in &org.streets { option value=(s.code) selected[street == Some(s.code.as_str())] { (s.name) } }
            }
            (f.error("location.street")) }
        label { span { (f.lang.t("field.location.community")) }
            select name="location.community" #community {
                option value="" { "—" }
                @for s in &org.streets { @for c in &s.communities {
                    option value=(c.code) data-street=(s.code) selected[community == Some(c.code.as_str())] { (c.name) }
                } }
            }
            (f.error("location.community")) }
        label { span { (f.lang.t("field.location.grid")) }
            select name="location.grid" #grid {
                option value="" { "—" }
                @for s in &org.streets { @for c in &s.communities { @for g in &c.grids {
                    option value=(g) data-community=(c.code) selected[grid == Some(g.as_str())] { (g) }
                } } }
            }
            (f.error("location.grid")) }
    }
}
