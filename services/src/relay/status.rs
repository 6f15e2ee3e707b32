//! What the relay reports to `/health/ready` and `/metrics`.

use std::sync::{Arc, Mutex};

use async_nats::connection::State;
use async_nats::Client;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::LogPosition;

/// A cheap, cloneable handle on the relay's state, for the HTTP side to read.
#[derive(Debug, Clone)]
pub struct RelayStatus {
    client: Client,
    shared: Arc<Mutex<Progress>>,
}

/// The relay's state at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RelayReport {
    /// The NATS connection is up.
    pub connected: bool,
    /// This process holds the relay lease (on SQLite always; on PostgreSQL one process does).
    pub leader: bool,
    /// Events in the log not yet published; `None` until first measured.
    pub lag_events: Option<u64>,
    /// When JetStream last acknowledged a publish by this process.
    pub last_publish_at: Option<DateTime<Utc>>,
    /// The checkpoint: every event up to here is in the stream.
    pub published_up_to: LogPosition,
    /// The latest failure, cleared by the next successful publish.
    pub last_error: Option<String>,
    /// Failures since this process started (each logged as a warning).
    pub failures: u64,
}

#[derive(Debug, Default)]
struct Progress {
    leader: bool,
    lag_events: Option<u64>,
    last_publish_at: Option<DateTime<Utc>>,
    published_up_to: LogPosition,
    last_error: Option<String>,
    failures: u64,
}

impl RelayStatus {
    pub(crate) fn new(client: Client) -> Self {
        RelayStatus {
            client,
            shared: Arc::default(),
        }
    }

    pub fn report(&self) -> RelayReport {
        let progress = self.lock();
        RelayReport {
            connected: self.client.connection_state() == State::Connected,
            leader: progress.leader,
            lag_events: progress.lag_events,
            last_publish_at: progress.last_publish_at,
            published_up_to: progress.published_up_to,
            last_error: progress.last_error.clone(),
            failures: progress.failures,
        }
    }

    pub(crate) fn set_leader(&self, leader: bool) {
        self.lock().leader = leader;
    }

    /// The lag counted from the stored checkpoint. The leader knows its acknowledged position
    /// first hand (the stored one trails it by up to a second); another process takes the
    /// leader's from the store.
    pub(crate) fn set_lag(&self, checkpoint: LogPosition, lag_events: u64) {
        let mut progress = self.lock();
        if !progress.leader {
            progress.published_up_to = checkpoint;
        }
        progress.lag_events = Some(lag_events);
    }

    pub(crate) fn published(&self, up_to: LogPosition) {
        let mut progress = self.lock();
        progress.published_up_to = up_to;
        progress.last_publish_at = Some(Utc::now());
        progress.last_error = None;
    }

    pub(crate) fn failed(&self, error: &dyn std::fmt::Display) {
        let mut progress = self.lock();
        progress.last_error = Some(error.to_string());
        progress.failures += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Progress> {
        // Plain data: a panic elsewhere cannot leave it half-written.
        self.shared
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
