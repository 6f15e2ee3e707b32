//! Reading the global log the way projectors need it: commit order, case events decoded straight
//! from the payload text (no metadata, no intermediate JSON tree), and whole case histories.
//!
//! The commit-order rule is the store's (`Store::read_log`): on PostgreSQL only transactions below
//! the oldest one still open are read, so a late commit is waited for, never skipped.

use std::collections::HashMap;

use cqrs_es::Aggregate;
use shaobao_domain::{Case, CaseEvent};
use shaobao_services::store::{LogPosition, Store, StoreError};
use shaobao_services::with_pool;

use crate::sql::placeholders;

/// One log entry; `event` is `None` for other aggregates (visits), which projectors step over.
#[derive(Debug, Clone)]
pub struct Entry {
    pub position: LogPosition,
    pub case_id: String,
    pub sequence: i64,
    pub event: Option<CaseEvent>,
}

type RawEntry = (i64, String, String, String, i64, String);

const CASE: &str = Case::TYPE;

/// Up to `limit` entries after `after`, in commit order.
pub async fn read(store: &Store, after: LogPosition, limit: u32) -> Result<Vec<Entry>, StoreError> {
    let sql = match store {
        Store::Postgres(_) => {
            "SELECT position, transaction_id::text, aggregate_type, aggregate_id, sequence,
                    payload::text
             FROM events
             WHERE (transaction_id, position) > ($1::text::xid8, $2)
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY transaction_id, position LIMIT $3"
        }
        Store::Sqlite(_) => {
            "SELECT position, '0', aggregate_type, aggregate_id, sequence, payload
             FROM events WHERE position > $2 AND $1 IS NOT NULL
             ORDER BY position LIMIT $3"
        }
    };
    let rows: Vec<RawEntry> = with_pool!(store, pool => {
        sqlx::query_as(sql)
            .bind(after.transaction.to_string())
            .bind(after.position)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
    });
    rows.into_iter().map(decode).collect()
}

fn decode(row: RawEntry) -> Result<Entry, StoreError> {
    let (position, tx, aggregate_type, aggregate_id, sequence, payload) = row;
    let corrupt = |what: &str| {
        StoreError::Corrupt(format!(
            "{aggregate_type}/{aggregate_id}#{sequence}: {what}"
        ))
    };
    let transaction = tx.parse().map_err(|_| corrupt("transaction id"))?;
    let event = if aggregate_type == CASE {
        Some(parse_event(&payload).map_err(|e| corrupt(&e.to_string()))?)
    } else {
        None
    };
    Ok(Entry {
        position: LogPosition {
            transaction,
            position,
        },
        case_id: aggregate_id,
        sequence,
        event,
    })
}

fn parse_event(payload: &str) -> Result<CaseEvent, serde_json::Error> {
    serde_json::from_str(payload)
}

/// The events of `case_ids` with sequence below the given bound each, by case then sequence:
/// what a projector needs to rebuild a case it has not seen, up to just before its batch.
pub async fn histories(
    store: &Store,
    before: &[(String, i64)],
) -> Result<Vec<(String, i64, CaseEvent)>, StoreError> {
    let mut found = Vec::new();
    // Bounded IN lists: both backends cap the number of arguments.
    for chunk in before.chunks(500) {
        let sql = format!(
            "SELECT aggregate_id, sequence, CAST(payload AS TEXT) FROM events
             WHERE aggregate_type = $1 AND aggregate_id IN ({})
             ORDER BY aggregate_id, sequence",
            placeholders(2, chunk.len())
        );
        let rows: Vec<(String, i64, String)> = with_pool!(store, pool => {
            let mut query = sqlx::query_as(&sql).bind(CASE);
            for (id, _) in chunk {
                query = query.bind(id.as_str());
            }
            query.fetch_all(pool).await?
        });
        let bounds: HashMap<&str, i64> = chunk.iter().map(|(id, b)| (id.as_str(), *b)).collect();
        for (id, sequence, payload) in rows {
            if sequence < bounds.get(id.as_str()).copied().unwrap_or(0) {
                let event = parse_event(&payload)
                    .map_err(|e| StoreError::Corrupt(format!("{CASE}/{id}#{sequence}: {e}")))?;
                found.push((id, sequence, event));
            }
        }
    }
    Ok(found)
}

/// How many events the log holds (for progress reports).
pub async fn count(store: &Store) -> Result<u64, StoreError> {
    let (n,): (i64,) = with_pool!(store, pool => {
        sqlx::query_as("SELECT count(*) FROM events").fetch_one(pool).await?
    });
    Ok(n as u64)
}
