//! `shaobao bench --city-day`: a city's day of contacts played through the HTTP API of running
//! nodes (`deploy/local-cluster`), then the time until every read model and the NATS relay have
//! reached the end of the log, and what the day costs in PostgreSQL.
//!
//! The nodes keep the real clock, so this plays like `serve --demo`: the nodes run with a
//! compressed policy (`serve --sla-scale F`), and the plan's day and every planned pause are
//! compressed by the same `F`. Clients take the nodes in turn; a request without an answer (or a
//! 503) is sent again, with the same `Idempotency-Key`, to the next node. Tokens are issued
//! straight into the cluster's database, which every node reads.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::rebuild_bench::load_average;
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_projections::{checkpoint, ProjectionName};
use shaobao_services::clock::Clock;
use shaobao_services::store::{LogPosition, Store};
use shaobao_services::tokens::TokenStore;

use super::storage::{self, Storage};
use crate::client::ApiClient;
use crate::clock::VirtualClock;
use crate::load::percentile;
use crate::plan::Plan;
use crate::roster::Roster;
use crate::runner::{Mode, Options, Runner};
use crate::SimError;

/// How long the read models and the relay may take to reach the log's end before the report
/// says they did not.
const CATCH_UP_LIMIT: Duration = Duration::from_secs(600);
const CATCH_UP_POLL: Duration = Duration::from_millis(200);
pub const BUSIEST_WINDOW: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct DayConfig {
    /// The nodes, `http://host:port` each.
    pub targets: Vec<String>,
    pub contacts: u32,
    /// The nodes' `--sla-scale`: the day and every planned pause are compressed by it too.
    pub sla_scale: f64,
    pub concurrency: usize,
    pub seed: u64,
    pub show_progress: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayFigures {
    pub contacts: u32,
    pub nodes: usize,
    pub sla_scale: f64,
    pub concurrency: usize,
    pub load_average_start: Option<f64>,
    pub load_average_end: Option<f64>,
    /// Requests sent (retries included) and answered as planned (expected refusals included).
    pub requests: u64,
    pub answered_as_planned: u64,
    pub retries: u64,
    /// Answers other than the planned one, by status (0: no answer), and a few verbatim.
    pub unexpected: std::collections::BTreeMap<u16, u64>,
    pub failures: Vec<String>,
    pub cases_opened: u64,
    /// Events the day appended (the deadline service's included).
    pub events: u64,
    /// From the first contact to the last answer.
    pub ingest_seconds: f64,
    pub commands_per_second: f64,
    pub events_per_second: f64,
    /// Commands answered in the busiest window of [`BUSIEST_WINDOW`], per second: what the nodes
    /// sustain while saturated (the day's average includes the plan's quiet tail).
    pub busiest_per_second: f64,
    /// Milliseconds from sending a command to its answer, at `concurrency` requests in flight.
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// Seconds after the last answer until each read model and the relay stood at the log's
    /// end as it was then (`None`: not within the limit).
    pub caught_up: Vec<(String, Option<f64>)>,
    /// What the day added to the database.
    pub storage: Storage,
}

impl DayFigures {
    /// Events per second in the busiest window, at the day's events per command.
    pub fn busiest_events_per_second(&self) -> f64 {
        self.busiest_per_second * self.events as f64 / self.answered_as_planned.max(1) as f64
    }
}

/// Plays the day against the nodes and measures it.
pub async fn play(
    database_url: &str,
    config: &DayConfig,
    org: Organisation,
) -> Result<DayFigures, SimError> {
    let store = Store::connect(database_url).await?;
    let measured = play_on(config, org, &store).await;
    store.close().await;
    measured
}

async fn play_on(
    config: &DayConfig,
    org: Organisation,
    store: &Store,
) -> Result<DayFigures, SimError> {
    let org = Arc::new(org);
    let load_average_start = load_average();
    let roster = Roster::issue(&TokenStore::new(store.clone()), &org).await?;
    let latencies = Arc::new(Mutex::new(Vec::new()));
    let client = ApiClient::spread(config.targets.clone(), Some(latencies.clone()))?;
    let clock = Arc::new(VirtualClock::real());
    let plan = compressed_plan(config, org.clone(), clock.now());
    let steps = plan.steps();
    let options = Options {
        mode: Mode::Simulation,
        concurrency: config.concurrency,
        pace: config.sla_scale,
        keys: format!("city-day-{}", uuid::Uuid::new_v4().simple()),
        progress: progress_bar(config.show_progress, steps),
    };
    let runner = Arc::new(Runner::new(client, roster, clock, org, options));
    let events_before = store.count_after(LogPosition::START).await?;
    let storage_before = storage::measure(store, events_before).await?;
    let started = Instant::now();
    runner.run(plan).await;
    let ingest_seconds = started.elapsed().as_secs_f64();
    runner.progress().finish_and_clear();
    let end = log_end(store).await?;
    let events = store.count_after(LogPosition::START).await? - events_before;
    let caught_up = catch_up(store, end).await?;
    let storage = storage::measure(store, events_before + events)
        .await?
        .minus(&storage_before);
    let tally = std::mem::take(&mut *runner.tally.lock().expect("tally"));
    let answers = std::mem::take(&mut *latencies.lock().expect("latencies"));
    let busiest_per_second = busiest(answers.iter().map(|(at, _)| *at).collect());
    let mut latencies: Vec<f64> = answers.into_iter().map(|(_, ms)| ms).collect();
    latencies.sort_by(f64::total_cmp);
    let answered_as_planned = tally.ok.values().sum::<u64>() + tally.expected_refusals;
    Ok(DayFigures {
        contacts: config.contacts,
        nodes: config.targets.len(),
        sla_scale: config.sla_scale,
        concurrency: config.concurrency,
        load_average_start,
        load_average_end: load_average(),
        requests: tally.requests,
        answered_as_planned,
        retries: tally.retries,
        unexpected: tally.unexpected.clone(),
        failures: tally.failures.clone(),
        cases_opened: tally.cases_opened,
        events,
        ingest_seconds,
        commands_per_second: answered_as_planned as f64 / ingest_seconds,
        events_per_second: events as f64 / ingest_seconds,
        busiest_per_second,
        p50_ms: percentile(&latencies, 0.50),
        p99_ms: percentile(&latencies, 0.99),
        max_ms: latencies.last().copied().unwrap_or(0.0),
        caught_up,
        storage,
    })
}

/// The day's plan with its clock compressed by the SLA scale and starting now: the nodes'
/// clock is the real one.
fn compressed_plan(config: &DayConfig, org: Arc<Organisation>, now: chrono::DateTime<Utc>) -> Plan {
    let start = crate::default_start();
    let mut plan = Plan::days(org, config.seed, start, 1, config.contacts);
    for script in &mut plan.scripts {
        let after = (script.at - start).num_milliseconds() as f64 * config.sla_scale;
        script.at = now + chrono::Duration::milliseconds(after as i64);
    }
    plan
}

/// The position of the last event committed.
async fn log_end(store: &Store) -> Result<LogPosition, SimError> {
    let Store::Postgres(pool) = store else {
        return Err(SimError::Config(
            "--city-day needs the cluster's postgres://… database".into(),
        ));
    };
    let last: Option<(String, i64)> = sqlx::query_as(
        "SELECT transaction_id::text, position FROM events
         ORDER BY transaction_id DESC, position DESC LIMIT 1",
    )
    .fetch_optional(pool)
    .await?;
    Ok(
        last.map_or(LogPosition::START, |(transaction, position)| LogPosition {
            transaction: transaction.parse().unwrap_or(0),
            position,
        }),
    )
}

/// Seconds until each read model's checkpoint and the relay's stand at `end` or beyond.
async fn catch_up(store: &Store, end: LogPosition) -> Result<Vec<(String, Option<f64>)>, SimError> {
    let mut readers: Vec<(String, Option<f64>)> = ProjectionName::ALL
        .iter()
        .map(|p| (p.as_str().to_string(), None))
        .chain([("relay".to_string(), None)])
        .collect();
    let started = Instant::now();
    while started.elapsed() < CATCH_UP_LIMIT && readers.iter().any(|(_, at)| at.is_none()) {
        let mut positions = checkpoint::positions(store).await?;
        positions.insert("relay".into(), relay_position(store).await?);
        let now = started.elapsed().as_secs_f64();
        for (name, at) in readers.iter_mut().filter(|(_, at)| at.is_none()) {
            if positions.get(name.as_str()).is_some_and(|p| *p >= end) {
                *at = Some(now);
            }
        }
        tokio::time::sleep(CATCH_UP_POLL).await;
    }
    Ok(readers)
}

/// The last event JetStream acknowledged (migration 0020).
async fn relay_position(store: &Store) -> Result<LogPosition, SimError> {
    let Store::Postgres(pool) = store else {
        return Ok(LogPosition::START);
    };
    let token: Option<(String,)> =
        sqlx::query_as("SELECT position FROM relay_checkpoint WHERE id = 1")
            .fetch_optional(pool)
            .await?;
    Ok(token
        .and_then(|(token,)| token.parse().ok())
        .unwrap_or(LogPosition::START))
}

/// Answers per second in the busiest [`BUSIEST_WINDOW`] (all of them over the whole run when it
/// was shorter).
fn busiest(mut answered: Vec<Instant>) -> f64 {
    answered.sort();
    let mut most = 0;
    let mut first = 0;
    for (last, at) in answered.iter().enumerate() {
        while at.duration_since(answered[first]) > BUSIEST_WINDOW {
            first += 1;
        }
        most = most.max(last + 1 - first);
    }
    most as f64 / BUSIEST_WINDOW.as_secs_f64()
}

fn progress_bar(show: bool, steps: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let style = ProgressStyle::with_template("{bar:40} {pos}/{len} requests  {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::new(steps).with_style(style)
}
