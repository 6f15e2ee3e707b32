//! Quick runner for the command-path benchmark until `shaobao bench` calls it:
//! `cargo run --release -p shaobao-services --example command_bench -- DATABASE_URL [quick]`.

use std::sync::Arc;

use shaobao_services::bench::{compare_command_paths, CommandBench};
use shaobao_services::org_file::load_org;
use shaobao_services::store::Store;

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let url = args.next().expect("DATABASE_URL");
    let config = match args.next().as_deref() {
        Some("quick") => CommandBench::QUICK,
        _ => CommandBench::FULL,
    };
    let store = Store::connect(&url).await.expect("connect");
    store.migrate().await.expect("migrate");
    let org = Arc::new(load_org(None, 1.0).expect("org"));
    let report = compare_command_paths(&store, org, config).await.expect("bench");
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}
