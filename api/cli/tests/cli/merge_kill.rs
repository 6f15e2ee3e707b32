//! The real `shaobao serve`, aborted between the two streams of a merge (`CaseMerged` committed,
//! `DuplicateAttached` not yet) and of a close (the primary's `CaseClosed` committed, its
//! duplicates' not yet) by the test hook `SHAOBAO_CRASH_AFTER`, and started again: the next
//! process completes the merge with one `DuplicateAttached` and closes each duplicate once.

use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{json, Value};
use shaobao_domain::Role;
use shaobao_services::org_file::load_org;
use shaobao_services::store::{LoggedEvent, Store};
use shaobao_services::tokens::TokenStore;
use shaobao_tests::databases::{Backend, TestStore};

const DEPARTMENT: &str = "urban_management";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres() {
    merge_and_close_survive_a_crash(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite() {
    merge_and_close_survive_a_crash(Backend::Sqlite).await;
}

async fn merge_and_close_survive_a_crash(backend: Backend) {
    let Some(store) = TestStore::fresh(backend).await else {
        return;
    };
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let api = Api {
        http: reqwest::Client::new(),
        base: format!("http://127.0.0.1:{port}"),
        hotline: token(&store.store, Role::Hotline).await,
        department: token(
            &store.store,
            Role::Department {
                department: DEPARTMENT.into(),
            },
        )
        .await,
    };
    let serve = |crash_after: Option<&str>| spawn_server(&store.url, port, crash_after);

    // Dies right after the merge's own commit.
    let mut server = serve(Some("CaseMerged"));
    api.ready().await;
    let primary = api.open().await;
    let (first, second) = (api.open().await, api.open().await);
    let into = json!({"into": primary});
    let merge = format!("/api/v1/cases/{first}/merge");
    let merged = api.post(&merge, &api.hotline, &into).await;
    assert!(merged.is_err(), "the process died before answering");
    assert!(!server.wait().unwrap().success());
    let events = |id: &str| history(&store.store, id.to_string());
    assert_eq!(count(&events(&first).await, "CaseMerged"), 1);
    assert_eq!(count(&events(&primary).await, "DuplicateAttached"), 0);

    // The next process attaches it; then dies right after the primary's close.
    let mut server = serve(Some("CaseClosed"));
    api.ready().await;
    until("attached", || async {
        count(&events(&primary).await, "DuplicateAttached") == 1
    })
    .await;
    api.step(&second, "merge", &api.hotline, into.clone()).await;
    for (action, token, body) in [
        (
            "dispatch",
            &api.hotline,
            json!({"unit": {"department": DEPARTMENT}}),
        ),
        ("sign", &api.department, json!({})),
        ("contact", &api.department, json!({"channel": "phone"})),
        (
            "resolution",
            &api.department,
            json!({"outcome": "resolved", "summary": "已处理"}),
        ),
        ("verification", &api.hotline, json!({"accepted": true})),
        (
            "callback",
            &api.hotline,
            json!({"reached": true, "resolved": true, "satisfaction": "satisfied"}),
        ),
    ] {
        api.step(&primary, action, token, body).await;
    }
    let close = format!("/api/v1/cases/{primary}/close");
    let closed = api.post(&close, &api.hotline, &json!({})).await;
    assert!(closed.is_err(), "the process died before answering");
    assert!(!server.wait().unwrap().success());
    assert_eq!(count(&events(&primary).await, "CaseClosed"), 1);
    for duplicate in [&first, &second] {
        assert_eq!(count(&events(duplicate).await, "CaseClosed"), 0);
    }

    // The next process closes both duplicates with their primary, once each.
    let mut server = serve(None);
    api.ready().await;
    for duplicate in [&first, &second] {
        until("closed with the primary", || async {
            count(&events(duplicate).await, "CaseClosed") == 1
        })
        .await;
    }
    // Passes of the merge follower after the work is done change nothing.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let attached: Vec<String> = events(&primary)
        .await
        .iter()
        .filter(|e| e.event_type == "DuplicateAttached")
        .map(|e| e.payload["DuplicateAttached"]["case_id"].to_string())
        .collect();
    assert_eq!(
        attached,
        [json!(first).to_string(), json!(second).to_string()]
    );
    for duplicate in [&first, &second] {
        let closes: Vec<Value> = events(duplicate)
            .await
            .into_iter()
            .filter(|e| e.event_type == "CaseClosed")
            .map(|e| e.payload["CaseClosed"]["via_primary"].clone())
            .collect();
        assert_eq!(closes, [json!(primary)], "{duplicate}");
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

struct Api {
    http: reqwest::Client,
    base: String,
    hotline: String,
    department: String,
}

impl Api {
    async fn ready(&self) {
        until("server ready", || async {
            let ready = self.http.get(format!("{}/health/ready", self.base)).send();
            ready.await.is_ok_and(|r| r.status().is_success())
        })
        .await;
    }

    async fn post(&self, path: &str, token: &str, body: &Value) -> reqwest::Result<Value> {
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await?;
        let status = response.status();
        let answer: Value = response.json().await?;
        assert!(status.is_success(), "{path}: {status} {answer}");
        Ok(answer)
    }

    async fn open(&self) -> String {
        let body = json!({
            "channel": "hotline", "kind": "complaint", "category": "noise",
            "description": "夜间施工噪声", "location": { "street": "jingshan" }
        });
        let opened = self.post("/api/v1/cases", &self.hotline, &body).await;
        opened.unwrap()["case_id"].as_str().unwrap().to_string()
    }

    async fn step(&self, id: &str, action: &str, token: &str, body: Value) {
        let path = format!("/api/v1/cases/{id}/{action}");
        self.post(&path, token, &body).await.unwrap();
    }
}

async fn token(store: &Store, role: Role) -> String {
    let org = load_org(None, 1.0).unwrap();
    let tokens = TokenStore::new(store.clone());
    tokens.create(role, &org, Utc::now()).await.unwrap().token
}

fn spawn_server(database_url: &str, port: u16, crash_after: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shaobao"));
    command
        .args(["serve", "--database-url", database_url])
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .env_remove("SHAOBAO_CRASH_AFTER")
        .stdout(Stdio::null());
    if let Some(event) = crash_after {
        command.env("SHAOBAO_CRASH_AFTER", event);
    }
    command.spawn().expect("start shaobao serve")
}

async fn history(store: &Store, id: String) -> Vec<LoggedEvent> {
    store.history("case", &id).await.unwrap()
}

fn count(events: &[LoggedEvent], event_type: &str) -> usize {
    events.iter().filter(|e| e.event_type == event_type).count()
}

/// Polls `done` until it holds (at most 60 s).
async fn until<F: std::future::Future<Output = bool>>(what: &str, done: impl Fn() -> F) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done().await {
        assert!(Instant::now() < deadline, "{what}: timed out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
