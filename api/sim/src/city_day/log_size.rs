//! How the log behaves as it grows to a district's years: one scratch database grown step by
//! step with synthetic case streams (bulk-inserted, as `shaobao bench` does), and at each size
//! a raw read of the whole log, a rebuild of every read model, reads of single streams (what a
//! command loads) and the sizes of the table and its indexes. Degradation, if any, shows as
//! falling rates from one size to the next.

use std::time::Instant;

use crate::rebuild_bench::{load_average, raw_read, synthetic};
use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_projections::{rebuild, ProjectionName};
use shaobao_services::store::{LogPosition, Store};

use super::storage::{self, Storage};
use crate::scratch::ScratchDatabase;
use crate::SimError;

/// Single-stream reads timed at each size.
const STREAM_READS: u64 = 500;

#[derive(Debug, Clone, Serialize)]
pub struct LogSize {
    pub events: u64,
    /// Bulk insert of the events added since the previous size.
    pub seed_events_per_second: f64,
    pub raw_read_events_per_second: f64,
    pub rebuild_seconds: f64,
    pub rebuild_events_per_second: f64,
    /// Mean milliseconds to read one case's stream by its key.
    pub stream_read_ms: f64,
    pub storage: Storage,
    pub load_average: Option<f64>,
}

/// Grows a scratch log beside `server_url` through `sizes` (ascending) and measures each.
pub async fn grow(
    server_url: &str,
    org: &Organisation,
    sizes: &[u64],
    phase: &impl Fn(&str),
) -> Result<Vec<LogSize>, SimError> {
    let scratch = ScratchDatabase::create(server_url, "citylog").await?;
    let store = Store::connect(&scratch.url).await;
    let measured = match store {
        Ok(store) => {
            let measured = grow_on(&store, org, sizes, phase).await;
            store.close().await;
            measured
        }
        Err(err) => Err(err.into()),
    };
    scratch.remove().await?;
    measured
}

async fn grow_on(
    store: &Store,
    org: &Organisation,
    sizes: &[u64],
    phase: &impl Fn(&str),
) -> Result<Vec<LogSize>, SimError> {
    store.migrate().await?;
    let Store::Postgres(pool) = store else {
        return Err(SimError::Config(
            "the log-size benchmark needs PostgreSQL".into(),
        ));
    };
    let (mut loaded, mut cases) = (0u64, 0u64);
    let mut figures = Vec::new();
    for &size in sizes {
        phase(&format!("log of {size} events: loading"));
        let started = Instant::now();
        cases = synthetic::load_from(store, cases, size.saturating_sub(loaded)).await?;
        let seed_events_per_second =
            size.saturating_sub(loaded) as f64 / started.elapsed().as_secs_f64();
        loaded = loaded.max(size);
        // What autovacuum would have done by then on a table that grew over years.
        sqlx::query("VACUUM ANALYZE events").execute(pool).await?;
        phase(&format!(
            "log of {loaded} events: raw read, rebuild, stream reads"
        ));
        let started = Instant::now();
        let events = raw_read(store).await?;
        let raw_read_events_per_second = events as f64 / started.elapsed().as_secs_f64();
        let rebuilt = rebuild(store, org, &ProjectionName::ALL, |_| {}).await?;
        let stream_read_ms = stream_reads(store, cases).await?;
        figures.push(LogSize {
            events,
            seed_events_per_second,
            raw_read_events_per_second,
            rebuild_seconds: rebuilt.seconds,
            rebuild_events_per_second: rebuilt.events_per_second,
            stream_read_ms,
            storage: storage::measure(store, events).await?,
            load_average: load_average(),
        });
    }
    Ok(figures)
}

/// Mean time to read one whole case stream, over streams spread across the log.
async fn stream_reads(store: &Store, cases: u64) -> Result<f64, SimError> {
    let step = (cases / STREAM_READS).max(1);
    let started = Instant::now();
    let mut reads = 0;
    for n in (0..cases)
        .step_by(step as usize)
        .take(STREAM_READS as usize)
    {
        store
            .read_stream_log("case", &synthetic::case_id(n), LogPosition::START, 1000)
            .await?;
        reads += 1;
    }
    Ok(started.elapsed().as_secs_f64() * 1000.0 / f64::from(reads.max(1)))
}
