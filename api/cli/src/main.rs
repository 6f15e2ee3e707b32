//! `shaobao`: parse the command line, set up logging, run, and turn any failure into one line on
//! stderr and a non-zero exit code (2: bad configuration or usage, 1: failure at run time).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use shaobao_cli::{report_usage_error, run, Cli};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return ExitCode::from(report_usage_error(err)),
    };
    init_tracing(
        cli.command.default_log_filter(),
        cli.command.logs_to_stderr(),
    );
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("shaobao: {}", err.one_line());
            ExitCode::from(err.exit_code())
        }
    }
}

/// Logs go to stdout (stderr is kept for the one-line error), or to stderr for commands whose
/// stdout is data; filtered by `RUST_LOG`, else by the command's default.
fn init_tracing(default_filter: &str, to_stderr: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(default_filter))
        // PostgreSQL's NOTICEs (every start-up migration's "relation … already exists, skipping")
        // would interleave with reports and one-line errors; warnings and errors still show.
        .add_directive(
            "sqlx::postgres::notice=warn"
                .parse()
                .expect("valid directive"),
        );
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if to_stderr {
        builder
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .init();
    } else {
        builder.with_ansi(std::io::stdout().is_terminal()).init();
    }
}
