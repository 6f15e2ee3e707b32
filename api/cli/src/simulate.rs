//! `shaobao simulate`: a deterministic synthetic district day against the real HTTP API (see
//! [`shaobao_sim`]), with a progress bar and a report at the end.

use std::path::PathBuf;

use clap::Args;
use shaobao_services::store::DEFAULT_DATABASE_URL;

use crate::error::Error;
use shaobao_sim::{default_start, simulate, SimConfig, SimError};

#[derive(Debug, Clone, Args)]
pub struct SimulateArgs {
    /// Same seed, same requests (timings may jitter).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Virtual days of contacts (every case then runs to its end).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..))]
    pub days: u32,
    /// Contacts per virtual day: consultations, requests and household visits.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
    pub cases_per_day: u32,
    /// Simulated clients: requests in flight at most.
    #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u64).range(1..1025))]
    pub concurrency: u64,
    /// Real time per virtual time: 0.0001 plays a virtual day in 8.6 s (SLA deadlines, measured
    /// in real time, shrink by the same factor).
    #[arg(long, value_name = "FACTOR", default_value_t = 0.0001)]
    pub sla_scale: f64,
    /// postgres://… or sqlite:… (a fresh database gives clean statistics).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Organisation TOML file (default: the built-in sample district).
    #[arg(long, env = "SHAOBAO_ORG", value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Also write the report as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

pub async fn run(args: SimulateArgs) -> Result<(), Error> {
    let config = SimConfig {
        seed: args.seed,
        days: args.days,
        cases_per_day: args.cases_per_day,
        concurrency: args.concurrency as usize,
        sla_scale: args.sla_scale,
        database_url: args.database_url,
        org: args.org,
        start: default_start(),
        show_progress: true,
    };
    let report = simulate(&config).await?;
    print!("{}", report.render());
    if let Some(path) = args.json {
        write_json(&path, &report)?;
    }
    Ok(())
}

/// Writes `value` as pretty JSON to `path`.
pub fn write_json(path: &std::path::Path, value: &impl serde::Serialize) -> Result<(), SimError> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    std::fs::write(path, text + "\n").map_err(|source| SimError::Write {
        path: path.to_path_buf(),
        source,
    })
}
