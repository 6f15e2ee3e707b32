//! Prometheus metrics of one server: requests by route template and status (count and latency),
//! commands by type and outcome, the read models' lag and the open cases, and (with NATS) the
//! relay's state, and which node this is with the leases it holds. Served as text at `/metrics`.

mod node_gauges;

use std::time::Duration;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use prometheus::{
    Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec,
    Opts, Registry, TextEncoder,
};
use shaobao_projections::lag;
use shaobao_projections::models::queue;
use shaobao_projections::runtime::DEADLINE_JOB;
use shaobao_services::leader;
use shaobao_services::relay::RelayReport;

use crate::server::AppState;

/// A registry per server (not the process-wide default), so servers started side by side in one
/// test process keep separate counts.
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    /// Every request answered, for the demo's summary line.
    served: std::sync::atomic::AtomicU64,
    latency: HistogramVec,
    commands: IntCounterVec,
    relay: RelayGauges,
    read_models: ReadModelGauges,
    node: node_gauges::NodeGauges,
}

/// The read models' lag and the open cases, read from the store when `/metrics` is scraped.
struct ReadModelGauges {
    registry: Registry,
    lag_events: IntGaugeVec,
    lag_seconds: GaugeVec,
    open_cases: IntGaugeVec,
    deadline_last_run: Gauge,
    token_lookups: IntGaugeVec,
}

impl ReadModelGauges {
    fn new() -> Self {
        let gauges = ReadModelGauges {
            registry: Registry::new(),
            lag_events: IntGaugeVec::new(
                Opts::new(
                    "shaobao_projection_lag_events",
                    "Events in the log a read model has not applied yet",
                ),
                &["projection"],
            )
            .expect("valid metric"),
            lag_seconds: GaugeVec::new(
                Opts::new(
                    "shaobao_projection_lag_seconds",
                    "Age of the oldest event a read model has not applied yet",
                ),
                &["projection"],
            )
            .expect("valid metric"),
            open_cases: IntGaugeVec::new(
                Opts::new("shaobao_open_cases", "Open cases by street and state"),
                &["street", "state"],
            )
            .expect("valid metric"),
            token_lookups: IntGaugeVec::new(
                Opts::new(
                    "shaobao_token_cache_lookups",
                    "Bearer-token look-ups by this node: answered from its one-second cache (hit) \
                     or from the store (miss)",
                ),
                &["result"],
            )
            .expect("valid metric"),
            deadline_last_run: Gauge::new(
                "shaobao_deadline_service_last_run_timestamp_seconds",
                "When the deadline service, on whichever node, last finished a pass (Unix time; \
                 0: never)",
            )
            .expect("valid metric"),
        };
        for collector in [
            Box::new(gauges.lag_events.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(gauges.lag_seconds.clone()),
            Box::new(gauges.open_cases.clone()),
            Box::new(gauges.deadline_last_run.clone()),
            Box::new(gauges.token_lookups.clone()),
        ] {
            gauges
                .registry
                .register(collector)
                .expect("metric registered once");
        }
        gauges
    }

    /// Reads the figures; a store that does not answer leaves them out of this scrape.
    async fn gather(&self, state: &AppState) -> Vec<prometheus::proto::MetricFamily> {
        let Ok(lags) = lag::lags(&state.store, state.clock.now()).await else {
            return Vec::new();
        };
        for lag in lags {
            let name = [lag.projection.as_str()];
            self.lag_events
                .with_label_values(&name)
                .set(lag.events.try_into().unwrap_or(i64::MAX));
            self.lag_seconds.with_label_values(&name).set(lag.seconds);
        }
        self.open_cases.reset();
        if let Ok(open) = queue::open_by_street_and_state(&state.store).await {
            for (street, case_state, count) in open {
                self.open_cases
                    .with_label_values(&[street.as_str(), case_state.as_str()])
                    .set(count);
            }
        }
        let lookups = state.tokens.cache_counts();
        let as_gauge = |n: u64| n.try_into().unwrap_or(i64::MAX);
        for (result, n) in [("hit", lookups.hits), ("miss", lookups.misses)] {
            self.token_lookups
                .with_label_values(&[result])
                .set(as_gauge(n));
        }
        if let Ok(last_run) = leader::last_run(&state.store, DEADLINE_JOB).await {
            let seconds = last_run.map_or(0.0, |at| at.timestamp_millis() as f64 / 1e3);
            self.deadline_last_run.set(seconds);
        }
        self.registry.gather()
    }
}

/// The relay's state, read from its status when `/metrics` is scraped; in a registry of their
/// own, shown only when the server relays.
struct RelayGauges {
    registry: Registry,
    lag: IntGauge,
    last_publish: Gauge,
    connected: IntGauge,
    leader: IntGauge,
}

impl RelayGauges {
    fn new() -> Self {
        let gauge = |name: &str, help: &str| IntGauge::new(name, help).expect("valid metric");
        let gauges = RelayGauges {
            registry: Registry::new(),
            lag: gauge(
                "shaobao_relay_lag_events",
                "Events in the log not yet on NATS",
            ),
            last_publish: Gauge::new(
                "shaobao_relay_last_publish_timestamp_seconds",
                "When JetStream last acknowledged a publish by this server (Unix time; 0: never)",
            )
            .expect("valid metric"),
            connected: gauge("shaobao_relay_connected", "1 while connected to NATS"),
            leader: gauge(
                "shaobao_relay_leader",
                "1 while this server is the one relaying",
            ),
        };
        for collector in [
            Box::new(gauges.lag.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(gauges.last_publish.clone()),
            Box::new(gauges.connected.clone()),
            Box::new(gauges.leader.clone()),
        ] {
            gauges
                .registry
                .register(collector)
                .expect("metric registered once");
        }
        gauges
    }

    fn gather(&self, report: RelayReport) -> Vec<prometheus::proto::MetricFamily> {
        self.lag.set(
            report
                .lag_events
                .map_or(0, |lag| lag.try_into().unwrap_or(i64::MAX)),
        );
        let published = report
            .last_publish_at
            .map(|at| at.timestamp_millis() as f64 / 1e3);
        self.last_publish.set(published.unwrap_or(0.0));
        self.connected.set(i64::from(report.connected));
        self.leader.set(i64::from(report.leader));
        self.registry.gather()
    }
}

const REQUEST_LABELS: &[&str] = &["method", "route", "status"];
/// Seconds; commands take milliseconds, a slow store or a stalled client much longer.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

impl Metrics {
    pub fn new() -> Self {
        let requests = IntCounterVec::new(
            Opts::new("shaobao_http_requests_total", "HTTP requests answered"),
            REQUEST_LABELS,
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "shaobao_http_request_duration_seconds",
                "HTTP request latency",
            )
            .buckets(LATENCY_BUCKETS.to_vec()),
            REQUEST_LABELS,
        )
        .expect("valid metric");
        let commands = IntCounterVec::new(
            Opts::new(
                "shaobao_commands_total",
                "Commands by type and outcome (ok, repeated, or the error code)",
            ),
            &["command", "outcome"],
        )
        .expect("valid metric");
        let registry = Registry::new();
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(commands.clone()),
        ] {
            registry
                .register(collector)
                .expect("metric registered once");
        }
        Metrics {
            registry,
            requests,
            served: std::sync::atomic::AtomicU64::new(0),
            latency,
            commands,
            relay: RelayGauges::new(),
            read_models: ReadModelGauges::new(),
            node: node_gauges::NodeGauges::new(),
        }
    }

    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.served
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.latency
            .with_label_values(&labels)
            .observe(elapsed.as_secs_f64());
    }

    /// Requests answered since start.
    pub fn requests_served(&self) -> u64 {
        self.served.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn observe_command(&self, command: &str, outcome: &str) {
        self.commands.with_label_values(&[command, outcome]).inc();
    }

    async fn render(&self, state: &AppState) -> String {
        let mut families = self.registry.gather();
        if let Some(relay) = &state.relay {
            families.extend(self.relay.gather(relay.report()));
        }
        families.extend(self.read_models.gather(state).await);
        families.extend(self.node.gather(&state.node));
        let mut text = Vec::new();
        TextEncoder::new()
            .encode(&families, &mut text)
            .expect("text encoding of gathered metrics");
        String::from_utf8(text).expect("metrics text is UTF-8")
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

/// Prometheus text exposition format.
#[utoipa::path(get, path = "/metrics", tag = "operations", security(()),
    responses((status = 200, description = "Prometheus text format", content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let text = state.metrics.render(&state).await;
    ([(CONTENT_TYPE, prometheus::TEXT_FORMAT)], text)
}
