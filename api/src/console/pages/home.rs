//! `/`: each person's daily screen; `/lang/{zh|en}`: the language switch.

use axum::extract::Path;
use axum::http::header::{LOCATION, REFERER};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use crate::console::i18n::Lang;
use crate::console::layout::home_of;
use crate::console::session::{add_cookie, set_cookie, Person, LANG_COOKIE};
use crate::server::AppState;
use axum::extract::State;

pub async fn home(person: Person) -> Redirect {
    Redirect::to(&home_of(&person.user.role))
}

/// Remembers the language for a year and goes back to the page the person was on.
pub async fn switch_language(
    State(state): State<AppState>,
    Path(lang): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::parse(&lang).unwrap_or_default();
    // Only a same-site referrer is sent (Referrer-Policy: same-origin); keep its path alone.
    let back = headers
        .get(REFERER)
        .and_then(|value| value.to_str().ok())
        .and_then(|url| url.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .filter(|path| !path.starts_with("//") && !path.starts_with("/lang/"))
        .unwrap_or_else(|| "/".into());
    let mut response = (StatusCode::SEE_OTHER, [(LOCATION, back)]).into_response();
    add_cookie(
        response.headers_mut(),
        set_cookie(&state, LANG_COOKIE, lang.short(), Some(365 * 86_400)),
    );
    response
}
