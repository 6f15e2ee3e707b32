//! Shaobao's outside interfaces: the `shaobao` command line and the HTTP server.
//!
//! The binary (`src/main.rs`) only parses arguments, sets up logging and maps errors to one line;
//! everything else lives here so tests can start a server in process on port 0.

pub mod cli;
pub mod error;
pub mod health;
pub mod server;

pub use cli::{run, Cli, Command, MigrateConfig, ServeConfig};
pub use error::Error;
pub use server::{app, bind, shutdown_signal, AppState, Server};
