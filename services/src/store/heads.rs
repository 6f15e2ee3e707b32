//! Small lookups the command path and the verifier need: a recorded command, stream heads.

use std::collections::HashMap;

use super::sql::with_pool;
use super::{LogPosition, Store, StoreError};

/// Where a stored command left its stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedCommand {
    /// The stream's version after the command (its last event's sequence).
    pub version: i64,
    /// The log position of the command's last event.
    pub position: LogPosition,
    /// The request fingerprint stored with it, to tell a retry from a reused key.
    pub request_hash: Option<String>,
}

impl Store {
    /// The stream (aggregate type and id) on which `command_id` was recorded, if anywhere: an
    /// idempotency key names one request on one stream (indexed by migration 0032).
    pub async fn stream_of_command(
        &self,
        command_id: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let sql = self.sql(
            "SELECT aggregate_type, aggregate_id FROM events WHERE {meta:command_id} = $1 LIMIT 1",
        );
        Ok(with_pool!(self, pool => {
            sqlx::query_as(&sql).bind(command_id).fetch_optional(pool).await?
        }))
    }

    /// The last event written by `command_id` on this stream, if that command was recorded.
    pub async fn recorded_command(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        command_id: &str,
    ) -> Result<Option<RecordedCommand>, StoreError> {
        // The primary key narrows this to one stream's events; no index on the command id needed.
        let sql = self.sql(
            "SELECT sequence, position, {tx}, {meta:request_hash} FROM events
             WHERE aggregate_type = $1 AND aggregate_id = $2 AND {meta:command_id} = $3
             ORDER BY sequence DESC LIMIT 1",
        );
        let row: Option<(i64, i64, String, Option<String>)> = with_pool!(self, pool => {
            sqlx::query_as(&sql)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .bind(command_id)
                .fetch_optional(pool)
                .await?
        });
        row.map(|(version, position, tx, request_hash)| {
            let transaction = tx
                .parse()
                .map_err(|_| StoreError::Corrupt(format!("transaction id {tx:?}")))?;
            Ok(RecordedCommand {
                version,
                position: LogPosition {
                    transaction,
                    position,
                },
                request_hash,
            })
        })
        .transpose()
    }

    /// Every stream's recorded head: (type, id) → (sequence, hash).
    pub(super) async fn stream_heads(
        &self,
    ) -> Result<HashMap<(String, String), (i64, String)>, StoreError> {
        let sql = "SELECT aggregate_type, aggregate_id, sequence, hash FROM stream_heads";
        let rows: Vec<(String, String, i64, String)> =
            with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await?);
        Ok(rows
            .into_iter()
            .map(|(t, i, s, h)| ((t, i), (s, h)))
            .collect())
    }
}
