//! `shaobao bench [--quick] --database-url URL [--json FILE]`: command path against a raw
//! baseline, HTTP latency at fixed offered loads, and rebuild throughput, all in one run on
//! scratch databases (see [`shaobao_sim::benchmark`]).

use std::path::PathBuf;

use clap::Args;
use shaobao_services::store::DEFAULT_DATABASE_URL;

use crate::error::Error;
use crate::simulate::write_json;
use shaobao_sim::benchmark::{bench, BenchConfig};

#[derive(Debug, Clone, Args)]
pub struct BenchArgs {
    /// Shorter: fewer rounds and commands, 2 s per offered load, 50,000 events to rebuild
    /// (1,000,000 without).
    #[arg(long)]
    pub quick: bool,
    /// The database server to measure: postgres://… (a scratch database is created beside the
    /// URL's and dropped afterwards) or sqlite:… (a temporary file).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// Organisation TOML file (default: the built-in sample district).
    #[arg(long, env = "SHAOBAO_ORG", value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Also write every figure as JSON to this file.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    #[command(flatten)]
    pub city: super::city_day::CityDayArgs,
}

pub async fn run(args: BenchArgs) -> Result<(), Error> {
    if args.city.city_day {
        let report = args.city.run(args.database_url, args.org).await?;
        print!("{}", report.render());
        return match args.json {
            Some(path) => Ok(write_json(&path, &report)?),
            None => Ok(()),
        };
    }
    let config = BenchConfig {
        quick: args.quick,
        database_url: args.database_url,
        org: args.org,
    };
    let report = bench(&config, |phase| eprintln!("bench: {phase}…")).await?;
    print!("{}", report.render());
    if let Some(path) = args.json {
        write_json(&path, &report)?;
    }
    Ok(())
}
