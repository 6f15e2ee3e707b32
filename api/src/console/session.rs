//! Who is at the browser: the session cookie, the signed-in person, their language, and the CSRF
//! token every form carries. Sessions live in the store (any node accepts them); this module only
//! reads and writes cookies and asks the accounts service.

use axum::extract::FromRequestParts;
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use shaobao_domain::Actor;
use shaobao_services::accounts::{csrf_matches, User};

use super::error::ConsoleError;
use super::form::FormFields;
use super::i18n::Lang;
use crate::server::AppState;

pub const SESSION_COOKIE: &str = "sb_session";
pub const LANG_COOKIE: &str = "sb_lang";
/// Double-submit token of the sign-in form (there is no session yet to hold one).
pub const LOGIN_CSRF_COOKIE: &str = "sb_login_csrf";

/// The value of cookie `name`, if the request sent it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A `Set-Cookie` value: always `HttpOnly; SameSite=Strict; Path=/`, `Secure` when the server is
/// configured for HTTPS; `max_age` 0 removes the cookie.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let mut cookie = format!("{name}={value}; HttpOnly; SameSite=Strict; Path=/");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if state.console.secure_cookies {
        cookie.push_str("; Secure");
    }
    HeaderValue::from_str(&cookie).expect("cookie values are hex or ASCII words")
}

/// Appends a `Set-Cookie` header.
pub fn add_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// The language the person chose (Chinese unless the cookie says otherwise).
pub fn lang_of(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(Lang::parse)
        .unwrap_or_default()
}

/// A signed-in person: their account, the actor they act as, their session's CSRF token and
/// language.
#[derive(Debug, Clone)]
pub struct Person {
    pub user: User,
    pub csrf_token: String,
    pub lang: Lang,
}

impl Person {
    /// The actor recorded in every event this person causes: role, scope, user id and name.
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }

    /// Refuses a form whose `csrf_token` is not this session's.
    pub fn check_csrf(&self, form: &FormFields) -> Result<(), ConsoleError> {
        match form.get("csrf_token") {
            Some(given) if csrf_matches(&self.csrf_token, given) => Ok(()),
            _ => Err(ConsoleError::Csrf),
        }
    }
}

impl FromRequestParts<AppState> for Person {
    type Rejection = ConsoleError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ConsoleError> {
        let sign_in = || ConsoleError::SignInRequired {
            next: parts
                .uri
                .path_and_query()
                .map_or("/".to_string(), |p| p.as_str().to_string()),
        };
        let Some(value) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Err(sign_in());
        };
        let session = state
            .accounts
            .session(value, state.clock.now())
            .await
            .map_err(|err| ConsoleError::Unavailable(err.to_string()))?;
        match session {
            Some(session) => Ok(Person {
                user: session.user,
                csrf_token: session.csrf_token,
                lang: lang_of(&parts.headers),
            }),
            None => Err(sign_in()),
        }
    }
}

/// The person's language, for pages without a session (sign-in).
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(lang_of(&parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("sb_lang=en; sb_session=abc; x=1"),
        );
        headers.append(COOKIE, HeaderValue::from_static("other=2"));
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&headers, "other"), Some("2"));
        assert_eq!(cookie(&headers, "sb_sess"), None);
        assert_eq!(lang_of(&headers), Lang::En);
    }
}
