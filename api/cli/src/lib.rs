//! The `shaobao` command line (DESIGN §6): flags, their environment fallbacks, and what each
//! subcommand does.
//!
//! The server is `shaobao-api`'s; the simulator, `serve --demo` and the benchmarks are
//! `shaobao-sim`'s, so that only this binary, not the server's library, carries a load generator.

use clap::{Args, Parser, Subcommand};
use shaobao_api::server::{shutdown_signal, Server};
use shaobao_api::ServeConfig;
use shaobao_services::store::{Store, DEFAULT_DATABASE_URL};

pub mod agent;
mod bench;
mod city_day;
mod error;
mod portable;
mod replay;
mod simulate;
mod table;
mod token;
mod user;

pub use error::Error;
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
    Agent(agent::AgentConfig),
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
            Ok(shaobao_sim::demo::serve(config, shutdown_signal()).await?)
        }
        Command::Serve(config) => {
            let shutdown = shutdown_signal();
            Ok(Server::start(&config).await?.run(shutdown).await?)
        }
        Command::Migrate(config) => Ok(migrate(&config).await?),
        Command::Token(command) => Ok(token::run(command).await?),
        Command::User(command) => Ok(user::run(command).await?),
        Command::Replay(config) => Ok(replay::replay(&config).await?),
        Command::Verify(config) => Ok(replay::verify_all(&config).await?),
        Command::Export(args) => Ok(portable::export(args).await?),
        Command::Import(args) => Ok(portable::import(args).await?),
        Command::Backup(args) => Ok(portable::backup(args).await?),
        Command::Simulate(args) => simulate::run(args).await,
        Command::Bench(args) => bench::run(args).await,
        Command::Agent(config) => Ok(agent::run(config, shutdown_signal()).await?),
    }
}

async fn migrate(config: &MigrateConfig) -> Result<(), shaobao_api::Error> {
    use shaobao_api::Error;
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
