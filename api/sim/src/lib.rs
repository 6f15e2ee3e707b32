//! The load generators of Shaobao, kept out of the server's library: the city simulator (below),
//! `serve --demo` ([`demo`]), and the benchmarks: `shaobao bench` ([`benchmark`], with the
//! command-path comparison [`command_bench`]), the rebuild benchmark ([`rebuild_bench`]) and the
//! relay benchmark ([`relay_bench`], which deletes the NATS stream it publishes to). The
//! `shaobao` binary (`shaobao-cli`) and the benches under `tests/benches` use it.
//!
//! The city simulator (`shaobao simulate`): a deterministic synthetic district day, calibrated on
//! published Beijing 12345 figures ([`calibration`]), played against the real HTTP API.
//!
//! The server runs in this process on an ephemeral port, with commands stamped by a virtual
//! clock that starts at a fixed instant and runs `1 / sla_scale` times faster than real time.
//! The organisation keeps its nominal policy and calendar in virtual time, so, measured in real
//! time, every SLA is compressed by the same factor (scaling the policy as well would compress it
//! twice), and `shaobao verify` on the result needs no `--sla-scale`. Simulated clients (the
//! hotline, street dispatchers, departments, grid workers; one token each) play a [`plan`] drawn
//! from the seed with at most `concurrency` requests in flight. The report reads the case states
//! and the 三率 back through the API.
//!
//! The same machinery drives `serve --demo` ([`demo`]); the benchmark reuses the in-process
//! server, an open-loop load ([`load`]) and scratch databases ([`scratch`]).

mod bench_print;
pub mod benchmark;
pub mod calibration;
pub mod city_day;
pub mod client;
pub mod clock;
pub mod command_bench;
pub mod demo;
mod error;
pub mod harness;
pub mod load;
pub mod plan;
mod planted;
mod print;
pub mod rebuild_bench;
pub mod relay_bench;
mod report;
pub mod roster;
mod runner;
pub mod scores;
pub mod scratch;
mod tally;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use shaobao_services::clock::Clock;
use shaobao_services::org_file::load_org;

pub use error::SimError;
pub use planted::PlantedReport;
pub use report::{DistrictRates, SimReport};

use client::ApiClient;
use clock::VirtualClock;
use harness::InProcessServer;
use plan::Plan;
use roster::Roster;
use runner::{Mode, Options, Runner};

/// Monday 2 March 2026, 08:00 in Beijing: a working day, a fortnight before the heating season ends.
pub fn default_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
}

#[derive(Debug, Clone)]
pub struct SimConfig {
    pub seed: u64,
    pub days: u32,
    /// Contacts per day (consultations, requests, household visits with findings).
    pub cases_per_day: u32,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Real time per virtual time: 0.0001 plays a virtual day in 8.64 s.
    pub sla_scale: f64,
    pub database_url: String,
    pub org: Option<PathBuf>,
    pub start: DateTime<Utc>,
    pub show_progress: bool,
}

/// Runs a whole simulation against an in-process server and reports it.
pub async fn simulate(config: &SimConfig) -> Result<SimReport, SimError> {
    check(config)?;
    let org = Arc::new(load_org(config.org.as_deref(), 1.0)?);
    if !org.streets.iter().any(plan::has_grids) {
        return Err(SimError::Config(
            "the organisation has no street with a grid".into(),
        ));
    }
    let clock = Arc::new(VirtualClock::simulated(
        config.start,
        1.0 / config.sla_scale,
    ));
    let server = InProcessServer::start(
        &config.database_url,
        config.org.clone(),
        clock.clone(),
        harness::fast_read_models(),
    )
    .await?;
    let outcome = drive(config, &server, clock).await;
    let stopped = server.stop().await;
    let report = outcome?;
    stopped?;
    Ok(report)
}

fn check(config: &SimConfig) -> Result<(), SimError> {
    let scale_ok = config.sla_scale.is_finite() && config.sla_scale > 0.0;
    match () {
        _ if !scale_ok => Err(SimError::Config(format!(
            "invalid --sla-scale {}: must be a positive number",
            config.sla_scale
        ))),
        _ if config.days == 0 || config.cases_per_day == 0 || config.concurrency == 0 => Err(
            SimError::Config("--days, --cases-per-day and --concurrency must be at least 1".into()),
        ),
        _ => Ok(()),
    }
}

async fn drive(
    config: &SimConfig,
    server: &InProcessServer,
    clock: Arc<VirtualClock>,
) -> Result<SimReport, SimError> {
    let state = &server.state;
    let roster = Roster::issue(&state.tokens, &state.org).await?;
    let plan = Plan::days(
        state.org.clone(),
        config.seed,
        config.start,
        config.days,
        config.cases_per_day,
    );
    let months: BTreeSet<String> = plan
        .scripts
        .iter()
        .map(|s| (s.at + Duration::hours(8)).format("%Y-%m").to_string())
        .collect();
    let planned_steps = plan.steps();
    let options = Options {
        mode: Mode::Simulation,
        concurrency: config.concurrency,
        pace: 1.0,
        keys: format!("sim-{}", config.seed),
        progress: progress_bar(config.show_progress, planned_steps),
    };
    let client = ApiClient::new(server.addr)?;
    let runner = Arc::new(Runner::new(
        client,
        roster,
        clock.clone(),
        state.org.clone(),
        options,
    ));
    let started = Instant::now();
    clock.run();
    runner.run(plan).await;
    runner.progress().finish_and_clear();
    let real_seconds = started.elapsed().as_secs_f64();
    let virtual_end = clock.now();
    let tally = std::mem::take(&mut *runner.tally.lock().expect("tally"));
    let months: Vec<String> = months.into_iter().collect();
    let read = report::read_back(runner.client(), &runner.roster.auditor, &tally, &months).await?;
    let wait = tally
        .last_position
        .map_or(String::new(), |p| format!("&min_position={p}"));
    let year = (config.start + Duration::hours(8)).year();
    let unit_scores = scores::read_unit_scores(
        runner.client(),
        &runner.roster.auditor,
        &wait,
        year,
        config.days,
        state.org.scoring,
    )
    .await?;
    let planted = planted::plant_and_measure(
        runner.client(),
        &clock,
        &runner.roster.hotline,
        &runner.roster.auditor,
        &state.org,
        &format!("sim-{}", config.seed),
    )
    .await?;
    Ok(SimReport {
        seed: config.seed,
        days: config.days,
        cases_per_day: config.cases_per_day,
        concurrency: config.concurrency,
        sla_scale: config.sla_scale,
        backend: state.store.backend_name().to_string(),
        virtual_start: config.start,
        virtual_end,
        real_seconds,
        planned_steps,
        requests: tally.requests,
        retries: tally.retries,
        cases_opened: tally.cases_opened,
        succeeded: tally.ok.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        expected_refusals: tally.expected_refusals,
        unexpected: tally.unexpected.clone(),
        failures: tally.failures.clone(),
        skipped_steps: tally.skipped,
        cases: read.cases,
        states: read.states,
        median_dispatch_minutes: report::median(&tally.dispatch_delays).map(|s| s / 60.0),
        district: report::district_rates(&read.streets),
        streets: read.streets,
        unit_scores,
        planted,
    })
}

fn progress_bar(show: bool, steps: u64) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let style =
        ProgressStyle::with_template("{bar:40} {pos}/{len} requests  virtual {msg}  {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar());
    ProgressBar::new(steps).with_style(style)
}
