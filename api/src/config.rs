//! What `shaobao serve` is told: the flags and environment variables of a server node. They live
//! with the server, which starts from them ([`crate::Server::start`]); the command line
//! (`shaobao-cli`) only parses them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Args;
use shaobao_services::store::DEFAULT_DATABASE_URL;

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
