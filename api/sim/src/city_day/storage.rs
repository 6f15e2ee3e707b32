//! What a log costs in PostgreSQL: the event table (its heap, TOAST and indexes apart), the read
//! models, everything else in the database, and the whole per million events.

use serde::Serialize;
use shaobao_projections::ProjectionName;
use shaobao_services::store::Store;

use crate::SimError;

#[derive(Debug, Clone, Serialize)]
pub struct Storage {
    pub events: u64,
    /// The `events` table's heap and TOAST, and its indexes.
    pub events_table_bytes: i64,
    pub events_index_bytes: i64,
    /// Every projection's tables with their indexes.
    pub read_model_bytes: i64,
    /// The whole database (tokens, idempotency records, checkpoints, catalogue… included).
    pub database_bytes: i64,
}

impl Storage {
    /// What was added since `before`.
    pub fn minus(&self, before: &Storage) -> Storage {
        Storage {
            events: self.events - before.events,
            events_table_bytes: self.events_table_bytes - before.events_table_bytes,
            events_index_bytes: self.events_index_bytes - before.events_index_bytes,
            read_model_bytes: self.read_model_bytes - before.read_model_bytes,
            database_bytes: self.database_bytes - before.database_bytes,
        }
    }

    /// Bytes per million events of `bytes`.
    pub fn per_million(&self, bytes: i64) -> f64 {
        bytes as f64 * 1e6 / self.events.max(1) as f64
    }
}

/// Sizes now, on PostgreSQL, for a log of `events` events.
pub async fn measure(store: &Store, events: u64) -> Result<Storage, SimError> {
    let Store::Postgres(pool) = store else {
        return Err(SimError::Config(
            "storage is measured on PostgreSQL only".into(),
        ));
    };
    let read_models: Vec<String> = ProjectionName::ALL
        .iter()
        .flat_map(|p| p.tables().iter().map(|t| t.name.to_string()))
        .collect();
    let (events_table_bytes, events_index_bytes, read_model_bytes, database_bytes): (
        i64,
        i64,
        i64,
        i64,
    ) = sqlx::query_as(
        "SELECT pg_table_size('events'), pg_indexes_size('events'),
                (SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint
                 FROM pg_class c
                 WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
                   AND c.relname = ANY($1)),
                pg_database_size(current_database())",
    )
    .bind(read_models)
    .fetch_one(pool)
    .await?;
    Ok(Storage {
        events,
        events_table_bytes,
        events_index_bytes,
        read_model_bytes,
        database_bytes,
    })
}
