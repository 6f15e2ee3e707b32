//! The NATS relay (DESIGN §6): follows the global log and publishes every event, in log order and
//! once, to the JetStream stream `SHAOBAO`, plus the department feed (`shaobao.whistles.<dept>`)
//! and the alerts (`shaobao.alerts.<street>`: deadline alerts and, given [`RepeatWarnings`], repeat
//! warnings). The README section "NATS event feed" documents the
//! subjects, headers and messages.
//!
//! It is an outbox reader, not part of the command path: commands commit to the store whatever
//! NATS does, and the relay catches up from its checkpoint when NATS is back. Where the stream
//! ends is read from the stream itself whenever publishing (re)starts, so neither a crash of the
//! relay nor a NATS server that lost its last writes (it acknowledges before fsync) leaves a gap
//! or a duplicate. One process relays at a time (the `relay` lease).

mod checkpoint;
mod dry_run;
mod feed;
mod jetstream;
mod log_page;
mod pipeline;
mod reader;
mod repeats;
mod servers;
mod session;
mod status;
mod streets;

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::context::{CreateStreamError, PublishError};
use async_nats::jetstream::stream::{InfoError, RawMessageError};
use async_nats::{Client, ConnectOptions};

use crate::leader::{HeldLeases, Lease};
use crate::store::{LogPosition, Store, StoreError};
use session::{Session, Step};

pub use checkpoint::save as save_checkpoint;
pub use dry_run::whole_log_as_messages;
pub use feed::{subject_token, DepartmentNotice, DispatchRole, NoticeWork, Outgoing};
pub use jetstream::{stream_config, DUPLICATE_WINDOW, STREAM_NAME};
pub use repeats::{OpenedCase, RepeatWarningError, RepeatWarnings};
pub use servers::{seed_servers, SeedServersError};
pub use status::{RelayReport, RelayStatus};

/// The lease that makes one process the relay.
pub const LEASE_NAME: &str = "relay";

/// How often the lag is counted at most (a count over the unpublished part of the log).
const LAG_REFRESH: Duration = Duration::from_secs(1);

/// Tuning; the defaults suit production.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// Events read from the log at a time.
    pub batch_size: u32,
    /// Publishes awaiting their acknowledgement at once.
    pub max_in_flight: usize,
    /// How often an idle relay looks for new events.
    pub poll_interval: Duration,
    /// How long a publish or a JetStream request waits for its answer.
    pub ack_timeout: Duration,
    /// The wait after a failure doubles from `retry_min` up to `retry_max` (also the NATS
    /// reconnect delay and how often a process without the lease tries for it).
    pub retry_min: Duration,
    pub retry_max: Duration,
    /// How often a process without the lease asks for it again (the failover delay).
    pub lease_retry: Duration,
    /// Replicas of the `SHAOBAO` stream when the relay creates it (3 on a three-server cluster).
    pub stream_replicas: usize,
    /// Where the process shows that it holds the relay lease.
    pub held_leases: HeldLeases,
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig {
            batch_size: 1_000,
            max_in_flight: 256,
            poll_interval: Duration::from_millis(100),
            // An acknowledgement takes milliseconds; when the stream's leader dies none comes
            // until a new one is elected, and the sooner the relay asks again the sooner it
            // notices one was.
            ack_timeout: Duration::from_secs(2),
            retry_min: Duration::from_millis(100),
            retry_max: Duration::from_secs(5),
            lease_retry: Duration::from_secs(1),
            stream_replicas: 1,
            held_leases: HeldLeases::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error(transparent)]
    SeedServers(#[from] SeedServersError),
    #[error("cannot use NATS URL {url:?}: {source}")]
    Connect {
        url: String,
        source: async_nats::ConnectError,
    },
    #[error("not connected to NATS")]
    Disconnected,
    #[error("stream {STREAM_NAME} cannot be opened or created: {0}")]
    OpenStream(#[from] CreateStreamError),
    #[error("stream {STREAM_NAME} does not answer: {0}")]
    StreamInfo(#[from] InfoError),
    #[error("the last message of stream {STREAM_NAME} cannot be read: {0}")]
    LastMessage(#[from] RawMessageError),
    #[error("publishing failed: {0}")]
    Publish(#[from] PublishError),
    #[error("event {position} cannot be encoded: {source}")]
    Encode {
        position: LogPosition,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("repeat warnings: {0}")]
    RepeatWarnings(#[from] RepeatWarningError),
    #[error("the log reader stopped unexpectedly")]
    ReaderStopped,
}

/// The relay of one process. [`Relay::run`] it on a task of its own; read it through
/// [`Relay::status`].
pub struct Relay {
    store: Store,
    client: Client,
    jetstream: async_nats::jetstream::Context,
    config: RelayConfig,
    status: RelayStatus,
    repeats: Option<Arc<dyn RepeatWarnings>>,
}

impl Relay {
    /// Sets up the connection to `nats_url`, one server or a comma-separated list of a cluster's.
    /// NATS need not be up: the client keeps trying each in turn, and so does [`Relay::run`]; only
    /// a malformed URL fails here.
    pub async fn connect(
        store: Store,
        nats_url: &str,
        config: RelayConfig,
    ) -> Result<Relay, RelayError> {
        let (min, max) = (config.retry_min, config.retry_max);
        let servers = seed_servers(nats_url)?;
        let client = ConnectOptions::new()
            .name("shaobao-relay")
            .retry_on_initial_connect()
            .reconnect_delay_callback(move |attempts| reconnect_delay(min, max, attempts))
            .connect(servers)
            .await
            .map_err(|source| RelayError::Connect {
                url: nats_url.to_string(),
                source,
            })?;
        let jetstream = async_nats::jetstream::ContextBuilder::new()
            .timeout(config.ack_timeout)
            .build(client.clone());
        Ok(Relay {
            store,
            status: RelayStatus::new(client.clone()),
            client,
            jetstream,
            config,
            repeats: None,
        })
    }

    /// Publishes the repeat warnings `repeats` decides, each after the `CaseOpened` raising it.
    pub fn with_repeat_warnings(mut self, repeats: Arc<dyn RepeatWarnings>) -> Self {
        self.repeats = Some(repeats);
        self
    }

    pub fn status(&self) -> RelayStatus {
        self.status.clone()
    }

    /// Relays for as long as the future is polled: waits for the lease, publishes while it holds,
    /// and retries every failure with back-off. Abort the task to stop it.
    pub async fn run(self) {
        loop {
            match Lease::try_acquire(&self.store, LEASE_NAME).await {
                Ok(Some(lease)) => self.lead(lease.recorded_in(&self.config.held_leases)).await,
                Ok(None) => {}
                Err(err) => self.status.failed(&err),
            }
            self.refresh_lag().await;
            tokio::time::sleep(self.config.lease_retry).await;
        }
    }

    async fn lead(&self, mut lease: Lease) {
        self.status.set_leader(true);
        let mut session = Session::new(self);
        let mut failures = 0;
        let mut lag_due = Instant::now();
        while lease.is_held().await {
            let step = session.step().await;
            if Instant::now() >= lag_due {
                self.refresh_lag().await;
                lag_due = Instant::now() + LAG_REFRESH;
            }
            match step {
                Ok(Step::Published) => failures = 0,
                Ok(Step::Idle) => {
                    failures = 0;
                    tokio::time::sleep(self.config.poll_interval).await;
                }
                Ok(Step::Connecting) => tokio::time::sleep(self.config.poll_interval).await,
                Err(err) => {
                    failures += 1;
                    tracing::warn!(%err, failures, "relay: publishing failed; retrying");
                    self.status.failed(&err);
                    let delay =
                        backoff_delay(self.config.retry_min, self.config.retry_max, failures);
                    tokio::time::sleep(delay).await;
                }
            }
        }
        tracing::warn!("relay: lease lost");
        self.status.set_leader(false);
    }

    /// Counts the events beyond the stored checkpoint (which another process may be advancing).
    async fn refresh_lag(&self) {
        let counted = async {
            let checkpoint = checkpoint::load(&self.store).await?;
            let lag = self.store.count_after(checkpoint).await?;
            Ok::<_, StoreError>((checkpoint, lag))
        };
        match counted.await {
            Ok((checkpoint, lag)) => self.status.set_lag(checkpoint, lag),
            Err(err) => self.status.failed(&err),
        }
    }
}

/// async-nats counts the first try to (re)connect as attempt 1 and waits this long before it:
/// none, then the back-off. (With `backoff_delay` alone, every start and every reconnect waited
/// `min` before even trying: 0.1 s for a server that is there.)
fn reconnect_delay(min: Duration, max: Duration, attempts: usize) -> Duration {
    match attempts {
        0 | 1 => Duration::ZERO,
        _ => backoff_delay(min, max, attempts - 1),
    }
}

/// `min`, doubled per attempt after the first, capped at `max`.
fn backoff_delay(min: Duration, max: Duration, attempts: usize) -> Duration {
    let doublings = attempts.saturating_sub(1).min(16) as u32;
    min.saturating_mul(1 << doublings).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_connect_is_immediate_then_backs_off() {
        let (min, max) = (Duration::from_millis(100), Duration::from_secs(5));
        let delays: Vec<_> = (0..=9).map(|n| reconnect_delay(min, max, n)).collect();
        let ms = |n| Duration::from_millis(n);
        assert_eq!(
            delays,
            [0, 0, 100, 200, 400, 800, 1600, 3200, 5000, 5000].map(ms)
        );
    }
}
