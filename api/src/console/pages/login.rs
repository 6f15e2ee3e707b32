//! `/login` and `/logout`. The sign-in form has no session to hold its CSRF token, so it uses a
//! double-submit cookie; the accounts service counts failures and locks a login out (429).

use axum::extract::{Query, State};
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};
use rand::RngCore;
use serde::Deserialize;
use shaobao_services::accounts::{csrf_matches, SignInError};

use crate::console::error::ConsoleError;
use crate::console::form::FormFields;
use crate::console::i18n::Lang;
use crate::console::layout;
use crate::console::session::{
    add_cookie, cookie, set_cookie, PageLang, Person, LOGIN_CSRF_COOKIE, SESSION_COOKIE,
};
use crate::server::AppState;

#[derive(Deserialize)]
pub struct Next {
    next: Option<String>,
}

pub async fn form(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    Query(next): Query<Next>,
) -> Response {
    render(&state, lang, next.next.as_deref(), "", None, StatusCode::OK)
}

pub async fn sign_in(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let form = FormFields(pairs);
    let next = form.get("next");
    let csrf_ok = match (cookie(&headers, LOGIN_CSRF_COOKIE), form.get("csrf_token")) {
        (Some(expected), Some(given)) => csrf_matches(expected, given),
        _ => false,
    };
    if !csrf_ok {
        return Err(ConsoleError::Csrf);
    }
    let login = form.get("login").unwrap_or_default().trim();
    let password = form.get("password").unwrap_or_default();
    let refused = |key: &str, status| Ok(render(&state, lang, next, login, Some(key), status));
    match state
        .accounts
        .sign_in(login, password, state.clock.now())
        .await
    {
        Ok(signed_in) => {
            let mut response = (
                StatusCode::SEE_OTHER,
                [(LOCATION, safe_next(next).to_string())],
            )
                .into_response();
            let headers = response.headers_mut();
            add_cookie(
                headers,
                set_cookie(&state, SESSION_COOKIE, &signed_in.session, None),
            );
            add_cookie(headers, set_cookie(&state, LOGIN_CSRF_COOKIE, "", Some(0)));
            Ok(response)
        }
        Err(SignInError::WrongCredentials) => refused("login.wrong", StatusCode::UNAUTHORIZED),
        Err(SignInError::Disabled) => refused("login.disabled", StatusCode::FORBIDDEN),
        Err(SignInError::LockedOut { .. }) => {
            refused("login.locked", StatusCode::TOO_MANY_REQUESTS)
        }
        Err(err) => Err(ConsoleError::Unavailable(err.to_string())),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    person: Person,
    headers: HeaderMap,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    person.check_csrf(&FormFields(pairs))?;
    if let Some(session) = cookie(&headers, SESSION_COOKIE) {
        state
            .accounts
            .sign_out(session, state.clock.now())
            .await
            .map_err(|err| ConsoleError::Unavailable(err.to_string()))?;
    }
    let mut response = (StatusCode::SEE_OTHER, [(LOCATION, "/login")]).into_response();
    add_cookie(
        response.headers_mut(),
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(response)
}

/// Only a path on this site: never `//other.host` or `https://…` (no open redirect).
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path) if path.starts_with('/') && !path.starts_with("//") && !path.contains('\\') => {
            path
        }
        _ => "/",
    }
}

fn render(
    state: &AppState,
    lang: Lang,
    next: Option<&str>,
    login: &str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let mut token = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut token);
    let token = hex_string(&token);
    let body = login_form(lang, &token, next, login, error);
    let mut response = (status, layout::bare(&lang.t("login.title"), body)).into_response();
    add_cookie(
        response.headers_mut(),
        set_cookie(state, LOGIN_CSRF_COOKIE, &token, Some(3600)),
    );
    response
}

fn login_form(
    lang: Lang,
    token: &str,
    next: Option<&str>,
    login: &str,
    error: Option<&str>,
) -> Markup {
    html! {
        section.login-card {
            div.login-brand { span.logo { "哨" } div { h1 { (lang.t("app.name")) } p { (lang.t("app.tagline")) } } }
            form method="post" action="/login" data-action="login" {
                input type="hidden" name="csrf_token" value=(token);
                @if let Some(next) = next { input type="hidden" name="next" value=(next); }
                @if let Some(key) = error { p.form-error role="alert" { (lang.t(key)) } }
                label { span { (lang.t("login.login")) }
                    input type="text" name="login" value=(login) autocomplete="username" required autofocus; }
                label { span { (lang.t("login.password")) }
                    input type="password" name="password" autocomplete="current-password" required; }
                button.primary type="submit" { (lang.t("login.submit")) }
            }
            p.lang-switch { a href={ "/lang/" (lang.other().short()) } { (lang.t("nav.lang")) } }
        }
    }
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next(Some("/queue/jingshan")), "/queue/jingshan");
        assert_eq!(safe_next(Some("//evil.example/x")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
