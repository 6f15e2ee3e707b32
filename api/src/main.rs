//! `shaobao`: parse the command line, set up logging, run, and turn any failure into one line on
//! stderr and a non-zero exit code (2: bad configuration or usage, 1: failure at run time).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use shaobao_api::cli::{report_usage_error, run, Cli};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return ExitCode::from(report_usage_error(err)),
    };
    init_tracing(cli.command.default_log_filter());
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("shaobao: {}", err.one_line());
            ExitCode::from(err.exit_code())
        }
    }
}

/// Logs go to stdout (stderr is kept for the one-line error), filtered by `RUST_LOG`, else by the
/// command's default.
fn init_tracing(default_filter: &str) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stdout().is_terminal())
        .init();
}
