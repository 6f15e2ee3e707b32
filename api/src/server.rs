//! The HTTP server: start-up (organisation, store, migrations, socket), routes, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::routing::get;
use axum::Router;
use shaobao_domain::org::Organisation;
use shaobao_services::org_file::load_org;
use shaobao_services::store::Store;
use tokio::net::TcpListener;
use tracing::info;

use crate::cli::ServeConfig;
use crate::error::Error;
use crate::health;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub org: Arc<Organisation>,
}

/// All routes.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .with_state(state)
}

/// Opens a listening socket and returns it with the address actually bound (port 0 picks one).
pub async fn bind(addr: SocketAddr) -> Result<(TcpListener, SocketAddr), Error> {
    let bind_error = |source| Error::Bind { addr, source };
    let listener = TcpListener::bind(addr).await.map_err(bind_error)?;
    let local = listener.local_addr().map_err(bind_error)?;
    Ok((listener, local))
}

/// A started server: organisation loaded, store migrated, socket bound, not yet serving.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
}

impl Server {
    /// Loads the organisation first (a configuration error then has no side effects), then opens
    /// and migrates the store, then binds.
    pub async fn start(config: &ServeConfig) -> Result<Server, Error> {
        let org = load_org(config.org.as_deref(), config.sla_scale)?;
        info!(
            district = %org.district.code,
            streets = org.streets.len(),
            departments = org.departments.len(),
            categories = org.categories.len(),
            sla_scale = config.sla_scale,
            "organisation loaded"
        );
        if config.nats_url.is_some() {
            info!("NATS URL given but not used yet: events are not published");
        }
        let url = &config.database_url;
        let store = Store::connect(url)
            .await
            .map_err(|err| Error::database(url, err))?;
        let prepared = async {
            store
                .migrate()
                .await
                .map_err(|err| Error::database(url, err))?;
            info!(store = store.backend_name(), "migrations applied");
            bind(config.bind).await
        };
        match prepared.await {
            Ok((listener, addr)) => Ok(Server {
                listener,
                addr,
                state: AppState {
                    store,
                    org: Arc::new(org),
                },
            }),
            Err(err) => {
                store.close().await;
                Err(err)
            }
        }
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, lets in-flight requests finish, then closes the store.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        info!("listening on {}", self.addr);
        let served = axum::serve(self.listener, app(self.state.clone()))
            .with_graceful_shutdown(shutdown)
            .await;
        self.state.store.close().await;
        info!("stopped");
        served.map_err(Error::Serve)
    }
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM. The handlers are installed when this is called, not
/// when the future is first polled, so a signal that arrives during start-up is not lost. Call it
/// inside a Tokio runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let interrupt = signal(SignalKind::interrupt()).ok();
        let terminate = signal(SignalKind::terminate()).ok();
        async move {
            let interrupted = async {
                match interrupt {
                    Some(mut stream) => drop(stream.recv().await),
                    None => std::future::pending().await,
                }
            };
            let terminated = async {
                match terminate {
                    Some(mut stream) => drop(stream.recv().await),
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                () = interrupted => info!("SIGINT received, shutting down"),
                () = terminated => info!("SIGTERM received, shutting down"),
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_ok() {
            info!("Ctrl-C received, shutting down");
        } else {
            std::future::pending::<()>().await;
        }
    }
}
