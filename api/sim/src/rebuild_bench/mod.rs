//! The rebuild benchmark: load N synthetic events, then time a raw read of the log against a
//! rebuild of every projection, alternating the two so both see the same disk, caches and load.
//!
//! The raw read is the rebuild's own reader with nothing after it: the whole log in commit order,
//! pages fetched ahead and decoded on every core, every payload parsed into its typed event (what
//! any consumer of the events pays, and no more: no metadata, no JSON tree). The ratio is therefore
//! what folding the events and writing the read models cost on top of reading them.

pub mod synthetic;

use std::time::Instant;

use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_services::store::{LogPosition, Store, StoreError};

use shaobao_projections::log;
use shaobao_projections::rebuild::{rebuild, PAGE, PAGES_AHEAD};
use shaobao_projections::ProjectionError;
use shaobao_projections::ProjectionName;

/// Figures of one store, best of the rounds for each side.
#[derive(Debug, Clone, Serialize)]
pub struct BenchFigures {
    pub store: &'static str,
    pub events: u64,
    pub raw_read_events_per_second: f64,
    pub rebuild_events_per_second: f64,
    /// Rebuild throughput as a fraction of the raw read.
    pub ratio: f64,
    /// Every round, in the order run.
    pub rounds: Vec<BenchRound>,
}

/// One raw read and the rebuild right after it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct BenchRound {
    pub raw_read_events_per_second: f64,
    pub rebuild_events_per_second: f64,
    /// The machine's 1-minute load average after the round (`None` where unknown): a figure
    /// measured beside other work is only comparable with its own round.
    pub load_average: Option<f64>,
}

/// Reads the whole log once as a rebuild does; returns the events read.
pub async fn raw_read(store: &Store) -> Result<u64, StoreError> {
    let mut pages = log::Pages::start(store, LogPosition::START, PAGE, PAGES_AHEAD);
    let mut events = 0;
    while let Some(page) = pages.next().await? {
        events += page.len() as u64;
    }
    Ok(events)
}

/// Alternates `rounds` raw reads and rebuilds of the store's log; reports the best of each.
pub async fn measure(
    store: &Store,
    org: &Organisation,
    rounds: u32,
) -> Result<BenchFigures, ProjectionError> {
    let mut measured = Vec::new();
    let mut events = 0;
    for _ in 0..rounds.max(1) {
        let started = Instant::now();
        events = raw_read(store).await?;
        let raw = events as f64 / started.elapsed().as_secs_f64();
        let report = rebuild(store, org, &ProjectionName::ALL, |_| {}).await?;
        measured.push(BenchRound {
            raw_read_events_per_second: raw,
            rebuild_events_per_second: report.events_per_second,
            load_average: load_average(),
        });
    }
    let best = |side: fn(&BenchRound) -> f64| measured.iter().map(side).fold(0.0, f64::max);
    let raw_best = best(|r| r.raw_read_events_per_second);
    let rebuild_best = best(|r| r.rebuild_events_per_second);
    Ok(BenchFigures {
        store: store.backend_name(),
        events,
        raw_read_events_per_second: raw_best,
        rebuild_events_per_second: rebuild_best,
        ratio: rebuild_best / raw_best.max(f64::MIN_POSITIVE),
        rounds: measured,
    })
}

/// The 1-minute load average (Linux), to print beside figures from a shared machine.
pub fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
