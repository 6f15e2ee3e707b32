//! The real server on a random port, for HTTP tests: a fresh store (PostgreSQL or SQLite), the
//! sample district, a manual clock, a token for every role, and a client with typed helpers.
//!
//! ```ignore
//! let Some(app) = spawn_app(Backend::Sqlite).await else { return };
//! let opened = app.post("/api/v1/cases", &app.tokens.hotline, &body).await;
//! assert_eq!(opened.status, 201, "{opened}");
//! ```

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde_json::Value;
use shaobao_api::{AppState, ServeConfig, Server};
use shaobao_domain::Role;
use shaobao_services::accounts::{Accounts, NewUser, User};
use shaobao_services::clock::{Clock, ManualClock};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::databases::{Backend, TestStore};

/// The sample district's street, department and volunteer the preset tokens are scoped to.
pub const STREET: &str = "jingshan";
pub const OTHER_STREET: &str = "donghuamen";
pub const DEPARTMENT: &str = "urban_management";
pub const MEMBER: &str = "gw-7";

/// Monday 2 March 2026, 10:00 in Beijing: a working day, inside working hours.
pub fn start_of_tests() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

/// One bearer token per role, scoped to [`STREET`], [`DEPARTMENT`] and [`MEMBER`].
#[derive(Debug, Clone)]
pub struct Tokens {
    pub hotline: String,
    pub dispatcher: String,
    pub department: String,
    pub volunteer: String,
    pub auditor: String,
    pub intake: String,
    pub admin: String,
}

/// A running server; stopped when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub clock: Arc<ManualClock>,
    /// The server's own state: its case service, store and token store.
    pub state: AppState,
    pub tokens: Tokens,
    pub backend: Backend,
    stop: Option<oneshot::Sender<()>>,
    served: Option<JoinHandle<()>>,
    // Dropped last: the database outlives the server.
    _store: TestStore,
}

/// Starts the server on a fresh store, or `None` (after printing why) when PostgreSQL is
/// unreachable outside CI.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    let store = TestStore::fresh(backend).await?;
    let config = ServeConfig {
        database_url: store.url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        ..ServeConfig::default()
    };
    let clock = Arc::new(ManualClock::new(start_of_tests()));
    let server = Server::start_with_clock(&config, clock.clone())
        .await
        .expect("server starts");
    let addr = server.local_addr();
    let state = server.state().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        server.run(shutdown).await.expect("server runs");
    });
    let tokens = Tokens {
        hotline: issue(&state, Role::Hotline).await,
        dispatcher: issue(&state, dispatcher(STREET)).await,
        department: issue(&state, department(DEPARTMENT)).await,
        volunteer: issue(&state, volunteer(MEMBER)).await,
        auditor: issue(&state, Role::Auditor).await,
        intake: issue(&state, Role::Intake).await,
        admin: issue(&state, Role::Admin).await,
    };
    let app = TestApp {
        addr,
        client: reqwest::Client::new(),
        clock,
        state,
        tokens,
        backend,
        stop: Some(stop),
        served: Some(served),
        _store: store,
    };
    Some(app)
}

async fn issue(state: &AppState, role: Role) -> String {
    state
        .tokens
        .create(role, &state.org, Utc::now())
        .await
        .expect("create token")
        .token
}

pub fn dispatcher(street: &str) -> Role {
    Role::Dispatcher {
        street: street.into(),
    }
}

pub fn department(code: &str) -> Role {
    Role::Department {
        department: code.into(),
    }
}

pub fn volunteer(member: &str) -> Role {
    Role::Volunteer {
        member: member.into(),
    }
}

/// A response: status, headers and the body as JSON (`Value::Null` when empty or not JSON, with
/// the raw text kept).
#[derive(Debug, Clone)]
pub struct TestResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `error.code`, `error.field` of an error answer.
    pub fn error(&self) -> (&str, Option<&str>) {
        let error = &self.body["error"];
        (
            error["code"].as_str().unwrap_or_default(),
            error["field"].as_str(),
        )
    }
}

impl fmt::Display for TestResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} {}", self.status, self.text)
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A new token for `role`, created through the server's token store.
    pub async fn token(&self, role: Role) -> String {
        issue(&self.state, role).await
    }

    /// A staff account for the console (DESIGN §1 "People and machines"), created through the
    /// server's account store; `password` must be at least 10 characters.
    pub async fn create_user(
        &self,
        login: &str,
        display_name: &str,
        role: Role,
        password: &str,
    ) -> User {
        let accounts = Accounts::new(self.state.store.clone(), self.state.org.clone());
        let new = NewUser {
            login: login.into(),
            display_name: display_name.into(),
            role,
        };
        accounts
            .create(new, password, self.clock.now())
            .await
            .unwrap_or_else(|err| panic!("create user {login}: {err}"))
    }

    /// `POST path` with a JSON body and a bearer token (`""`: no Authorization header).
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> TestResponse {
        self.post_with(path, token, body, &[]).await
    }

    /// `POST path` with extra headers, e.g. `[("Idempotency-Key", "k1"), ("If-Match", "3")]`.
    pub async fn post_with(
        &self,
        path: &str,
        token: &str,
        body: &Value,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        self.post_raw(path, token, body.to_string(), headers).await
    }

    /// `POST path` with a body sent as is (malformed JSON, oversized bodies).
    pub async fn post_raw(
        &self,
        path: &str,
        token: &str,
        body: impl Into<reqwest::Body>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        self.request(Method::POST, path, token, body, headers).await
    }

    /// Any request, with a JSON content type and a body sent as is.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: &str,
        body: impl Into<reqwest::Body>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = self
            .client
            .request(method, self.url(path))
            .header("content-type", "application/json")
            .body(body);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request, token).await
    }

    /// `GET path` with a bearer token (`""`: none).
    pub async fn get(&self, path: &str, token: &str) -> TestResponse {
        self.get_with(path, token, &[]).await
    }

    pub async fn get_with(
        &self,
        path: &str,
        token: &str,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request, token).await
    }

    async fn send(&self, mut request: reqwest::RequestBuilder, token: &str) -> TestResponse {
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("response body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            body,
            text,
        }
    }

    /// Events stored for one case (straight from the store).
    pub async fn event_count(&self, case_id: &str) -> usize {
        self.state
            .store
            .history("case", case_id)
            .await
            .expect("history")
            .len()
    }

    /// Events stored in all (straight from the store), to prove a refusal wrote nothing.
    pub async fn total_events(&self) -> i64 {
        let sql = "SELECT count(*) FROM events";
        let (n,): (i64,) = match &self.state.store {
            shaobao_services::store::Store::Postgres(pool) => {
                sqlx::query_as(sql).fetch_one(pool).await
            }
            shaobao_services::store::Store::Sqlite(pool) => {
                sqlx::query_as(sql).fetch_one(pool).await
            }
        }
        .expect("count events");
        n
    }

    /// Stops the server and waits for it to finish in-flight requests.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(served) = self.served.take() {
            served.await.expect("server task");
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
