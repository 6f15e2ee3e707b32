//! Helpers shared by the conformance tests.

use std::time::{Duration, Instant};

use shaobao_services::command::{CommandBus, CommandMeta};
use shaobao_services::store::{LogPosition, LoggedEvent, Store};
use shaobao_tests::counter::Counter;

pub fn bus(store: &Store) -> CommandBus<Counter> {
    CommandBus::new(store.clone(), ())
}

/// Metadata for a command with this id (the request fingerprint is the id, so a repeat matches).
pub fn meta(command_id: &str) -> CommandMeta {
    CommandMeta {
        command_id: command_id.into(),
        correlation_id: format!("corr-{command_id}"),
        actor: r#"{"role":"hotline","id":"tester"}"#.into(),
        time: "2026-03-02T01:00:00Z".into(),
        request_hash: format!("req-{command_id}"),
        expected_version: None,
    }
}

/// The whole log, read the way a catch-up projector reads it, once no write is in flight.
///
/// On PostgreSQL the reader stops below the oldest open transaction of the whole server (other
/// tests' included), so it keeps reading until it has as many events as the table holds.
pub async fn read_all(store: &Store) -> Vec<LoggedEvent> {
    let stored = count(store).await;
    let mut cursor = LogPosition::START;
    let mut all: Vec<LoggedEvent> = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    while all.len() < stored {
        assert!(Instant::now() < deadline, "log reader stalled at {cursor}");
        let page = store.read_log(cursor, 100).await.expect("read log");
        match page.last() {
            Some(last) => cursor = last.position,
            None => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        all.extend(page);
    }
    all
}

pub async fn count(store: &Store) -> usize {
    let sql = "SELECT count(*) FROM events";
    let (n,): (i64,) = match store {
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await,
    }
    .expect("count events");
    n as usize
}

/// Runs raw SQL (test-only tampering and setup).
pub async fn exec(store: &Store, sql: &str) {
    match store {
        Store::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
        Store::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// Lifts the append-only guard, as someone with owner rights on the table could.
pub async fn allow_tampering(store: &Store) {
    let sql = match store {
        Store::Postgres(_) => "ALTER TABLE events DISABLE TRIGGER events_append_only",
        Store::Sqlite(_) => "DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete",
    };
    exec(store, sql).await;
}
