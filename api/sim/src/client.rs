//! The simulated clients' HTTP client: JSON commands with an `Idempotency-Key`, and reads that
//! wait for the read models (`min_position`) and retry while they answer 503.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::error::SimError;

/// How often a read that answers 503 (read models still catching up) is tried again.
const READ_ATTEMPTS: u32 = 12;

/// When each command was answered, and milliseconds from sending it to the answer.
pub type Answered = Arc<Mutex<Vec<(Instant, f64)>>>;

#[derive(Debug, Clone)]
pub struct ApiClient {
    http: reqwest::Client,
    /// The nodes, taken in turn: a request tried again goes to the next one.
    bases: Arc<[String]>,
    next: Arc<AtomicUsize>,
    /// When each command was answered and how many milliseconds after it was sent, where the
    /// caller asked for them.
    latencies: Option<Answered>,
}

/// A status and its JSON body (`Null` when the body is not JSON).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `error.message` of an error answer.
    pub fn message(&self) -> &str {
        self.body["error"]["message"].as_str().unwrap_or_default()
    }
}

impl ApiClient {
    pub fn new(addr: SocketAddr) -> Result<ApiClient, SimError> {
        ApiClient::spread(vec![format!("http://{addr}")], None)
    }

    /// A client of several nodes (`http://host:port` each), recording command latencies into
    /// `latencies` when given.
    pub fn spread(bases: Vec<String>, latencies: Option<Answered>) -> Result<ApiClient, SimError> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()?;
        Ok(ApiClient {
            http,
            bases: bases.into(),
            next: Arc::new(AtomicUsize::new(0)),
            latencies,
        })
    }

    fn base(&self) -> &str {
        &self.bases[self.next.fetch_add(1, Ordering::Relaxed) % self.bases.len()]
    }

    pub async fn post(
        &self,
        path: &str,
        token: &str,
        key: &str,
        body: &Value,
    ) -> Result<Answer, reqwest::Error> {
        let request = self
            .http
            .post(format!("{}{path}", self.base()))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(body);
        let sent = Instant::now();
        let answer = answer(request).await;
        if let Some(latencies) = &self.latencies {
            let ms = sent.elapsed().as_secs_f64() * 1000.0;
            latencies
                .lock()
                .expect("latencies")
                .push((Instant::now(), ms));
        }
        answer
    }

    /// `GET path` (with its query), retried while the read models are not caught up.
    pub async fn read(&self, path: &str, token: &str) -> Result<Value, SimError> {
        for _ in 0..READ_ATTEMPTS {
            let request = self
                .http
                .get(format!("{}{path}", self.base()))
                .bearer_auth(token);
            let answer = answer(request).await?;
            match answer.status {
                200 => return Ok(answer.body),
                503 => tokio::time::sleep(Duration::from_millis(500)).await,
                status => {
                    let message = answer.message().to_string();
                    return Err(SimError::ReadBack(format!("{path}: {status} {message}")));
                }
            }
        }
        Err(SimError::ReadBack(format!(
            "{path}: read models did not catch up"
        )))
    }
}

async fn answer(request: reqwest::RequestBuilder) -> Result<Answer, reqwest::Error> {
    let response = request.send().await?;
    let status = response.status().as_u16();
    let text = response.text().await?;
    Ok(Answer {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
    })
}
