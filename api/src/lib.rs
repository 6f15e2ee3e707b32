//! Shaobao's HTTP server: the JSON API, Open311, the web console, health and metrics.
//!
//! The `shaobao` command line that starts it lives in `shaobao-cli` (`api/cli`), the simulator and
//! the benchmarks in `shaobao-sim` (`api/sim`); tests start a server in process on port 0.
//!
//! HTTP handlers are thin: extract and authenticate (`extract`, `auth`), gate by role (`access`),
//! call the case service, and answer a view (`view`) or an error (`api_error`, the one place where
//! errors become statuses).

pub mod access;
pub mod api_error;
pub mod auth;
pub mod bodies;
pub mod command_routes;
pub mod config;
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
pub mod view;

pub use config::ServeConfig;
pub use error::Error;
pub use server::{app, bind, shutdown_signal, AppState, Server};
