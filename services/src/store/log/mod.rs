//! The global log: every event in commit order, as catch-up readers, auditors and the NATS relay
//! see it. Every reader of the log in commit order goes through [`page`].

mod page;

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::sql::with_pool;
use super::{Store, StoreError};

pub use page::{LogPage, PageContent, RawEvent};

/// A place in the global commit order. On PostgreSQL it is the pair (transaction id, position),
/// because positions are handed out at insert time and may commit out of order; on SQLite, whose
/// single writer commits in position order, the transaction part is always 0.
///
/// Clients see it as an opaque token (`Display`/`FromStr`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogPosition {
    pub transaction: u64,
    pub position: i64,
}

impl LogPosition {
    /// Before the first event.
    pub const START: LogPosition = LogPosition {
        transaction: 0,
        position: 0,
    };
}

impl fmt::Display for LogPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.transaction, self.position)
    }
}

/// A position token that does not parse.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("malformed position token {0:?}")]
pub struct BadPositionToken(pub String);

impl FromStr for LogPosition {
    type Err = BadPositionToken;

    fn from_str(token: &str) -> Result<Self, Self::Err> {
        let bad = || BadPositionToken(token.to_string());
        let (transaction, position) = token.split_once('-').ok_or_else(bad)?;
        Ok(LogPosition {
            transaction: transaction.parse().map_err(|_| bad())?,
            position: position.parse().map_err(|_| bad())?,
        })
    }
}

impl Serialize for LogPosition {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for LogPosition {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let token = String::deserialize(d)?;
        token.parse().map_err(serde::de::Error::custom)
    }
}

/// One event as stored, with its place in the log and its chain hash.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggedEvent {
    pub position: LogPosition,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: Value,
    /// Actor, command id, time, correlation id (the chain hash is lifted out into `hash`).
    pub metadata: Value,
    pub hash: String,
}

#[derive(sqlx::FromRow)]
pub(super) struct EventRow {
    position: i64,
    tx: String,
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    event_version: String,
    payload: String,
    metadata: String,
}

impl EventRow {
    /// The row as the log reader hands events out, so stream reads (history, `export --case`,
    /// full scans) decode exactly as the log does.
    fn raw(&self) -> Result<RawEvent<'_>, StoreError> {
        let raw = RawEvent {
            position: LogPosition {
                transaction: 0,
                position: self.position,
            },
            aggregate_type: Cow::Borrowed(&self.aggregate_type),
            aggregate_id: Cow::Borrowed(&self.aggregate_id),
            sequence: self.sequence,
            event_type: Cow::Borrowed(&self.event_type),
            event_version: Cow::Borrowed(&self.event_version),
            payload: Some(&self.payload),
            metadata: Some(&self.metadata),
        };
        let transaction = self
            .tx
            .parse()
            .map_err(|e| raw.corrupt("transaction id", &e))?;
        Ok(RawEvent {
            position: LogPosition {
                transaction,
                ..raw.position
            },
            ..raw
        })
    }
}

impl LoggedEvent {
    /// Decodes an event read whole; the chain hash is lifted out of the metadata.
    pub fn decode(raw: &RawEvent<'_>) -> Result<LoggedEvent, StoreError> {
        let (payload, metadata) = raw.payload_and_metadata()?;
        let payload = serde_json::from_str(payload).map_err(|e| raw.corrupt("payload", &e))?;
        let mut metadata: Value =
            serde_json::from_str(metadata).map_err(|e| raw.corrupt("metadata", &e))?;
        let hash = match metadata.as_object_mut().and_then(|m| m.remove("hash")) {
            Some(Value::String(hash)) => hash,
            _ => String::new(),
        };
        Ok(LoggedEvent {
            position: raw.position,
            aggregate_type: raw.aggregate_type.to_string(),
            aggregate_id: raw.aggregate_id.to_string(),
            sequence: raw.sequence,
            event_type: raw.event_type.to_string(),
            event_version: raw.event_version.to_string(),
            payload,
            metadata,
            hash,
        })
    }
}

/// Runs an event SELECT written with `{columns}` and returns the decoded events.
macro_rules! fetch_events {
    ($store:expr, $sql:expr $(, $arg:expr)*) => {{
        let sql = $store.sql($sql);
        let rows: Vec<EventRow> = with_pool!($store, pool => {
            sqlx::query_as(&sql)$(.bind($arg))*.fetch_all(pool).await?
        });
        rows.iter()
            .map(|row| LoggedEvent::decode(&row.raw()?))
            .collect()
    }};
}

impl Store {
    /// Up to `limit` events after `after`, in commit order ([`page`]), decoded whole.
    pub async fn read_log(
        &self,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let page = self.read_log_page(after, limit, PageContent::WHOLE).await?;
        page.events()?.iter().map(LoggedEvent::decode).collect()
    }

    /// How many events were committed (or are still committing) after `position`: how far a
    /// reader at `position` lags behind the log.
    pub async fn count_after(&self, position: LogPosition) -> Result<u64, StoreError> {
        let sql = match self {
            Store::Postgres(_) => {
                "SELECT count(*) FROM events
                 WHERE (transaction_id, position) > ($1::text::xid8, $2)"
            }
            // Positions are commit order on SQLite; $1 keeps the argument list alike.
            Store::Sqlite(_) => {
                "SELECT count(*) FROM events WHERE position > $2 AND $1 IS NOT NULL"
            }
        };
        let (count,): (i64,) = with_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(position.transaction.to_string())
                .bind(position.position)
                .fetch_one(pool)
                .await?
        });
        Ok(count.try_into().unwrap_or(0))
    }

    /// [`Self::read_log`] restricted to one stream (the primary key finds it; within a stream
    /// commit order is sequence order).
    pub async fn read_stream_log(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        after: LogPosition,
        limit: u32,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let sql = match self {
            Store::Postgres(_) => {
                "SELECT {columns} FROM events
                 WHERE aggregate_type = $4 AND aggregate_id = $5
                   AND (transaction_id, position) > ($1::text::xid8, $2)
                   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
                 ORDER BY sequence LIMIT $3"
            }
            Store::Sqlite(_) => {
                "SELECT {columns} FROM events
                 WHERE aggregate_type = $4 AND aggregate_id = $5 AND position > $2 AND $1 IS NOT NULL
                 ORDER BY sequence LIMIT $3"
            }
        };
        fetch_events!(
            self,
            sql,
            after.transaction.to_string(),
            after.position,
            i64::from(limit),
            aggregate_type,
            aggregate_id
        )
    }

    /// One stream's events in sequence order, with their log positions.
    pub async fn history(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        self.stream_page(aggregate_type, aggregate_id, 0, i64::MAX)
            .await
    }

    /// The first event of each of the streams `aggregate_ids` of one type that has one, in no
    /// particular order: one read for many streams (the relay learns a page's cases' streets so).
    pub async fn first_events(
        &self,
        aggregate_type: &str,
        aggregate_ids: &[&str],
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let ids = serde_json::to_string(aggregate_ids)
            .map_err(|e| StoreError::Corrupt(format!("stream ids: {e}")))?;
        let sql = match self {
            Store::Postgres(_) => {
                "SELECT {columns} FROM events WHERE aggregate_type = $1 AND sequence = 1
                   AND aggregate_id IN (SELECT json_array_elements_text($2::text::json))"
            }
            Store::Sqlite(_) => {
                "SELECT {columns} FROM events WHERE aggregate_type = $1 AND sequence = 1
                   AND aggregate_id IN (SELECT value FROM json_each($2))"
            }
        };
        fetch_events!(self, sql, aggregate_type, ids)
    }

    /// Events `from..=to` of one stream.
    pub(super) async fn stream_page(
        &self,
        aggregate_type: &str,
        aggregate_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let sql = "SELECT {columns} FROM events
             WHERE aggregate_type = $1 AND aggregate_id = $2 AND sequence BETWEEN $3 AND $4
             ORDER BY sequence";
        fetch_events!(self, sql, aggregate_type, aggregate_id, from, to)
    }

    /// Events of every stream in (type, id, sequence) order after the given key, for full scans.
    pub(super) async fn scan_streams(
        &self,
        after: &(String, String, i64),
        limit: u32,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        let sql = "SELECT {columns} FROM events
             WHERE (aggregate_type, aggregate_id, sequence) > ($1, $2, $3)
             ORDER BY aggregate_type, aggregate_id, sequence LIMIT $4";
        fetch_events!(self, sql, &after.0, &after.1, after.2, i64::from(limit))
    }
}
