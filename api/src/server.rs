//! The HTTP server: start-up (organisation, store, migrations, socket), routes, graceful shutdown.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, FromRef};
use axum::{middleware, Router};
use shaobao_domain::org::Organisation;
use shaobao_projections::models::hotspots::HotspotRepeatWarnings;
use shaobao_projections::ProjectionsConfig;
use shaobao_services::cases::CaseService;
use shaobao_services::clock::{Clock, SystemClock};
use shaobao_services::org_file::load_org;
use shaobao_services::relay::{Relay, RelayConfig, RelayStatus};
use shaobao_services::store::Store;
use shaobao_services::tokens::TokenStore;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tracing::info;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::api_error::{ApiError, MAX_BODY_BYTES};
use crate::config::ServeConfig;
use crate::console::{self, ConsoleSettings, LiveFeed};
use crate::error::Error;
use crate::metrics::{self, Metrics};
use crate::node::Node;
use crate::observe::observe;
use crate::openapi::ApiDoc;
use crate::{health, routes};
use chrono::TimeDelta;
use shaobao_services::access_log::AccessLog;
use shaobao_services::accounts::{Accounts, SessionPolicy};

/// What every handler can reach.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub store: Store,
    pub org: Arc<Organisation>,
    pub cases: Arc<CaseService>,
    pub tokens: TokenStore,
    pub clock: Arc<dyn Clock>,
    pub metrics: Arc<Metrics>,
    /// The NATS relay's state, when `--nats-url` is set.
    pub relay: Option<RelayStatus>,
    /// Staff accounts and console sessions.
    pub accounts: Accounts,
    /// Unmasked reads of personal data (DESIGN §1).
    pub access_log: AccessLog,
    pub console: ConsoleSettings,
    /// Tells open console pages when the read models changed.
    pub live: LiveFeed,
    /// `/health/ready` says degraded when a read model lags more than this.
    pub ready_max_lag: std::time::Duration,
    /// Which node this is, and which leases it holds.
    pub node: Node,
}

impl AppState {
    pub fn new(store: Store, org: Arc<Organisation>, clock: Arc<dyn Clock>) -> Self {
        let cases = Arc::new(CaseService::new(store.clone(), org.clone(), clock.clone()));
        AppState {
            cases: cases.clone(),
            tokens: TokenStore::new(store.clone()),
            metrics: Arc::new(Metrics::new()),
            relay: None,
            accounts: Accounts::new(store.clone(), org.clone()),
            access_log: AccessLog::new(store.clone()),
            console: ConsoleSettings::default(),
            live: LiveFeed::new(store.clone(), cases.commits()),
            ready_max_lag: std::time::Duration::from_secs(60),
            node: Node::default(),
            store,
            org,
            clock,
        }
    }
}

/// All routes: the API under `/api/v1`, its OpenAPI document and Swagger UI (`/docs`), health and
/// metrics. Every request passes [`observe`] (request id, log line, metrics).
pub fn app(state: AppState) -> Router {
    let (router, openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", routes::api())
        .routes(routes!(health::live))
        .routes(routes!(health::ready))
        .routes(routes!(metrics::metrics))
        .split_for_parts();
    router
        .merge(SwaggerUi::new("/docs").url("/api/v1/openapi.json", openapi))
        .nest(crate::open311::BASE_PATH, crate::open311::routes())
        .merge(console::routes())
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            observe,
        ))
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
    read_models: ProjectionsConfig,
    relay: Option<Relay>,
}

impl Server {
    /// Loads the organisation first (a configuration error then has no side effects), then opens
    /// and migrates the store, then binds. Commands are stamped by the system clock.
    pub async fn start(config: &ServeConfig) -> Result<Server, Error> {
        Server::start_with_clock(config, Arc::new(SystemClock)).await
    }

    /// [`Server::start`] with commands stamped by `clock` (tests and simulations).
    pub async fn start_with_clock(
        config: &ServeConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Server, Error> {
        let org = load_org(config.org.as_deref(), config.sla_scale)?;
        let node = Node::new(config.node_id.as_deref());
        info!(
            node = %node.id,
            district = %org.district.code,
            streets = org.streets.len(),
            departments = org.departments.len(),
            categories = org.categories.len(),
            sla_scale = config.sla_scale,
            "organisation loaded"
        );
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
            shaobao_projections::prepare::ensure_built(&store, &org)
                .await
                .map_err(Error::ReadModels)?;
            let relay = match &config.nats_url {
                Some(nats) => {
                    let relay = RelayConfig {
                        stream_replicas: config.nats_replicas.into(),
                        held_leases: node.leases.clone(),
                        ..RelayConfig::default()
                    };
                    let repeats = HotspotRepeatWarnings {
                        store: store.clone(),
                        settings: org.hotspots,
                    };
                    let relay = Relay::connect(store.clone(), nats, relay).await?;
                    Some(relay.with_repeat_warnings(Arc::new(repeats)))
                }
                None => None,
            };
            Ok((bind(config.bind).await?, relay))
        };
        match prepared.await {
            Ok(((listener, addr), relay)) => Ok(Server {
                listener,
                addr,
                state: {
                    let state = AppState::new(store, Arc::new(org), clock);
                    let policy = SessionPolicy {
                        idle: TimeDelta::minutes(config.session_idle_minutes.into()),
                        absolute: TimeDelta::hours(config.session_max_hours.into()),
                    };
                    AppState {
                        relay: relay.as_ref().map(Relay::status),
                        accounts: state.accounts.clone().with_policy(policy),
                        console: ConsoleSettings {
                            secure_cookies: config.secure_cookies,
                        },
                        ready_max_lag: std::time::Duration::from_secs(
                            config.ready_max_lag_seconds.into(),
                        ),
                        node,
                        ..state
                    }
                },
                read_models: ProjectionsConfig::default(),
                relay,
            }),
            Err(err) => {
                store.close().await;
                Err(err)
            }
        }
    }

    /// Runs the read models with `config` rather than the defaults (a simulation on a fast
    /// virtual clock needs the deadline service to look at the clock often).
    pub fn with_read_models(mut self, config: ProjectionsConfig) -> Server {
        self.read_models = config;
        self
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
        let state = &self.state;
        let read_models = shaobao_projections::Projections::start(
            state.store.clone(),
            state.cases.clone(),
            state.clock.clone(),
            state.org.clone(),
            ProjectionsConfig {
                held_leases: state.node.leases.clone(),
                ..self.read_models.clone()
            },
        );
        // The relay follows the log on its own task: commands never wait for NATS.
        let relay = self.relay.map(|relay| tokio::spawn(relay.run()));
        let served = axum::serve(self.listener, app(self.state.clone()))
            .with_graceful_shutdown(shutdown)
            .await;
        relay.inspect(JoinHandle::abort);
        read_models.shutdown().await;
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
