//! Hotline clients spreading commands over every node: each opens a case and dispatches it, again
//! and again; a request that fails (connection refused, reset, 5xx) goes to the next node with the
//! same `Idempotency-Key`, until one answers. What was answered is what must be in the log.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tokio::task::JoinHandle;

/// How long one command may take to be answered by some node, failovers included.
const ANSWER_LIMIT: Duration = Duration::from_secs(120);

/// A command a node acknowledged (2xx): its key and answer (`case_id`, `version`).
#[derive(Debug, Clone)]
pub struct Acknowledged {
    pub key: String,
    pub answer: Value,
}

pub struct Clients {
    stop: Arc<AtomicBool>,
    tasks: Vec<JoinHandle<()>>,
    acknowledged: Arc<Mutex<Vec<Acknowledged>>>,
    /// Requests that failed on one node and went to another.
    pub retries: Arc<AtomicU64>,
}

impl Clients {
    pub fn start(count: usize, nodes: Vec<String>, token: String) -> Clients {
        let stop = Arc::new(AtomicBool::new(false));
        let acknowledged = Arc::new(Mutex::new(Vec::new()));
        let retries = Arc::new(AtomicU64::new(0));
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap();
        let tasks = (0..count)
            .map(|client| {
                let client = Client {
                    number: client,
                    nodes: nodes.clone(),
                    token: token.clone(),
                    http: http.clone(),
                    acknowledged: acknowledged.clone(),
                    retries: retries.clone(),
                };
                let stop = stop.clone();
                tokio::spawn(async move {
                    let mut case = 0;
                    while !stop.load(Ordering::Relaxed) {
                        client.open_and_dispatch(case).await;
                        case += 1;
                    }
                })
            })
            .collect();
        Clients {
            stop,
            tasks,
            acknowledged,
            retries,
        }
    }

    pub fn acknowledged_count(&self) -> usize {
        self.acknowledged.lock().unwrap().len()
    }

    /// Fails the test if a client task panicked (a command refused with 4xx, or never answered).
    pub fn check(&self) {
        assert!(
            self.tasks.iter().all(|task| !task.is_finished()),
            "a client stopped"
        );
    }

    /// Lets each client finish the case it is on, and returns every acknowledged command.
    pub async fn stop(self) -> Vec<Acknowledged> {
        self.stop.store(true, Ordering::Relaxed);
        for task in self.tasks {
            task.await.expect("client");
        }
        std::mem::take(&mut *self.acknowledged.lock().unwrap())
    }
}

struct Client {
    number: usize,
    nodes: Vec<String>,
    token: String,
    http: reqwest::Client,
    acknowledged: Arc<Mutex<Vec<Acknowledged>>>,
    retries: Arc<AtomicU64>,
}

impl Client {
    async fn open_and_dispatch(&self, case: usize) {
        let key = format!("client-{}-case-{case}", self.number);
        let opened = self
            .until_answered("/api/v1/cases", &key, complaint())
            .await;
        let id = opened["case_id"].as_str().expect("case_id").to_string();
        let path = format!("/api/v1/cases/{id}/dispatch");
        let unit = json!({ "unit": { "department": "urban_management" } });
        let dispatch_key = format!("{key}-dispatch");
        let dispatched = self.until_answered(&path, &dispatch_key, unit).await;
        self.acknowledged.lock().unwrap().extend([
            Acknowledged {
                key,
                answer: opened,
            },
            Acknowledged {
                key: dispatch_key,
                answer: dispatched,
            },
        ]);
    }

    /// Posts to one node after another, the same key each time, until one answers 2xx.
    async fn until_answered(&self, path: &str, key: &str, body: Value) -> Value {
        let deadline = Instant::now() + ANSWER_LIMIT;
        for attempt in self.number.. {
            let node = &self.nodes[attempt % self.nodes.len()];
            let sent = self
                .http
                .post(format!("{node}{path}"))
                .bearer_auth(&self.token)
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
                assert!(
                    status.is_server_error(),
                    "{path} on {node}: {status} {answer}"
                );
            }
            self.retries.fetch_add(1, Ordering::Relaxed);
            assert!(Instant::now() < deadline, "{path} ({key}) never answered");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        unreachable!("the attempts never end")
    }
}

fn complaint() -> Value {
    json!({
        "channel": "hotline", "kind": "complaint", "category": "noise",
        "description": "夜间施工噪声", "location": { "street": "jingshan" }
    })
}
