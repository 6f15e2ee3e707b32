//! Rebuild throughput against a raw sequential read of the same log, on SQLite and PostgreSQL.
//!
//! `cargo bench -p shaobao-tests --bench rebuild -- [--events N] [--rounds R] [--store sqlite|postgres|both]`
//! (default 1,000,000 events, 2 rounds, both stores). PostgreSQL: a scratch database is created on
//! the server of `SHAOBAO_TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`)
//! and dropped afterwards.

use std::time::Instant;

use shaobao_services::org_file::load_org;
use shaobao_services::store::Store;
use shaobao_sim::rebuild_bench::{measure, synthetic};
use sqlx::{Connection, Executor, PgConnection};

struct Options {
    events: u64,
    rounds: u32,
    stores: Vec<&'static str>,
}

fn options() -> Options {
    let mut options = Options {
        events: 1_000_000,
        rounds: 2,
        stores: vec!["sqlite", "postgres"],
    };
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        match pair[0].as_str() {
            "--events" => options.events = pair[1].parse().expect("--events N"),
            "--rounds" => options.rounds = pair[1].parse().expect("--rounds R"),
            "--store" => {
                options.stores = match pair[1].as_str() {
                    "sqlite" => vec!["sqlite"],
                    "postgres" => vec!["postgres"],
                    _ => vec!["sqlite", "postgres"],
                }
            }
            _ => {}
        }
    }
    options
}

#[tokio::main]
async fn main() {
    let options = options();
    let org = load_org(None, 1.0).expect("sample district");
    for backend in &options.stores {
        let dir = tempfile::tempdir().expect("temp dir");
        let server = std::env::var("SHAOBAO_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let scratch = format!("shaobao_bench_{}", std::process::id());
        let url = match *backend {
            "sqlite" => format!("sqlite:{}", dir.path().join("bench.db").display()),
            _ => {
                let mut admin = PgConnection::connect(&server)
                    .await
                    .expect("PostgreSQL server");
                admin
                    .execute(format!("CREATE DATABASE {scratch}").as_str())
                    .await
                    .expect("create");
                format!(
                    "{}/{scratch}",
                    server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b)
                )
            }
        };
        let store = Store::connect(&url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let started = Instant::now();
        let cases = synthetic::load(&store, options.events)
            .await
            .expect("load events");
        println!(
            "{backend}: loaded {} events ({cases} cases) in {:.1} s",
            options.events,
            started.elapsed().as_secs_f64()
        );
        let figures = measure(&store, &org, options.rounds)
            .await
            .expect("measure");
        for (n, round) in figures.rounds.iter().enumerate() {
            println!(
                "{backend}: round {}: raw read {:.0} events/s, rebuild {:.0} events/s, load average {}",
                n + 1,
                round.raw_read_events_per_second,
                round.rebuild_events_per_second,
                round.load_average.map_or("unknown".into(), |l| format!("{l:.2}"))
            );
        }
        println!(
            "{backend}: N = {}: raw read {:.0} events/s, rebuild {:.0} events/s ({:.0}% of raw), best of each",
            figures.events,
            figures.raw_read_events_per_second,
            figures.rebuild_events_per_second,
            figures.ratio * 100.0
        );
        store.close().await;
        if *backend == "postgres" {
            let mut admin = PgConnection::connect(&server)
                .await
                .expect("PostgreSQL server");
            let _ = admin
                .execute(format!("DROP DATABASE {scratch} WITH (FORCE)").as_str())
                .await;
        }
    }
}
