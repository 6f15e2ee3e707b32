//! Relay throughput against a raw pipelined publish of the same messages, on a nats-server of its
//! own (random port) and a fresh store:
//! `cargo bench -p shaobao-tests --bench relay [-- CASES [ROUNDS] [sqlite|postgres] [BATCH]]`
//! (default 4,000 cases, about 17,000 events, 3 rounds each way, SQLite, the relay's default
//! batch size).

use std::sync::Arc;
use std::time::Instant;

use futures::future::join_all;
use shaobao_services::relay::RelayConfig;
use shaobao_sim::relay_bench::compare_relay_with_raw_publish;
use shaobao_tests::databases::{Backend, TestStore};
use shaobao_tests::nats::workload::{case_life, case_service};
use shaobao_tests::nats::NatsServer;

/// Writers filling the log at once.
const WRITERS: usize = 16;

#[tokio::main]
async fn main() {
    let args = shaobao_tests::bench_args();
    let cases: usize = args.first().map_or(4_000, |a| a.parse().expect("CASES"));
    let rounds: usize = args.get(1).map_or(3, |a| a.parse().expect("ROUNDS"));
    let backend = match args.get(2).map(String::as_str) {
        Some("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let mut config = RelayConfig::default();
    if let Some(batch) = args.get(3) {
        config.batch_size = batch.parse().expect("BATCH");
    }
    let store = TestStore::fresh(backend).await.expect("a store");
    let nats = NatsServer::start().await.expect("nats-server");

    let started = Instant::now();
    let service = Arc::new(case_service(&store.store));
    let writers = (0..WRITERS).map(|writer| {
        let service = service.clone();
        tokio::spawn(async move {
            for n in (writer..cases).step_by(WRITERS) {
                case_life(&service, n).await;
            }
        })
    });
    for writer in join_all(writers).await {
        writer.expect("writer");
    }
    eprintln!(
        "{cases} cases written in {:.1?} ({backend:?})",
        started.elapsed()
    );

    let report = compare_relay_with_raw_publish(&store.store, &nats.url(), &config, rounds)
        .await
        .expect("benchmark");
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}
