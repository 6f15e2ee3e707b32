//! The `shaobao` command line (DESIGN §6): flags, their environment fallbacks, and what each
//! subcommand does.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use shaobao_services::store::{Store, DEFAULT_DATABASE_URL};

use crate::error::Error;
use crate::server::{shutdown_signal, Server};

mod bench;
mod city_day;
mod portable;
mod replay;
mod simulate;
mod table;
mod token;
mod user;

pub use replay::{ReadModelConfig, ReplayConfig};
pub use token::{CreateToken, TokenCommand};
pub use user::UserCommand;

#[derive(Debug, Parser)]
#[command(
    name = "shaobao",
    version,
    about = "Shaobao (哨报): street governance case handling"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations, load the organisation and serve HTTP until SIGINT or SIGTERM.
    Serve(ServeConfig),
    /// Apply pending database migrations and exit.
    Migrate(MigrateConfig),
    /// Manage API bearer tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage staff accounts (people signing in to the console).
    #[command(subcommand)]
    User(UserCommand),
    /// Rebuild read models from position 0 (all, or one projection), with a progress bar.
    Replay(ReplayConfig),
    /// Check the hash chains and that every read model equals a fresh rebuild.
    Verify(ReadModelConfig),
    /// Write the log as JSON lines, one event per line in log order (stdout unless --output).
    Export(portable::ExportArgs),
    /// Append a `shaobao export` file (or stdin) into an empty store, checking every hash chain.
    Import(portable::ImportArgs),
    /// Copy the SQLite store to a new file, consistently, also while it serves.
    Backup(portable::BackupArgs),
    /// Play a deterministic synthetic district day against the HTTP API and report it.
    Simulate(simulate::SimulateArgs),
    /// Measure the command path against a raw baseline, HTTP latency and rebuild throughput.
    Bench(bench::BenchArgs),
    /// Follow a department's whistles on NATS and report in to each over HTTP.
    Agent(crate::agent::AgentConfig),
}

impl Command {
    /// The log filter when `RUST_LOG` is unset: simulations and benchmarks would drown their
    /// report in one line per request.
    pub fn default_log_filter(&self) -> &'static str {
        match self {
            Command::Simulate(_) | Command::Bench(_) => "warn",
            // The demo's own requests would bury everything else: a summary line instead.
            Command::Serve(config) if config.demo => "info,shaobao_api::observe=warn",
            _ => "info",
        }
    }

    /// Whether logs go to stderr: the command's stdout is data (`export`), or shares a pipe.
    pub fn logs_to_stderr(&self) -> bool {
        matches!(self, Command::Export(_) | Command::Import(_))
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeConfig {
    /// postgres://… or sqlite:… (the SQLite file and its directory are created if missing).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// NATS JetStream server the relay publishes every event to (README "NATS event feed"), or a
    /// cluster's servers, comma-separated: the node starts while any one of them is down.
    #[arg(
        long,
        env = "SHAOBAO_NATS_URL",
        value_name = "URL[,URL…]",
        hide_env_values = true
    )]
    pub nats_url: Option<String>,
    /// Replicas of the `SHAOBAO` stream when the relay has to create it (3 on a three-server
    /// cluster); an existing stream is used as it is.
    #[arg(long, env = "SHAOBAO_NATS_REPLICAS", value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u8).range(1..=5))]
    pub nats_replicas: u8,
    /// This node's name among several on one database, shown in `/health/ready` and `/metrics`
    /// with the leases it holds (default: `<hostname>-<pid>`).
    #[arg(long, env = "SHAOBAO_NODE_ID", value_name = "NAME")]
    pub node_id: Option<String>,
    /// Address to listen on; port 0 picks a free port (the log says which).
    #[arg(
        long,
        env = "SHAOBAO_BIND",
        value_name = "ADDR",
        default_value = "127.0.0.1:8080"
    )]
    pub bind: SocketAddr,
    /// Organisation TOML file (default: the built-in sample district).
    #[arg(long, env = "SHAOBAO_ORG", value_name = "FILE")]
    pub org: Option<PathBuf>,
    /// Multiplies every SLA duration (drills, simulations, tests); must be > 0.
    #[arg(
        long,
        env = "SHAOBAO_SLA_SCALE",
        value_name = "FACTOR",
        default_value_t = 1.0,
        allow_negative_numbers = true
    )]
    pub sla_scale: f64,
    /// Also print demo tokens and bring the district to life with a gentle simulation (a new
    /// contact every few seconds; SLA scale 0.002 unless --sla-scale is given).
    #[arg(long)]
    pub demo: bool,
    /// Mark the console's cookies `Secure` (serve it over HTTPS, e.g. behind a proxy).
    #[arg(long, env = "SHAOBAO_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// A console session ends after this many minutes without a request.
    #[arg(long, env = "SHAOBAO_SESSION_IDLE_MINUTES", value_name = "MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub session_idle_minutes: u32,
    /// A console session ends this many hours after sign-in, however busy.
    #[arg(long, env = "SHAOBAO_SESSION_MAX_HOURS", value_name = "HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub session_max_hours: u32,
    /// `/health/ready` reports degraded when a read model is further behind the log than this.
    #[arg(
        long,
        env = "SHAOBAO_READY_MAX_LAG_SECONDS",
        value_name = "SECONDS",
        default_value_t = 60
    )]
    pub ready_max_lag_seconds: u32,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            nats_url: None,
            nats_replicas: 1,
            node_id: None,
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            org: None,
            sla_scale: 1.0,
            demo: false,
            secure_cookies: false,
            session_idle_minutes: 30,
            session_max_hours: 12,
            ready_max_lag_seconds: 60,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct MigrateConfig {
    /// postgres://… or sqlite:… (the SQLite file and its directory are created if missing).
    #[arg(long, env = "SHAOBAO_DATABASE_URL", value_name = "URL", hide_env_values = true,
          default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
}

/// Runs one subcommand to completion.
pub async fn run(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Serve(config) if config.demo => {
            crate::simulate::demo::serve(config, shutdown_signal()).await
        }
        Command::Serve(config) => {
            let shutdown = shutdown_signal();
            Server::start(&config).await?.run(shutdown).await
        }
        Command::Migrate(config) => migrate(&config).await,
        Command::Token(command) => token::run(command).await,
        Command::User(command) => user::run(command).await,
        Command::Replay(config) => replay::replay(&config).await,
        Command::Verify(config) => replay::verify_all(&config).await,
        Command::Export(args) => portable::export(args).await,
        Command::Import(args) => portable::import(args).await,
        Command::Backup(args) => portable::backup(args).await,
        Command::Simulate(args) => simulate::run(args).await,
        Command::Bench(args) => bench::run(args).await,
        Command::Agent(config) => Ok(crate::agent::run(config, shutdown_signal()).await?),
    }
}

async fn migrate(config: &MigrateConfig) -> Result<(), Error> {
    let url = &config.database_url;
    let store = Store::connect(url)
        .await
        .map_err(|err| Error::database(url, err))?;
    let result = store.migrate().await;
    store.close().await;
    result.map_err(|err| Error::database(url, err))?;
    println!("migrations applied ({})", store.backend_name());
    Ok(())
}

/// Prints a clap parse error as one line on stderr (help and version go to stdout as usual) and
/// returns the exit code: 0 for help and version, 2 for usage errors.
pub fn report_usage_error(err: clap::Error) -> u8 {
    use clap::error::ErrorKind;
    match err.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = err.print();
            0
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            2
        }
        _ => {
            let rendered = err.render().to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("");
            let message = first.trim().strip_prefix("error: ").unwrap_or(first.trim());
            eprintln!("shaobao: {message} (see shaobao --help)");
            2
        }
    }
}
