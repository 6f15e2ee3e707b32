//! Test support shared by the workspace's integration tests: fresh databases on both stores, a
//! minimal aggregate for exercising the store without the case domain, and the real HTTP server
//! on a random port (`app`), headless Chromium for the console (`browser`).

pub mod app;
pub mod browser;
pub mod counter;
pub mod databases;
pub mod nats;
