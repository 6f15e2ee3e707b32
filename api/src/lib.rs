//! Shaobao's outside interfaces: the `shaobao` command line and the HTTP server.
//!
//! The binary (`src/main.rs`) only parses arguments, sets up logging and maps errors to one line;
//! everything else lives here so tests can start a server in process on port 0.
//!
//! HTTP handlers are thin: extract and authenticate (`extract`, `auth`), gate by role (`access`),
//! call the case service, and answer a view (`view`) or an error (`api_error`, the one place where
//! errors become statuses).

pub mod access;
pub mod agent;
pub mod api_error;
pub mod auth;
pub mod bodies;
pub mod cli;
pub mod command_routes;
pub mod console;
pub mod error;
pub mod extract;
pub mod health;
pub mod metrics;
pub mod node;
pub mod observe;
pub mod open311;
pub mod openapi;
pub mod routes;
pub mod server;
pub mod simulate;
pub mod view;

pub use cli::{run, Cli, Command, MigrateConfig, ServeConfig};
pub use error::Error;
pub use server::{app, bind, shutdown_signal, AppState, Server};
