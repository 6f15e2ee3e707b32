//! The web console (DESIGN §6 "Console"): the pages people work in all day, served by
//! `shaobao serve` itself. Routes → view models → templates: handlers parse the form, check the
//! session and CSRF token, call the same services the API uses (never the API over HTTP), and
//! render with maud (templates checked at compile time). What a person may do on a case comes from
//! the domain (`Case::available_actions`); nothing here decides it.

mod assets;
mod error;
mod form;
mod headers;
mod i18n;
mod layout;
mod live;
mod months;
mod names;
mod pages;
mod session;

use axum::routing::{get, post};
use axum::{middleware, Router};

pub use live::LiveFeed;

use crate::server::AppState;

/// The console's settings (`serve --secure-cookies`).
#[derive(Debug, Clone, Default)]
pub struct ConsoleSettings {
    /// Mark cookies `Secure` (the console is served over HTTPS, e.g. behind a proxy).
    pub secure_cookies: bool,
}

pub fn routes() -> Router<AppState> {
    use pages::*;
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(login::form).post(login::sign_in))
        .route("/logout", post(login::sign_out))
        .route("/lang/{lang}", get(home::switch_language))
        .route("/queue/{street}", get(queue::page))
        .route("/queue/{street}/rows", get(queue::rows))
        .route("/inbox/{department}", get(inbox::page))
        .route("/inbox/{department}/rows", get(inbox::rows))
        .route("/alerts", get(alerts::page))
        .route("/alerts/rows", get(alerts::rows))
        .route("/board", get(board::page))
        .route("/board/lists", get(board::lists))
        .route("/board/needs", post(board::publish_need))
        .route("/board/resources", post(board::offer_resource))
        .route(
            "/communities/{community}/needs/{no}/{action}",
            post(board::act_on_need),
        )
        .route(
            "/communities/{community}/resources/{no}/match",
            post(board::match_resource),
        )
        .route("/members", post(board::register_member))
        .route("/intake", get(intake::form).post(intake::open))
        .route("/cases", get(search::page))
        .route("/cases/{id}", get(case::page))
        .route("/cases/{id}/{action}", post(case::act))
        .route(
            "/cases/{id}/whistles/{no}/{action}",
            post(case::act_on_whistle),
        )
        .route("/cases/{id}/tasks/{no}/{action}", post(case::act_on_task))
        .route("/stats", get(stats::page))
        .route("/stats.csv", get(stats::csv))
        .route("/map", get(map::page))
        .route("/map/data", get(map::data))
        .route("/wall", get(wall::page))
        .route("/wall/data", get(wall::data))
        .route("/audit/cases/{id}", get(audit::page))
        .route("/live", get(live::stream))
        .layer(middleware::from_fn(headers::security_headers))
        .route("/assets/{name}", get(assets::serve))
}
