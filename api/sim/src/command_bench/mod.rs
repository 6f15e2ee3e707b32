//! The command-path benchmark (`shaobao bench`): the engine's command path against a raw-SQL loop
//! doing the same database work, at the same concurrency, on the same database, in one run.
//!
//! Both sides alternate (raw, engine, raw, engine…) because the disks of small machines are noisy:
//! only ratios measured side by side mean anything.

mod engine;
mod raw;

use std::time::{Duration, Instant};

use serde::Serialize;

/// How much work each side does.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct CommandBench {
    /// Concurrent clients (each its own set of cases, so neither side measures conflicts).
    pub concurrency: usize,
    /// Commands per client per round.
    pub commands_per_client: usize,
    /// Cases per client; streams grow to about `commands_per_client / cases_per_client` events.
    pub cases_per_client: usize,
    /// Rounds per side, alternating.
    pub rounds: usize,
}

impl CommandBench {
    pub const QUICK: CommandBench = CommandBench {
        concurrency: 16,
        commands_per_client: 100,
        cases_per_client: 5,
        rounds: 2,
    };
    pub const FULL: CommandBench = CommandBench {
        concurrency: 16,
        commands_per_client: 400,
        cases_per_client: 20,
        rounds: 3,
    };

    pub fn total_commands(&self) -> usize {
        self.concurrency * self.commands_per_client
    }
}

/// Throughput of one side in one round.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Round {
    pub commands: usize,
    pub seconds: f64,
    pub per_second: f64,
}

impl Round {
    fn timed(commands: usize, elapsed: Duration) -> Round {
        let seconds = elapsed.as_secs_f64();
        Round {
            commands,
            seconds,
            per_second: commands as f64 / seconds,
        }
    }
}

/// Both sides' rounds and the ratio of their medians.
#[derive(Debug, Clone, Serialize)]
pub struct CommandBenchReport {
    pub config: CommandBench,
    pub raw: Vec<Round>,
    pub engine: Vec<Round>,
    pub raw_median: f64,
    pub engine_median: f64,
    /// engine ÷ raw.
    pub ratio: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("database: {0}")]
    Store(#[from] shaobao_services::store::StoreError),
    #[error("database: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("the engine refused a benchmark command: {0}")]
    Command(String),
}

/// Runs both sides `rounds` times, alternating, on `store` (which should be a scratch database).
pub async fn compare_command_paths(
    store: &shaobao_services::store::Store,
    org: std::sync::Arc<shaobao_domain::org::Organisation>,
    config: CommandBench,
) -> Result<CommandBenchReport, BenchError> {
    let mut raw = Vec::new();
    let mut engine = Vec::new();
    for round in 0..config.rounds {
        let started = Instant::now();
        raw::run(store, &config, round).await?;
        raw.push(Round::timed(config.total_commands(), started.elapsed()));

        let prepared = engine::prepare(store, org.clone(), &config, round).await?;
        let started = Instant::now();
        engine::run(&prepared, &config).await?;
        engine.push(Round::timed(config.total_commands(), started.elapsed()));
    }
    let raw_median = median(&raw);
    let engine_median = median(&engine);
    Ok(CommandBenchReport {
        config,
        raw,
        engine,
        raw_median,
        engine_median,
        ratio: engine_median / raw_median,
    })
}

fn median(rounds: &[Round]) -> f64 {
    let mut rates: Vec<f64> = rounds.iter().map(|r| r.per_second).collect();
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}
