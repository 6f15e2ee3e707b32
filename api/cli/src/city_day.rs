//! `shaobao bench --city-day`: a city's day through a running cluster and the log at a
//! district's years (see [`shaobao_sim::city_day`] and `deploy/city-day`).

use clap::Args;

use shaobao_sim::city_day::{city_day, CityDayConfig, CityDayReport, DayConfig};
use shaobao_sim::SimError;

#[derive(Debug, Clone, Args)]
pub struct CityDayArgs {
    /// Instead of the benchmark above: play a day of contacts through running nodes (--targets,
    /// --database-url is then the nodes' database) and/or grow a scratch log (--log-sizes).
    #[arg(long)]
    pub city_day: bool,
    /// The nodes' base URLs, comma-separated (http://127.0.0.1:8081,…); none: no day is played.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "URLS",
        requires = "city_day"
    )]
    pub targets: Vec<String>,
    /// Contacts in the day (a city of Beijing's size: 70,000).
    #[arg(long, default_value_t = 70_000, value_parser = clap::value_parser!(u32).range(1..))]
    pub contacts: u32,
    /// The nodes' --sla-scale: the day and every planned pause are compressed by it too.
    #[arg(long, value_name = "FACTOR", default_value_t = 0.0001)]
    pub sla_scale: f64,
    /// Requests in flight at most.
    #[arg(long, default_value_t = 48, value_parser = clap::value_parser!(u64).range(1..1025))]
    pub concurrency: u64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Grow a scratch log through these sizes (events, comma-separated, ascending) and rebuild
    /// every read model at each, e.g. 2000000,10000000.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "EVENTS",
        requires = "city_day"
    )]
    pub log_sizes: Vec<u64>,
}

impl CityDayArgs {
    /// Runs what the flags ask for against `database_url`.
    pub async fn run(
        self,
        database_url: String,
        org: Option<std::path::PathBuf>,
    ) -> Result<CityDayReport, SimError> {
        let valid_scale = self.sla_scale.is_finite() && self.sla_scale > 0.0;
        if !valid_scale || !self.log_sizes.is_sorted() {
            return Err(SimError::Config(
                "--sla-scale must be positive and --log-sizes ascending".into(),
            ));
        }
        let day = (!self.targets.is_empty()).then_some(DayConfig {
            targets: self.targets,
            contacts: self.contacts,
            sla_scale: self.sla_scale,
            concurrency: self.concurrency as usize,
            seed: self.seed,
            show_progress: true,
        });
        let config = CityDayConfig {
            database_url,
            org,
            day,
            log_sizes: self.log_sizes,
        };
        city_day(&config, |phase| eprintln!("bench --city-day: {phase}…")).await
    }
}
