//! The real `shaobao serve` with a NATS URL, SIGKILLed in the middle of a burst of concurrent HTTP
//! commands and started again: every acknowledged command is in the log, and the stream `SHAOBAO`
//! ends up holding exactly the log, in order, once.

use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::{json, Value};
use shaobao_domain::Role;
use shaobao_services::org_file::load_org;
use shaobao_services::tokens::TokenStore;
use shaobao_tests::databases::{Backend, TestStore};
use shaobao_tests::nats::stream::assert_stream_is_the_log;
use shaobao_tests::nats::NatsServer;

const CLIENTS: usize = 8;
const CASES_PER_CLIENT: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres() {
    killed_mid_burst(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite() {
    killed_mid_burst(Backend::Sqlite).await;
}

async fn killed_mid_burst(backend: Backend) {
    let Some(store) = TestStore::fresh(backend).await else {
        return;
    };
    let Some(nats) = NatsServer::start().await else {
        return;
    };
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let serve = || spawn_server(&store.url, &nats.url(), port);
    let mut server = serve();
    wait_until_ready(&base).await;
    let org = load_org(None, 1.0).unwrap();
    let tokens = TokenStore::new(store.store.clone());
    let token = tokens
        .create(Role::Hotline, &org, Utc::now())
        .await
        .unwrap()
        .token;

    // Clients open and dispatch cases, each request retried with its key until it is answered.
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let (base, token, acknowledged) = (base.clone(), token.clone(), acknowledged.clone());
            tokio::spawn(async move {
                for n in 0..CASES_PER_CLIENT {
                    let key = format!("client-{client}-case-{n}");
                    let opened = until_answered(&base, &token, "/api/v1/cases", &key, open()).await;
                    let id = opened["case_id"].as_str().unwrap().to_string();
                    let path = format!("/api/v1/cases/{id}/dispatch");
                    let dispatch = json!({ "unit": { "department": "urban_management" } });
                    let key = format!("{key}-dispatch");
                    let dispatched = until_answered(&base, &token, &path, &key, dispatch).await;
                    acknowledged.lock().unwrap().extend([opened, dispatched]);
                }
            })
        })
        .collect();
    // Half-way through the burst (each case is two commands).
    let half = CLIENTS * CASES_PER_CLIENT;
    while acknowledged.lock().unwrap().len() < half {
        assert!(clients.iter().all(|c| !c.is_finished()), "a client failed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap();
    server.wait().unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut server = serve();
    for client in clients {
        client.await.unwrap();
    }

    let acknowledged = std::mem::take(&mut *acknowledged.lock().unwrap());
    for answer in &acknowledged {
        let id = answer["case_id"].as_str().unwrap();
        let history = store.store.history("case", id).await.unwrap();
        assert!(
            history.len() as i64 >= answer["version"].as_i64().unwrap(),
            "{answer}"
        );
    }
    let client = async_nats::connect(nats.url()).await.unwrap();
    assert_stream_is_the_log(&store.store, &async_nats::jetstream::new(client)).await;
    server.kill().unwrap();
    server.wait().unwrap();
}

fn spawn_server(database_url: &str, nats_url: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_shaobao"))
        .args([
            "serve",
            "--database-url",
            database_url,
            "--nats-url",
            nats_url,
        ])
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("start shaobao serve")
}

async fn wait_until_ready(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(response) = reqwest::get(format!("{base}/health/ready")).await {
            if response.status().is_success() {
                return;
            }
        }
        assert!(Instant::now() < deadline, "server never became ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn open() -> Value {
    json!({
        "channel": "hotline", "kind": "complaint", "category": "noise",
        "description": "夜间施工噪声", "location": { "street": "jingshan" }
    })
}

/// Posts until the server answers 2xx (it may be down or restarting), with the same key each time.
async fn until_answered(base: &str, token: &str, path: &str, key: &str, body: Value) -> Value {
    let http = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let sent = http
            .post(format!("{base}{path}"))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await;
        if let Ok(response) = sent {
            let status = response.status();
            let answer: Value = response.json().await.unwrap_or(Value::Null);
            if status.is_success() {
                return answer;
            }
            assert!(status.is_server_error(), "{path}: {status} {answer}");
        }
        assert!(Instant::now() < deadline, "{path} never answered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
