//! The real server, started in this process on an ephemeral port, stopped on request.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use shaobao_api::server::{AppState, Server};
use shaobao_api::Error;
use shaobao_api::ServeConfig;
use shaobao_projections::ProjectionsConfig;
use shaobao_services::clock::Clock;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::error::SimError;

pub struct InProcessServer {
    pub addr: SocketAddr,
    pub state: AppState,
    stop: oneshot::Sender<()>,
    served: JoinHandle<Result<(), Error>>,
}

impl InProcessServer {
    /// Starts a server on `database_url` (migrated first) with the organisation file `org` at
    /// its nominal policy, commands stamped by `clock`.
    pub async fn start(
        database_url: &str,
        org: Option<std::path::PathBuf>,
        clock: Arc<dyn Clock>,
        read_models: ProjectionsConfig,
    ) -> Result<InProcessServer, SimError> {
        let config = ServeConfig {
            database_url: database_url.to_string(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            org,
            ..ServeConfig::default()
        };
        let server = Server::start_with_clock(&config, clock)
            .await
            .map_err(|err| SimError::Server(Box::new(err)))?
            .with_read_models(read_models);
        let addr = server.local_addr();
        let state = server.state().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        let served = tokio::spawn(server.run(async {
            let _ = stopped.await;
        }));
        Ok(InProcessServer {
            addr,
            state,
            stop,
            served,
        })
    }

    /// Lets in-flight requests finish, stops the read models and closes the store.
    pub async fn stop(self) -> Result<(), SimError> {
        let _ = self.stop.send(());
        match self.served.await {
            Ok(result) => result.map_err(|err| SimError::Server(Box::new(err))),
            Err(join) => Err(SimError::ReadBack(format!("server task: {join}"))),
        }
    }
}

/// Read models for a fast virtual clock: the deadline service looks at the clock every 25 ms
/// (a virtual hour is a fraction of a second) and idle projectors poll often.
pub fn fast_read_models() -> ProjectionsConfig {
    ProjectionsConfig {
        poll_interval: Duration::from_millis(100),
        deadline_tick: Duration::from_millis(25),
        ..ProjectionsConfig::default()
    }
}
