//! `shaobao bench`: in one run, on one database server (scratch databases, dropped afterwards),
//! the raw-SQL baseline against the engine's command path at the same concurrency (alternating
//! rounds), end-to-end HTTP commands through the in-process server at fixed offered loads, and a
//! projection rebuild against a raw sequential read of the same log. Only figures from the same
//! run are compared: the disks of small machines are noisy.

use std::path::PathBuf;
use std::sync::Arc;

use crate::command_bench::{compare_command_paths, CommandBench, CommandBenchReport};
use crate::rebuild_bench::{measure, synthetic, BenchFigures};
use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_projections::ProjectionsConfig;
use shaobao_services::clock::SystemClock;
use shaobao_services::org_file::load_org;
use shaobao_services::store::Store;

use super::client::ApiClient;
use super::error::SimError;
use super::harness::InProcessServer;
use super::load::{LoadLevel, LoadResult, LoadTarget};
use super::scratch::ScratchDatabase;

/// Offered HTTP loads, commands per second.
const OFFERED: [f64; 3] = [250.0, 500.0, 1000.0];
/// Cases the HTTP load spreads its commands over (commands on one case queue behind each other).
const HTTP_CASES: usize = 256;

#[derive(Debug, Clone)]
pub struct BenchConfig {
    pub quick: bool,
    pub database_url: String,
    pub org: Option<PathBuf>,
}

impl BenchConfig {
    fn commands(&self) -> CommandBench {
        if self.quick {
            CommandBench::QUICK
        } else {
            CommandBench::FULL
        }
    }

    fn seconds_per_load(&self) -> f64 {
        if self.quick {
            2.0
        } else {
            5.0
        }
    }

    fn log_events(&self) -> u64 {
        if self.quick {
            50_000
        } else {
            1_000_000
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub store: &'static str,
    pub quick: bool,
    pub cores: usize,
    /// The machine's 1-minute load average at the start (other work skews every figure).
    pub load_average: Option<f64>,
    pub command_path: CommandBenchReport,
    pub http_cases: usize,
    /// The real server: read models and the deadline service running beside the commands.
    pub http: Vec<LoadResult>,
    /// The same loads with the read models paused: where the gap to the engine's path is.
    pub http_without_read_models: Vec<LoadResult>,
    pub rebuild: BenchFigures,
    pub goals: Vec<Goal>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Goal {
    pub what: &'static str,
    pub value: Option<f64>,
    pub met: bool,
}

/// Runs the whole benchmark; `phase` hears what starts next.
pub async fn bench(config: &BenchConfig, phase: impl Fn(&str)) -> Result<BenchReport, SimError> {
    let org = Arc::new(load_org(config.org.as_deref(), 1.0)?);
    let load_average = load_average();
    let scratch = ScratchDatabase::create(&config.database_url, "commands").await?;
    let commands = commands_and_http(&scratch.url, org.clone(), config, &phase).await;
    scratch.remove().await?;
    let (store, command_path, (http, http_without_read_models)) = commands?;
    phase(&format!(
        "projection rebuild against a raw read, {} events",
        config.log_events()
    ));
    let scratch = ScratchDatabase::create(&config.database_url, "log").await?;
    let rebuild = rebuild(&scratch.url, &org, config.log_events()).await;
    scratch.remove().await?;
    let rebuild = rebuild?;
    let at_1000 = http
        .iter()
        .find(|r| r.offered_per_second == 1000.0)
        .map(|r| r.p99_ms);
    let goals = vec![
        goal(
            "command path ≥ 0.60 of the raw baseline",
            Some(command_path.ratio),
            |v| v >= 0.60,
        ),
        goal("p99 ≤ 20 ms at 1,000 commands/s", at_1000, |v| v <= 20.0),
        goal(
            "rebuild ≥ 150,000 events/s",
            Some(rebuild.rebuild_events_per_second),
            |v| v >= 150_000.0,
        ),
    ];
    Ok(BenchReport {
        store,
        quick: config.quick,
        cores: std::thread::available_parallelism().map_or(1, usize::from),
        load_average,
        command_path,
        http_cases: HTTP_CASES,
        http,
        http_without_read_models,
        rebuild,
        goals,
    })
}

fn goal(what: &'static str, value: Option<f64>, met: impl Fn(f64) -> bool) -> Goal {
    Goal {
        what,
        value,
        met: value.is_some_and(met),
    }
}

/// HTTP figures with the read models running, and paused.
type HttpFigures = (Vec<LoadResult>, Vec<LoadResult>);

/// Steps 1–3 on one scratch database: the command paths side by side, then HTTP.
async fn commands_and_http(
    url: &str,
    org: Arc<Organisation>,
    config: &BenchConfig,
    phase: &impl Fn(&str),
) -> Result<(&'static str, CommandBenchReport, HttpFigures), SimError> {
    let store = Store::connect(url).await?;
    let backend = store.backend_name();
    phase("command path: raw SQL baseline against the engine, alternating rounds");
    let compared = async {
        store.migrate().await?;
        Ok::<_, SimError>(compare_command_paths(&store, org, config.commands()).await?)
    }
    .await;
    store.close().await;
    let command_path = compared?;
    phase("HTTP commands through the in-process server, open loop, read models running");
    let http = http_loads(url, config, ProjectionsConfig::default()).await?;
    phase("the same with the read models paused");
    let paused = ProjectionsConfig {
        projections: Vec::new(),
        deadline_service: false,
        ..ProjectionsConfig::default()
    };
    let without = http_loads(url, config, paused).await?;
    Ok((backend, command_path, (http, without)))
}

/// The offered loads against a server started on `url` with `read_models`.
async fn http_loads(
    url: &str,
    config: &BenchConfig,
    read_models: ProjectionsConfig,
) -> Result<Vec<LoadResult>, SimError> {
    let clock = Arc::new(SystemClock);
    let server = InProcessServer::start(url, config.org.clone(), clock, read_models).await?;
    let http = offer_loads(&server, config).await;
    server.stop().await?;
    http
}

async fn offer_loads(
    server: &InProcessServer,
    config: &BenchConfig,
) -> Result<Vec<LoadResult>, SimError> {
    let target =
        LoadTarget::prepare(&server.state, ApiClient::new(server.addr)?, HTTP_CASES).await?;
    let warm_up = LoadLevel {
        offered_per_second: OFFERED[0],
        seconds: 1.0,
    };
    target.offer(warm_up, "warm-up").await;
    let mut results = Vec::new();
    for offered in OFFERED {
        let level = LoadLevel {
            offered_per_second: offered,
            seconds: config.seconds_per_load(),
        };
        results.push(target.offer(level, &format!("load-{offered}")).await);
    }
    Ok(results)
}

async fn rebuild(url: &str, org: &Organisation, events: u64) -> Result<BenchFigures, SimError> {
    let store = Store::connect(url).await?;
    let measured = async {
        store.migrate().await?;
        synthetic::load(&store, events).await?;
        Ok::<_, SimError>(measure(&store, org, 2).await?)
    }
    .await;
    store.close().await;
    measured
}

/// The 1-minute load average (Linux), if known.
fn load_average() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
