//! A dispatcher signed in to the console on one node, whose session cookie every other node must
//! accept (sessions are rows in the shared database, DESIGN §7).

use std::sync::Arc;

use chrono::Utc;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use shaobao_domain::org::Organisation;
use shaobao_domain::Role;
use shaobao_services::accounts::{Accounts, NewUser};
use shaobao_services::store::Store;

const LOGIN: &str = "wang.dispatch";
const NAME: &str = "王调度";
const PASSWORD: &str = "correct horse battery";
const STREET: &str = "jingshan";

/// The `sb_session` cookie of a fresh sign-in.
pub struct Session(String);

/// Creates the dispatcher's account.
pub async fn create_dispatcher(store: &Store, org: Arc<Organisation>) {
    let new = NewUser {
        login: LOGIN.into(),
        display_name: NAME.into(),
        role: Role::Dispatcher {
            street: STREET.into(),
        },
    };
    Accounts::new(store.clone(), org)
        .create(new, PASSWORD, Utc::now())
        .await
        .expect("create the dispatcher");
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// Value of cookie `name` among a response's `Set-Cookie` headers.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all(SET_COOKIE).iter().find_map(|h| {
        let pair = h.to_str().ok()?.split(';').next()?;
        let (key, value) = pair.split_once('=')?;
        (key.trim() == name && !value.is_empty()).then(|| value.to_string())
    })
}

/// Signs in through the login form of `node` (its CSRF cookie, then the form).
pub async fn sign_in(node: &str) -> Session {
    let http = http();
    let form = http.get(format!("{node}/login")).send().await.unwrap();
    let csrf = set_cookie(&form, "sb_login_csrf").expect("login CSRF cookie");
    let signed_in = http
        .post(format!("{node}/login"))
        .header(COOKIE, format!("sb_login_csrf={csrf}"))
        .form(&[
            ("login", LOGIN),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        signed_in.status(),
        StatusCode::SEE_OTHER,
        "sign-in on {node}"
    );
    Session(set_cookie(&signed_in, "sb_session").expect("session cookie"))
}

/// Whether `node` shows the dispatcher's queue to this session (not the way to the login form).
pub async fn accepted_by(node: &str, session: &Session) -> bool {
    let page = http()
        .get(format!("{node}/queue/{STREET}"))
        .header(COOKIE, format!("sb_session={}", session.0))
        .send()
        .await
        .unwrap();
    let status = page.status();
    let location = page.headers().get(LOCATION).cloned();
    let body = page.text().await.unwrap_or_default();
    let accepted = status == StatusCode::OK && body.contains(NAME);
    if !accepted {
        eprintln!("{node} refused the session: {status} {location:?}");
    }
    accepted
}
