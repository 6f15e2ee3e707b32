//! Helpers shared by the conformance tests.

use shaobao_services::command::{CommandBus, CommandMeta};
use shaobao_services::store::Store;
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
        keyed: true,
    }
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
