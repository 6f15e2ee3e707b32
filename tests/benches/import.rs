//! Import throughput beside export throughput, measured in the same run on the same log:
//! `cargo bench -p shaobao-tests --bench import [-- EVENTS [ROUNDS] [postgres|sqlite|both]]`
//! (default 300,000 events, 3 rounds, PostgreSQL). The source store is filled in bulk with
//! synthetic hash-chained case streams; each round exports it to a file (`shaobao export`'s
//! code path) and imports that file into a fresh store of the same kind (`shaobao import`'s),
//! alternating the two. Goal: import ≥ 50,000 events/s into PostgreSQL.

use std::fs::File;
use std::io::BufWriter;
use std::time::Instant;

use shaobao_services::store::ExportFilter;
use shaobao_sim::rebuild_bench::synthetic;
use shaobao_tests::databases::{Backend, TestStore};

#[tokio::main]
async fn main() {
    let args = shaobao_tests::bench_args();
    let events: u64 = args.first().map_or(300_000, |a| a.parse().expect("EVENTS"));
    let rounds: usize = args.get(1).map_or(3, |a| a.parse().expect("ROUNDS"));
    let backends = match args.get(2).map(String::as_str) {
        Some("sqlite") => vec![Backend::Sqlite],
        Some("both") => vec![Backend::Postgres, Backend::Sqlite],
        _ => vec![Backend::Postgres],
    };
    for backend in backends {
        run(backend, events, rounds).await;
    }
}

async fn run(backend: Backend, events: u64, rounds: usize) {
    let source = TestStore::fresh(backend).await.expect("a store");
    let started = Instant::now();
    synthetic::load(&source.store, events).await.expect("load");
    eprintln!(
        "{backend:?}: {events} events loaded in {:.1?}",
        started.elapsed()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("log.jsonl");
    let (mut exports, mut imports) = (Vec::new(), Vec::new());
    for round in 1..=rounds {
        let started = Instant::now();
        let mut out = BufWriter::with_capacity(1 << 20, File::create(&path).expect("file"));
        let written = source
            .store
            .export(&ExportFilter::default(), &mut out, |_| {})
            .await
            .expect("export");
        drop(out);
        let export_rate = written as f64 / started.elapsed().as_secs_f64();
        assert_eq!(written, events);

        let target = TestStore::fresh(backend).await.expect("a store");
        let started = Instant::now();
        let report = target
            .store
            .import(File::open(&path).expect("file"), |_| {})
            .await
            .expect("import");
        let import_rate = report.events as f64 / started.elapsed().as_secs_f64();
        assert_eq!(report.events, events);
        eprintln!(
            "{backend:?} round {round}: export {export_rate:.0} events/s, import {import_rate:.0} \
             events/s ({} MB file, load average {})",
            std::fs::metadata(&path).map_or(0, |m| m.len() >> 20),
            load_average()
        );
        exports.push(export_rate);
        imports.push(import_rate);
    }
    println!(
        "{backend:?}, {events} events, {rounds} rounds (medians): export {:.0} events/s, import \
         {:.0} events/s, import/export {:.2}; goal import ≥ 50,000 events/s into PostgreSQL",
        median(&mut exports),
        median(&mut imports),
        median(&mut imports) / median(&mut exports)
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}
