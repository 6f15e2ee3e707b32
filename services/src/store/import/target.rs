//! The import's one transaction on either backend: the emptiness check, stream-head look-ups and
//! batched inserts. Rows go into `events` by its own columns, like postgres-es and sqlite-es
//! write them, so positions (and transaction ids) are the target's own, the append-only guards
//! stay on (they refuse only UPDATE and DELETE); serving processes find the imported events by
//! their poll. `stream_heads` follows every stream: on SQLite through the store's trigger, on
//! PostgreSQL through the bulk load's own statement per batch ([`postgres`]).

use std::collections::HashMap;

use sqlx::{Postgres, Sqlite, Transaction};

use super::line::Incoming;
use super::postgres::{self, Deferred};
use super::ImportError;
use crate::store::{Store, StoreError};

/// Rows per INSERT on SQLite: 7 bound values each, under its limit of 32,766 per statement.
const SQLITE_ROWS_PER_INSERT: usize = 1_000;

pub type StreamKey = (String, String);
/// A stream's last stored sequence and hash.
pub type Head = (i64, String);

pub enum Target {
    Postgres(Transaction<'static, Postgres>, Deferred),
    Sqlite(Transaction<'static, Sqlite>),
}

impl Target {
    /// Begins the import's transaction, holding off every other writer until it ends (an append
    /// racing the import would see an empty store), and refuses a store that holds events.
    pub async fn begin(store: &Store) -> Result<Target, ImportError> {
        let sql = "SELECT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM stream_heads)";
        match store {
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                // The bulk load's DDL takes this lock anyway: taken first, it is never upgraded.
                sqlx::query("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")
                    .execute(&mut *tx)
                    .await?;
                let (held,): (bool,) = sqlx::query_as(sql).fetch_one(&mut *tx).await?;
                if held {
                    return Err(ImportError::NotEmpty);
                }
                let deferred = postgres::defer_derived(&mut tx).await?;
                Ok(Target::Postgres(tx, deferred))
            }
            Store::Sqlite(pool) => {
                // IMMEDIATE takes SQLite's write lock now, not at the first insert.
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                let (held,): (bool,) = sqlx::query_as(sql).fetch_one(&mut *tx).await?;
                if held {
                    return Err(ImportError::NotEmpty);
                }
                Ok(Target::Sqlite(tx))
            }
        }
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
            Target::Postgres(tx, _) => {
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
            Target::Postgres(tx, _) => postgres::copy_in(tx, events).await?,
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

    /// Records `heads`, the last heads of the streams just inserted, where no trigger does.
    pub async fn record_heads<'a>(
        &mut self,
        heads: impl Iterator<Item = (&'a StreamKey, &'a Head)>,
    ) -> Result<(), StoreError> {
        match self {
            Target::Postgres(tx, _) => postgres::record_heads(tx, heads).await,
            Target::Sqlite(_) => Ok(()),
        }
    }

    pub async fn commit(self) -> Result<(), StoreError> {
        match self {
            Target::Postgres(mut tx, deferred) => {
                deferred.restore(&mut tx).await?;
                tx.commit().await?;
            }
            Target::Sqlite(tx) => tx.commit().await?,
        }
        Ok(())
    }
}
