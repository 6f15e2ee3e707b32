//! Checkpoints: where each projection stands in the log, which table definitions built it, and
//! which generation of tables is live. Written only in the same transaction as read-model rows.

use std::collections::HashMap;

use shaobao_services::store::{LogPosition, Store, StoreError};

use crate::schema::ProjectionName;
use crate::sql::{fetch, ColType, Fields, Statement, Value};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub position: LogPosition,
    pub schema_version: String,
    pub generation: i64,
}

fn position_args(position: LogPosition) -> [Value; 2] {
    // xid8 values stay far below 2^63 in practice; the cast keeps one column type on both stores.
    [
        Value::int(position.transaction as i64),
        Value::int(position.position),
    ]
}

fn position_of(transaction: Option<i64>, position: Option<i64>) -> LogPosition {
    LogPosition {
        transaction: transaction.unwrap_or(0) as u64,
        position: position.unwrap_or(0),
    }
}

pub async fn load(store: &Store, name: ProjectionName) -> Result<Option<Checkpoint>, StoreError> {
    let query = Statement::new(
        "SELECT transaction_id, position, schema_version, generation FROM projection_checkpoints WHERE name = $1",
        vec![Value::text(name.as_str())],
    );
    use ColType::*;
    let rows = fetch(store, &query, &[Int, Int, Text, Int]).await?;
    Ok(rows.into_iter().next().map(|row| {
        let mut f = Fields::new(row);
        Checkpoint {
            position: position_of(f.int(), f.int()),
            schema_version: f.text().unwrap_or_default(),
            generation: f.int().unwrap_or(0),
        }
    }))
}

/// Every stored checkpoint's position, by projection name.
pub async fn positions(store: &Store) -> Result<HashMap<String, LogPosition>, StoreError> {
    let query = Statement::new(
        "SELECT name, transaction_id, position FROM projection_checkpoints",
        vec![],
    );
    let rows = fetch(store, &query, &[ColType::Text, ColType::Int, ColType::Int]).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            (f.text().unwrap_or_default(), position_of(f.int(), f.int()))
        })
        .collect())
}

/// Moves the checkpoint from `from` to `to`, only if it still stands at `from` (same generation):
/// the guard of a projector's batch.
pub fn advance(name: ProjectionName, from: &Checkpoint, to: LogPosition) -> Statement {
    let [to_tx, to_pos] = position_args(to);
    let [from_tx, from_pos] = position_args(from.position);
    Statement::new(
        "UPDATE projection_checkpoints SET transaction_id = $1, position = $2
         WHERE name = $3 AND generation = $4 AND transaction_id = $5 AND position = $6",
        vec![
            to_tx,
            to_pos,
            Value::text(name.as_str()),
            Value::int(from.generation),
            from_tx,
            from_pos,
        ],
    )
}

/// Installs a rebuilt generation at `to`, unless the live checkpoint is already past it (then the
/// rebuild catches up further and tries again): the guard of a rebuild's swap.
pub fn install(name: ProjectionName, generation: i64, to: LogPosition) -> Statement {
    let [tx, pos] = position_args(to);
    Statement::new(
        "INSERT INTO projection_checkpoints (name, transaction_id, position, schema_version, generation)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO UPDATE SET transaction_id = excluded.transaction_id,
             position = excluded.position, schema_version = excluded.schema_version,
             generation = excluded.generation
         WHERE (projection_checkpoints.transaction_id, projection_checkpoints.position)
               <= (excluded.transaction_id, excluded.position)",
        vec![
            Value::text(name.as_str()),
            tx,
            pos,
            Value::text(name.schema_version()),
            Value::int(generation),
        ],
    )
}
