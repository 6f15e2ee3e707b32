//! The rig every NATS test runs on (a fresh store, a nats-server of its own, the case service), and
//! the one check they all end with: the stream holds exactly what the log says, in log order.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::{self, Context};
use shaobao_services::cases::CaseService;
use shaobao_services::relay::{stream_config, Relay, RelayConfig, RelayStatus};
use shaobao_services::store::{LoggedEvent, Store};
use shaobao_tests::databases::TestStore;
use shaobao_tests::nats::stream::{self, whole_log, CONVERGE_LIMIT};
use shaobao_tests::nats::workload::case_service;
use shaobao_tests::nats::NatsServer;
use tokio::task::JoinHandle;

/// See [`Rig::shorten_duplicate_window`].
pub const SHORT_DUPLICATE_WINDOW: Duration = Duration::from_secs(1);

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
            ..stream_config(1)
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
        lease_retry: Duration::from_millis(500),
        stream_replicas: 1,
        held_leases: Default::default(),
    }
}

/// Waits until the relay reports the whole log published, then checks the stream.
pub async fn assert_stream_is_the_log(rig: &Rig, status: &RelayStatus) {
    wait_until_published(rig, status).await;
    stream::assert_stream_is_the_log(rig.store(), &rig.jetstream().await).await;
}

/// Waits until the relay reports the whole log published; returns the log.
pub async fn wait_until_published(rig: &Rig, status: &RelayStatus) -> Vec<LoggedEvent> {
    let log = whole_log(rig.store()).await;
    let last = log.last().expect("a log").position;
    let deadline = Instant::now() + CONVERGE_LIMIT;
    while status.report().published_up_to != last {
        let report = status.report();
        assert!(
            Instant::now() < deadline,
            "relay did not converge: {report:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    log
}
