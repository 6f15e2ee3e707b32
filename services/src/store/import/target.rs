//! The import's one transaction on either backend: the emptiness check, stream-head look-ups and
//! batched inserts. Rows go into `events` by its own columns, like postgres-es and sqlite-es
//! write them, so the store's triggers run as for any append: `stream_heads` follows every
//! stream, the append-only guards stay on (they refuse only UPDATE and DELETE), PostgreSQL's
//! commit notification wakes the projectors, and positions (and transaction ids) are the
//! target's own.

use std::collections::HashMap;

use sqlx::{Postgres, Sqlite, Transaction};

use super::line::Incoming;
use crate::store::{Store, StoreError};

/// Rows per INSERT on SQLite: 7 bound values each, under its limit of 32,766 per statement.
const SQLITE_ROWS_PER_INSERT: usize = 1_000;

pub type StreamKey = (String, String);
/// A stream's last stored sequence and hash.
pub type Head = (i64, String);

pub enum Target {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

impl Target {
    /// Begins the import's transaction, holding off every other writer until it ends: an
    /// append racing the import would see an empty store.
    pub async fn begin(store: &Store) -> Result<Target, StoreError> {
        Ok(match store {
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                // Conflicts with every INSERT (ROW EXCLUSIVE) and with itself; readers go on.
                sqlx::query("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
                Target::Postgres(tx)
            }
            // IMMEDIATE takes SQLite's write lock now, not at the first insert.
            Store::Sqlite(pool) => Target::Sqlite(pool.begin_with("BEGIN IMMEDIATE").await?),
        })
    }

    /// Whether the store holds any event or stream head.
    pub async fn holds_events(&mut self) -> Result<bool, StoreError> {
        let sql = "SELECT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM stream_heads)";
        let (held,): (bool,) = match self {
            Target::Postgres(tx) => sqlx::query_as(sql).fetch_one(&mut **tx).await?,
            Target::Sqlite(tx) => sqlx::query_as(sql).fetch_one(&mut **tx).await?,
        };
        Ok(held)
    }

    /// The heads of those `streams` already stored by this import (kept by the trigger).
    pub async fn heads(
        &mut self,
        streams: &[&StreamKey],
    ) -> Result<HashMap<StreamKey, Head>, StoreError> {
        if streams.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<(String, String, i64, String)> = match self {
            Target::Postgres(tx) => {
                let (types, ids): (Vec<&str>, Vec<&str>) = streams
                    .iter()
                    .map(|(t, i)| (t.as_str(), i.as_str()))
                    .unzip();
                sqlx::query_as(
                    "SELECT h.aggregate_type, h.aggregate_id, h.sequence, h.hash
                     FROM UNNEST($1::text[], $2::text[]) AS k(t, i)
                     JOIN stream_heads h ON h.aggregate_type = k.t AND h.aggregate_id = k.i",
                )
                .bind(types)
                .bind(ids)
                .fetch_all(&mut **tx)
                .await?
            }
            Target::Sqlite(tx) => {
                let keys = serde_json::to_string(streams).expect("strings serialize");
                sqlx::query_as(
                    "SELECT h.aggregate_type, h.aggregate_id, h.sequence, h.hash
                     FROM json_each($1) AS k
                     JOIN stream_heads h
                       ON h.aggregate_type = k.value ->> 0 AND h.aggregate_id = k.value ->> 1",
                )
                .bind(keys)
                .fetch_all(&mut **tx)
                .await?
            }
        };
        Ok(rows
            .into_iter()
            .map(|(t, i, sequence, hash)| ((t, i), (sequence, hash)))
            .collect())
    }

    /// Appends `events` in their order (which becomes their log order).
    pub async fn insert(&mut self, events: &[Incoming]) -> Result<(), StoreError> {
        match self {
            Target::Postgres(tx) => {
                let column = |f: fn(&Incoming) -> &str| events.iter().map(f).collect::<Vec<_>>();
                let sequences: Vec<i64> = events.iter().map(|e| e.sequence).collect();
                sqlx::query(
                    "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                         event_version, payload, metadata)
                     SELECT t, i, s, e, v, p::json, m::json
                     FROM UNNEST($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[],
                                 $6::text[], $7::text[]) WITH ORDINALITY AS r(t, i, s, e, v, p, m, n)
                     ORDER BY n",
                )
                .bind(column(|e| &e.aggregate_type))
                .bind(column(|e| &e.aggregate_id))
                .bind(sequences)
                .bind(column(|e| &e.event_type))
                .bind(column(|e| &e.event_version))
                .bind(column(|e| &e.payload))
                .bind(column(|e| &e.stored_metadata))
                .execute(&mut **tx)
                .await?;
            }
            Target::Sqlite(tx) => {
                for chunk in events.chunks(SQLITE_ROWS_PER_INSERT) {
                    let values = vec!["(?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
                    let sql = format!(
                        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, \
                         event_version, payload, metadata) VALUES {values}"
                    );
                    let mut query = sqlx::query(&sql);
                    for e in chunk {
                        query = query
                            .bind(&e.aggregate_type)
                            .bind(&e.aggregate_id)
                            .bind(e.sequence)
                            .bind(&e.event_type)
                            .bind(&e.event_version)
                            .bind(&e.payload)
                            .bind(&e.stored_metadata);
                    }
                    query.execute(&mut **tx).await?;
                }
            }
        }
        Ok(())
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Target::Postgres(tx) => tx.commit().await?,
            Target::Sqlite(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
