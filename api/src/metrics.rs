//! Prometheus metrics of one server: requests by route template and status (count and latency),
//! commands by type and outcome, and (with NATS) the relay's state. Served as text at `/metrics`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use prometheus::{
    Encoder, Gauge, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};
use shaobao_services::relay::{RelayReport, RelayStatus};

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
        }
    }

    pub fn observe_request(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        let status = status.to_string();
        let labels = [method, route, status.as_str()];
        self.requests.with_label_values(&labels).inc();
        self.served.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
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

    fn render(&self, relay: Option<&RelayStatus>) -> String {
        let mut families = self.registry.gather();
        if let Some(relay) = relay {
            families.extend(self.relay.gather(relay.report()));
        }
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
pub async fn metrics(
    State(metrics): State<Arc<Metrics>>,
    State(relay): State<Option<RelayStatus>>,
) -> impl IntoResponse {
    let text = metrics.render(relay.as_ref());
    ([(CONTENT_TYPE, prometheus::TEXT_FORMAT)], text)
}
