//! The hot-spot projector's rebuild rate beside a raw read of the same log, alternating:
//! `cargo bench -p shaobao-tests --bench hotspots_rebuild [-- EVENTS [ROUNDS] [postgres|sqlite]]`
//! (default 1,000,000 synthetic events, 2 rounds, PostgreSQL).

use std::time::Instant;

use shaobao_projections::{rebuild, ProjectionName};
use shaobao_services::org_file::load_org;
use shaobao_sim::rebuild_bench::{raw_read, synthetic};
use shaobao_tests::databases::{Backend, TestStore};

#[tokio::main]
async fn main() {
    let args = shaobao_tests::bench_args();
    let events: u64 = args
        .first()
        .map_or(1_000_000, |a| a.parse().expect("EVENTS"));
    let rounds: usize = args.get(1).map_or(2, |a| a.parse().expect("ROUNDS"));
    let backend = match args.get(2).map(String::as_str) {
        Some("sqlite") => Backend::Sqlite,
        _ => Backend::Postgres,
    };
    let t = TestStore::fresh(backend).await.expect("a store");
    let org = load_org(None, 1.0).expect("sample district");
    let started = Instant::now();
    synthetic::load(&t.store, events).await.expect("load");
    eprintln!(
        "{backend:?}: {events} events loaded in {:.1?}",
        started.elapsed()
    );
    for round in 1..=rounds {
        let started = Instant::now();
        let read = raw_read(&t.store).await.expect("raw read");
        let raw = read as f64 / started.elapsed().as_secs_f64();
        let report = rebuild(&t.store, &org, &[ProjectionName::Hotspots], |_| {})
            .await
            .expect("rebuild");
        println!(
            "{backend:?} round {round}: {} events: hot-spot rebuild {:.0} events/s | baseline raw \
             read {raw:.0} events/s (ratio {:.2})",
            report.events,
            report.events_per_second,
            report.events_per_second / raw
        );
    }
}
