//! The raw baseline: per command, the SQL the engine's command fundamentally needs (read the
//! case's events; insert one event with its metadata in a transaction; commit), nothing else.

use futures::future::try_join_all;
use serde_json::json;

use super::{BenchError, CommandBench};
use shaobao_services::store::Store;
use shaobao_services::with_pool;

const SELECT: &str = "SELECT aggregate_type, aggregate_id, sequence, event_type, event_version, \
     payload, metadata FROM events WHERE aggregate_type = $1 AND aggregate_id = $2 \
     ORDER BY sequence";
const INSERT: &str = "INSERT INTO events \
     (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
     VALUES ($1, $2, $3, $4, $5, $6, $7)";

pub(super) async fn run(
    store: &Store,
    config: &CommandBench,
    round: usize,
) -> Result<(), BenchError> {
    // Fresh stream ids every run, so a benchmark database can be reused.
    let run = uuid::Uuid::new_v4().simple().to_string();
    let clients =
        (0..config.concurrency).map(|client| client_loop(store, config, &run, round, client));
    try_join_all(clients).await.map(drop)
}

async fn client_loop(
    store: &Store,
    config: &CommandBench,
    run: &str,
    round: usize,
    client: usize,
) -> Result<(), BenchError> {
    let mut sequences = vec![0i64; config.cases_per_client];
    for i in 0..config.commands_per_client {
        let case = i % config.cases_per_client;
        let id = format!("raw-{run}-{round}-{client}-{case}");
        sequences[case] += 1;
        command(store, &id, sequences[case]).await?;
    }
    Ok(())
}

async fn command(store: &Store, id: &str, sequence: i64) -> Result<(), BenchError> {
    let payload =
        json!({"ProgressRecorded": {"note": "raw", "evidence": [], "at": "2026-03-02T02:00:00Z"}});
    let metadata = json!({"command_id": format!("{id}/{sequence}"), "hash": "0".repeat(64)});
    with_pool!(store, pool => {
        let loaded = sqlx::query(SELECT).bind("bench").bind(id).fetch_all(pool).await?;
        debug_assert_eq!(loaded.len() as i64, sequence - 1);
        let mut tx = pool.begin().await?;
        sqlx::query(INSERT)
            .bind("bench")
            .bind(id)
            .bind(sequence)
            .bind("ProgressRecorded")
            .bind("1")
            .bind(&payload)
            .bind(&metadata)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    Ok(())
}
