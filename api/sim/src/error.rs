//! What stops a simulation or a benchmark.

use shaobao_projections::ProjectionError;
use shaobao_services::org_file::OrgFileError;
use shaobao_services::store::StoreError;
use shaobao_services::tokens::TokenError;

use shaobao_api::error::{EXIT_CONFIG, EXIT_RUNTIME};

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A flag out of range (also caught by clap where it can).
    #[error("{0}")]
    Config(String),
    #[error(transparent)]
    Org(#[from] OrgFileError),
    /// The in-process server could not start or stopped with an error.
    #[error("{0}")]
    Server(Box<shaobao_api::Error>),
    #[error("cannot issue simulated tokens: {0}")]
    Token(#[from] TokenError),
    #[error("HTTP client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("database: {0}")]
    Store(#[from] StoreError),
    #[error("scratch database: {0}")]
    Scratch(#[from] sqlx::Error),
    #[error("command-path benchmark: {0}")]
    CommandBench(#[from] crate::command_bench::BenchError),
    #[error("rebuild benchmark: {0}")]
    Rebuild(#[from] ProjectionError),
    /// Preparing benchmark cases through the case service failed.
    #[error("preparing benchmark cases: {0}")]
    Setup(String),
    #[error("reading results back: {0}")]
    ReadBack(String),
    #[error("cannot write {path}: {source}")]
    Write {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

/// The in-process server's failures (starting, serving, the demo's tokens and accounts).
impl From<shaobao_api::Error> for SimError {
    fn from(err: shaobao_api::Error) -> SimError {
        SimError::Server(Box::new(err))
    }
}

impl SimError {
    pub fn exit_code(&self) -> u8 {
        match self {
            SimError::Config(_) | SimError::Org(_) => EXIT_CONFIG,
            SimError::Server(err) => err.exit_code(),
            _ => EXIT_RUNTIME,
        }
    }
}
