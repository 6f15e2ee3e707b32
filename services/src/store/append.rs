//! Appending a command's events on PostgreSQL in one statement that answers where they landed.
//!
//! postgres-es writes BEGIN, one INSERT per event and COMMIT, and the command path then asked the
//! log where the command's last event went: four round trips or more per command, on the path
//! every command takes (issue 15). One INSERT of all the events, committed on its own, does the
//! same writes (the same seven columns; the triggers run per row as before) and returns the last
//! event's position, which the command scope hands to the outcome.

use cqrs_es::persist::{PersistenceError, SerializedEvent};
use sqlx::PgPool;

use super::heads::RecordedCommand;
use super::LogPosition;

/// Inserts `events` (one stream's, in sequence order) atomically; a sequence already taken is an
/// [`PersistenceError::OptimisticLockError`], as in postgres-es.
pub(super) async fn insert(
    pool: &PgPool,
    aggregate_type: &str,
    events: &[SerializedEvent],
) -> Result<RecordedCommand, PersistenceError> {
    let mut sequences = Vec::with_capacity(events.len());
    let mut types = Vec::with_capacity(events.len());
    let mut versions = Vec::with_capacity(events.len());
    let mut payloads = Vec::with_capacity(events.len());
    let mut metadata = Vec::with_capacity(events.len());
    for event in events {
        sequences.push(event.sequence as i64);
        types.push(event.event_type.as_str());
        versions.push(event.event_version.as_str());
        payloads.push(json_text(&event.payload)?);
        metadata.push(json_text(&event.metadata)?);
    }
    let aggregate_id = events.first().map_or("", |e| e.aggregate_id.as_str());
    // WITH ORDINALITY and ORDER BY: positions are handed out in the events' order.
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "INSERT INTO events
             (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata)
         SELECT $1, $2, e.sequence, e.event_type, e.event_version, e.payload::json, e.metadata::json
         FROM unnest($3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[])
              WITH ORDINALITY AS e(sequence, event_type, event_version, payload, metadata, n)
         ORDER BY e.n
         RETURNING sequence, position, transaction_id::text",
    )
    .bind(aggregate_type)
    .bind(aggregate_id)
    .bind(&sequences)
    .bind(&types)
    .bind(&versions)
    .bind(&payloads)
    .bind(&metadata)
    .fetch_all(pool)
    .await
    .map_err(classify)?;
    let (version, position, tx) = rows
        .into_iter()
        .max_by_key(|(sequence, _, _)| *sequence)
        .ok_or_else(|| PersistenceError::UnknownError("an append wrote no events".into()))?;
    let transaction = tx.parse().map_err(|_| {
        PersistenceError::UnknownError(format!("transaction id {tx:?} is not a number").into())
    })?;
    Ok(RecordedCommand {
        version,
        position: LogPosition {
            transaction,
            position,
        },
        request_hash: None,
    })
}

fn json_text(value: &serde_json::Value) -> Result<String, PersistenceError> {
    serde_json::to_string(value).map_err(|e| PersistenceError::UnknownError(Box::new(e)))
}

/// As postgres-es: a unique violation is another writer's event at our sequence; a broken
/// connection is the store being unavailable.
fn classify(err: sqlx::Error) -> PersistenceError {
    match &err {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("23505") => {
            PersistenceError::OptimisticLockError
        }
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) => {
            PersistenceError::ConnectionError(Box::new(err))
        }
        _ => PersistenceError::UnknownError(Box::new(err)),
    }
}
