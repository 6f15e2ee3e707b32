//! The rig every NATS test runs on (a fresh store, a nats-server of its own, the case service), and
//! the one check they all end with: the stream holds exactly what the log says, in log order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::consumer::pull::OrderedConfig;
use async_nats::jetstream::{self, Context};
use futures::StreamExt;
use serde_json::Value;
use shaobao_services::cases::CaseService;
use shaobao_services::relay::{stream_config, Relay, RelayConfig, RelayStatus, STREAM_NAME};
use shaobao_services::store::{LogPosition, LoggedEvent, Store};
use shaobao_tests::databases::TestStore;
use shaobao_tests::nats::workload::case_service;
use shaobao_tests::nats::NatsServer;
use tokio::task::JoinHandle;

use crate::expected::expected;

/// See [`Rig::shorten_duplicate_window`].
pub const SHORT_DUPLICATE_WINDOW: Duration = Duration::from_secs(1);

/// How long a relay may take to publish what the tests write.
const CONVERGE_LIMIT: Duration = Duration::from_secs(60);

pub struct Rig {
    pub store: TestStore,
    pub nats: NatsServer,
    pub service: Arc<CaseService>,
}

impl Rig {
    pub async fn new(store: TestStore) -> Option<Rig> {
        let nats = NatsServer::start().await?;
        let service = Arc::new(case_service(&store.store));
        Some(Rig {
            store,
            nats,
            service,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store.store
    }

    /// A relay on its own task, with [`quick_relay`] settings.
    pub async fn spawn_relay(&self) -> (RelayStatus, JoinHandle<()>) {
        self.spawn_relay_with(quick_relay()).await
    }

    pub async fn spawn_relay_with(&self, config: RelayConfig) -> (RelayStatus, JoinHandle<()>) {
        let relay = Relay::connect(self.store().clone(), &self.nats.url(), config)
            .await
            .expect("relay connects");
        (relay.status(), tokio::spawn(relay.run()))
    }

    /// Creates the stream as the relay would, but with a one-second duplicate window: repeats older
    /// than that are no longer caught by `Nats-Msg-Id`, so only the relay's ordering keeps them out.
    pub async fn shorten_duplicate_window(&self) {
        let config = jetstream::stream::Config {
            duplicate_window: SHORT_DUPLICATE_WINDOW,
            ..stream_config()
        };
        self.jetstream().await.create_stream(config).await.unwrap();
    }

    /// A JetStream client of the test's own, as a department's system would have.
    pub async fn jetstream(&self) -> Context {
        let client = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connect(self.nats.url())
            .await
            .expect("test client");
        jetstream::new(client)
    }

    /// Runs case lives `numbers` one after another.
    pub async fn cases(&self, numbers: std::ops::Range<usize>) {
        for n in numbers {
            shaobao_tests::nats::workload::case_life(&self.service, n).await;
        }
    }
}

/// Quick to poll and retry; small batches and window, so tests can catch the relay half-way.
pub fn quick_relay() -> RelayConfig {
    RelayConfig {
        batch_size: 50,
        max_in_flight: 16,
        poll_interval: Duration::from_millis(20),
        ack_timeout: Duration::from_secs(2),
        retry_min: Duration::from_millis(20),
        retry_max: Duration::from_millis(500),
    }
}

/// One message as it sits in the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    pub subject: String,
    pub msg_id: String,
    pub payload: Value,
}

/// The whole log, once every event the table holds is readable.
pub async fn whole_log(store: &Store) -> Vec<LoggedEvent> {
    let stored = count_events(store).await;
    let deadline = Instant::now() + CONVERGE_LIMIT;
    let (mut log, mut cursor) = (Vec::new(), LogPosition::START);
    while log.len() < stored {
        assert!(Instant::now() < deadline, "log reader stalled at {cursor}");
        let page = store.read_log(cursor, 1_000).await.expect("read log");
        match page.last() {
            Some(last) => cursor = last.position,
            None => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        log.extend(page);
    }
    log
}

async fn count_events(store: &Store) -> usize {
    let sql = "SELECT count(*) FROM events";
    let (n,): (i64,) = match store {
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await,
    }
    .expect("count events");
    n as usize
}

/// Messages in the stream now (0 while it does not exist or NATS is down).
pub async fn messages_in_stream(jetstream: &Context) -> usize {
    match jetstream.get_stream(STREAM_NAME).await {
        Ok(mut stream) => stream.info().await.map_or(0, |i| i.state.messages as usize),
        Err(_) => 0,
    }
}

/// Every message in the stream, in stream order.
pub async fn stream_contents(jetstream: &Context) -> Vec<Streamed> {
    let mut stream = jetstream.get_stream(STREAM_NAME).await.expect("stream");
    let count = stream.info().await.expect("stream info").state.messages as usize;
    let consumer = stream
        .create_consumer(OrderedConfig::default())
        .await
        .expect("ordered consumer");
    let mut messages = consumer.messages().await.expect("messages");
    let mut contents = Vec::with_capacity(count);
    while contents.len() < count {
        let next = tokio::time::timeout(Duration::from_secs(10), messages.next()).await;
        let message = next
            .expect("stream read stalled")
            .expect("end")
            .expect("message");
        contents.push(streamed(&message));
    }
    contents
}

pub fn streamed(message: &async_nats::Message) -> Streamed {
    let msg_id = message
        .headers
        .as_ref()
        .and_then(|h| h.get("Nats-Msg-Id"))
        .map(|v| v.as_str().to_string())
        .unwrap_or_default();
    Streamed {
        subject: message.subject.to_string(),
        msg_id,
        payload: serde_json::from_slice(&message.payload).expect("JSON payload"),
    }
}

/// Waits until the relay has published the whole log, then checks that the stream holds exactly
/// the expected messages in log order, each event message carrying the event's envelope.
pub async fn assert_stream_is_the_log(rig: &Rig, status: &RelayStatus) {
    let log = whole_log(rig.store()).await;
    let last = log.last().expect("a log").position;
    let expected = expected(&log);
    let jetstream = rig.jetstream().await;
    let deadline = Instant::now() + CONVERGE_LIMIT;
    loop {
        let report = status.report();
        let held = messages_in_stream(&jetstream).await;
        if report.published_up_to == last && held >= expected.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "relay did not converge: {report:?}, stream holds {held} of {} messages",
            expected.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let contents = stream_contents(&jetstream).await;
    let published: Vec<(String, String)> = contents
        .iter()
        .map(|m| (m.subject.clone(), m.msg_id.clone()))
        .collect();
    assert_eq!(published.len(), expected.len(), "message count");
    assert_eq!(published, expected, "the stream is the log, in order, once");
    let envelopes = contents
        .iter()
        .filter(|m| m.subject.starts_with("shaobao.events."));
    for (message, event) in envelopes.zip(&log) {
        assert_eq!(message.payload, serde_json::to_value(event).unwrap());
    }
}
