//! The rebuild benchmark: load N synthetic events, then time a raw sequential read of the log
//! (`Store::read_log` in pages, payloads and metadata parsed: what any consumer pays) against a
//! rebuild of every projection, alternating the two so both see the same disk and caches.

pub mod synthetic;

use std::time::Instant;

use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_services::store::{LogPosition, Store, StoreError};

use crate::error::ProjectionError;
use crate::rebuild::rebuild;
use crate::schema::ProjectionName;

/// Figures of one store, best of the rounds for each side.
#[derive(Debug, Clone, Serialize)]
pub struct BenchFigures {
    pub store: &'static str,
    pub events: u64,
    pub raw_read_events_per_second: f64,
    pub rebuild_events_per_second: f64,
    /// Rebuild throughput as a fraction of the raw read.
    pub ratio: f64,
}

/// Reads the whole log once; returns the events read.
pub async fn raw_read(store: &Store) -> Result<u64, StoreError> {
    let mut after = LogPosition::START;
    let mut events = 0;
    loop {
        let page = store.read_log(after, 10_000).await?;
        let Some(last) = page.last() else {
            return Ok(events);
        };
        after = last.position;
        events += page.len() as u64;
    }
}

/// Alternates `rounds` raw reads and rebuilds of the store's log; reports the best of each.
pub async fn measure(
    store: &Store,
    org: &Organisation,
    rounds: u32,
) -> Result<BenchFigures, ProjectionError> {
    let (mut raw_best, mut rebuild_best, mut events) = (0.0f64, 0.0f64, 0);
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        events = raw_read(store).await?;
        raw_best = raw_best.max(events as f64 / started.elapsed().as_secs_f64());
        let report = rebuild(store, org, &ProjectionName::ALL, |_| {}).await?;
        rebuild_best = rebuild_best.max(report.events_per_second);
    }
    Ok(BenchFigures {
        store: store.backend_name(),
        events,
        raw_read_events_per_second: raw_best,
        rebuild_events_per_second: rebuild_best,
        ratio: rebuild_best / raw_best.max(f64::MIN_POSITIVE),
    })
}
