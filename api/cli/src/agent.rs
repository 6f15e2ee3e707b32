//! `shaobao agent`: a department's side of the NATS feed. It follows
//! `shaobao.whistles.<department>` with a durable consumer and reports in to every whistle that
//! summons the department, over HTTP with the department's token (DESIGN §3 报到).
//!
//! Each report-in carries the message's `Nats-Msg-Id` as its `Idempotency-Key`, and a message is
//! acknowledged only once the server has answered: a message delivered again (the agent crashed,
//! the acknowledgement was lost) repeats the same command, which the server answers with the first
//! outcome. Dispatches are only logged: signing for a case is a person's decision.

use std::future::Future;
use std::time::Duration;

use async_nats::jetstream::consumer::{pull, AckPolicy, PullConsumer};
use async_nats::jetstream::{self, AckKind};
use clap::Args;
use futures::StreamExt;
use reqwest::StatusCode;
use shaobao_services::relay::{
    seed_servers, subject_token, DepartmentNotice, NoticeWork, SeedServersError, STREAM_NAME,
};
use tracing::{info, warn};

/// How long a failed report-in waits before the message comes again.
const RETRY_AFTER: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, Args)]
pub struct AgentConfig {
    /// The department whose whistles to answer (its code in the organisation).
    #[arg(long, env = "SHAOBAO_AGENT_DEPARTMENT")]
    pub department: String,
    /// The department's bearer token (`shaobao token create --role department --department D`).
    #[arg(long, env = "SHAOBAO_AGENT_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The NATS server the relay publishes to, or a cluster's servers, comma-separated.
    #[arg(long, env = "SHAOBAO_NATS_URL", value_name = "URL[,URL…]")]
    pub nats_url: String,
    /// The Shaobao server, e.g. http://127.0.0.1:8080.
    #[arg(long, env = "SHAOBAO_API_URL", value_name = "URL")]
    pub api_url: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AgentError {
    #[error(transparent)]
    SeedServers(#[from] SeedServersError),
    #[error("cannot use NATS URL {url:?}: {source}")]
    Connect {
        url: String,
        source: async_nats::ConnectError,
    },
    #[error("consumer {name} on stream {STREAM_NAME}: {message}")]
    Consumer { name: String, message: String },
    /// The server refused the token or the department: retrying cannot help.
    #[error("the server refused the report-in for {case_id} ({status}): {body}")]
    Refused {
        case_id: String,
        status: StatusCode,
        body: String,
    },
}

/// Runs the agent until `shutdown` completes (or a refusal that retrying cannot cure).
pub async fn run(
    config: AgentConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), AgentError> {
    tokio::select! {
        () = shutdown => Ok(()),
        followed = follow(&config) => followed,
    }
}

/// The durable consumer's name: one per department, so a restarted agent goes on where it left.
pub fn consumer_name(department: &str) -> String {
    format!("shaobao-agent-{}", subject_token(department))
}

/// Follows the department's feed for as long as it is polled.
pub async fn follow(config: &AgentConfig) -> Result<(), AgentError> {
    let client = async_nats::ConnectOptions::new()
        .name("shaobao-agent")
        .retry_on_initial_connect()
        .connect(seed_servers(&config.nats_url)?)
        .await
        .map_err(|source| AgentError::Connect {
            url: config.nats_url.clone(),
            source,
        })?;
    let consumer = open_consumer(&jetstream::new(client), &config.department).await;
    let name = consumer_name(&config.department);
    let consumer_error = |e: &dyn std::fmt::Display| AgentError::Consumer {
        name: name.clone(),
        message: e.to_string(),
    };
    let http = reqwest::Client::new();
    let mut messages = consumer.messages().await.map_err(|e| consumer_error(&e))?;
    info!(
        department = config.department,
        "agent: following its whistles"
    );
    while let Some(message) = messages.next().await {
        let message = message.map_err(|e| consumer_error(&e))?;
        let msg_id = message
            .headers
            .as_ref()
            .and_then(|h| h.get("Nats-Msg-Id"))
            .map(|v| v.as_str().to_string())
            .unwrap_or_default();
        let ack = match serde_json::from_slice::<DepartmentNotice>(&message.payload) {
            Ok(notice) => handle(config, &http, &notice, &msg_id).await?,
            Err(err) => {
                warn!(msg_id, %err, "agent: not a department notice; skipped");
                AckKind::Ack
            }
        };
        message
            .ack_with(ack)
            .await
            .map_err(|e| consumer_error(&e))?;
    }
    Ok(())
}

/// The department's durable consumer, waiting (with a log line) until the relay has created the
/// stream.
async fn open_consumer(jetstream: &jetstream::Context, department: &str) -> PullConsumer {
    let name = consumer_name(department);
    let config = pull::Config {
        durable_name: Some(name.clone()),
        filter_subject: format!("shaobao.whistles.{}", subject_token(department)),
        ack_policy: AckPolicy::Explicit,
        ..Default::default()
    };
    loop {
        let opened = async {
            let stream = jetstream.get_stream(STREAM_NAME).await?;
            let consumer = stream.get_or_create_consumer(&name, config.clone()).await?;
            Ok::<_, async_nats::Error>(consumer)
        };
        match opened.await {
            Ok(consumer) => return consumer,
            Err(err) => warn!(consumer = name, %err, "agent: waiting for the stream"),
        }
        tokio::time::sleep(RETRY_AFTER).await;
    }
}

/// Reports in to a whistle; how to acknowledge the message.
async fn handle(
    config: &AgentConfig,
    http: &reqwest::Client,
    notice: &DepartmentNotice,
    msg_id: &str,
) -> Result<AckKind, AgentError> {
    let NoticeWork::WhistleBlown { whistle_no, .. } = &notice.work else {
        info!(
            case_id = notice.case_id,
            "agent: case dispatched to the department"
        );
        return Ok(AckKind::Ack);
    };
    let url = format!(
        "{}/api/v1/cases/{}/whistles/{whistle_no}/report-in",
        config.api_url.trim_end_matches('/'),
        notice.case_id
    );
    let sent = http
        .post(&url)
        .bearer_auth(&config.token)
        .header("Idempotency-Key", msg_id)
        .json(&serde_json::json!({ "mode": "remote" }))
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(err) => {
            warn!(%err, url, "agent: server unreachable; the message comes again");
            return Ok(AckKind::Nak(Some(RETRY_AFTER)));
        }
    };
    let status = response.status();
    match status {
        s if s.is_success() => {
            info!(case_id = notice.case_id, whistle_no, "agent: reported in");
            Ok(AckKind::Ack)
        }
        // Refused by the case's state (already reported in, declined, whistle closed): done.
        StatusCode::CONFLICT => {
            let body = response.text().await.unwrap_or_default();
            info!(
                case_id = notice.case_id,
                whistle_no, body, "agent: nothing to report in"
            );
            Ok(AckKind::Ack)
        }
        s if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => {
            warn!(%status, url, "agent: server failed; the message comes again");
            Ok(AckKind::Nak(Some(RETRY_AFTER)))
        }
        _ => Err(AgentError::Refused {
            case_id: notice.case_id.clone(),
            status,
            body: response.text().await.unwrap_or_default(),
        }),
    }
}
