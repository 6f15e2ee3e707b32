//! Test support shared by the workspace's integration tests: fresh databases on both stores, a
//! minimal aggregate for exercising the store without the case domain, and the real HTTP server
//! on a random port (`app`), headless Chromium for the console (`browser`), and scripted case
//! histories that play the same on the case service or through the API (`script`, `month`).

pub mod app;
pub mod browser;
pub mod counter;
pub mod databases;
pub mod month;
pub mod month_rules;
pub mod nats;
pub mod script;

/// A benchmark's own arguments: those after `cargo bench … --`, without the `--bench` flag cargo
/// adds.
pub fn bench_args() -> Vec<String> {
    std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect()
}
