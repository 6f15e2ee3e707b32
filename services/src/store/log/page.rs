//! The one reader of the log in commit order: "up to N events after position P", one SQL text per
//! store, handing back the stored text of each event for the caller to decode as it needs (the
//! store's API into [`super::LoggedEvent`], the relay into a ready-made envelope, projectors into
//! typed events), so no caller pays for a decoding it does not use.
//!
//! Commit order:
//! - PostgreSQL hands out positions at insert time, and a transaction may commit after another
//!   that inserted later (with a larger position). The order is therefore (transaction id,
//!   position), and only transactions below the oldest one still open are read: an event that a
//!   slow transaction commits later is waited for, never skipped. The reader stalls behind an open
//!   transaction until it ends.
//! - SQLite's single writer commits in position order, so the order is the position.

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::value::RawValue;
use sqlx::postgres::PgRow;
use sqlx::Row;

use super::LogPosition;
use crate::store::{Store, StoreError};

/// What a page carries besides each event's place, stream, type and version.
#[derive(Debug, Clone, Copy)]
pub struct PageContent<'a> {
    /// The aggregate types whose payloads are sent (the others' come as `None`); `None` for all.
    pub payloads_of: Option<&'a [&'a str]>,
    /// Whether the metadata (with the chain hash in it) is sent.
    pub metadata: bool,
}

impl PageContent<'static> {
    /// Every field of every event.
    pub const WHOLE: PageContent<'static> = PageContent {
        payloads_of: None,
        metadata: true,
    };
}

/// Commit order on PostgreSQL. `AS tx` is load-bearing: ORDER BY resolves a bare name to an output
/// column first, so unaliased, the cast would be what `ORDER BY transaction_id` sorts by: no index
/// serves that, and every page sorted the whole rest of the log (when the cast was to text, ids
/// also sorted "10" before "9", and pages skipped events). The texts of `json` columns are as
/// stored: valid JSON, which PostgreSQL checked on insert.
const POSTGRES_PAGE: &str = "
    SELECT position, transaction_id::text::bigint AS tx, aggregate_type, aggregate_id, sequence,
           event_type, event_version,
           CASE WHEN $4::text[] IS NULL OR aggregate_type = ANY($4::text[])
                THEN payload::text END,
           CASE WHEN $5 THEN metadata::text END
    FROM events
    WHERE (transaction_id, position) > ($1::text::xid8, $2)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id, position LIMIT $3";

/// Position order on SQLite. sqlx-sqlite copies every value of every row and hands each row across
/// threads, which costs more than decoding the event, so a page comes as one row: its events as
/// one JSON array of `[position, aggregate type, aggregate id, sequence, event type, event
/// version, payload or null, metadata or null]` (payloads and metadata spliced in as stored),
/// the last position and how many there are. SQLite does not check that stored text is JSON: a
/// stored value that is not one JSON value fails the page's parse or changes the count, and
/// cannot slip entries of its own in.
const SQLITE_PAGE: &str = "
    SELECT '[' || group_concat(entry, ',' ORDER BY position) || ']', max(position), count(*)
    FROM (SELECT position,
                 '[' || position || ',' || json_quote(aggregate_type) || ','
                     || json_quote(aggregate_id) || ',' || sequence || ','
                     || json_quote(event_type) || ',' || json_quote(event_version) || ','
                     || CASE WHEN $3 IS NULL OR aggregate_type IN (SELECT value FROM json_each($3))
                             THEN payload ELSE 'null' END || ','
                     || CASE WHEN $4 THEN metadata ELSE 'null' END || ']' AS entry
          FROM events WHERE position > $1 ORDER BY position LIMIT $2)";

/// One page of the log as the database sent it; [`LogPage::events`] borrows from it.
pub struct LogPage {
    rows: Rows,
    last: Option<LogPosition>,
}

enum Rows {
    Postgres(Vec<PgRow>),
    /// The JSON array (`None` when empty) and how many events it holds.
    Sqlite(Option<String>, i64),
}

/// One event of a page, borrowing the page's text.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEvent<'a> {
    pub position: LogPosition,
    pub aggregate_type: Cow<'a, str>,
    pub aggregate_id: Cow<'a, str>,
    pub sequence: i64,
    pub event_type: Cow<'a, str>,
    pub event_version: Cow<'a, str>,
    /// The payload's JSON text as stored; `None` when the page's content left it out.
    pub payload: Option<&'a str>,
    /// The metadata's JSON text as stored, chain hash included; `None` when left out.
    pub metadata: Option<&'a str>,
}

impl RawEvent<'_> {
    /// A [`StoreError::Corrupt`] naming this event.
    pub fn corrupt(&self, what: &str, e: &dyn std::fmt::Display) -> StoreError {
        StoreError::Corrupt(format!(
            "{}/{}#{}: {what}: {e}",
            self.aggregate_type, self.aggregate_id, self.sequence
        ))
    }

    /// The payload and the metadata, for readers of [`PageContent::WHOLE`] pages.
    pub fn payload_and_metadata(&self) -> Result<(&str, &str), StoreError> {
        let left_out = |what| self.corrupt(what, &"left out of the page");
        Ok((
            self.payload.ok_or_else(|| left_out("payload"))?,
            self.metadata.ok_or_else(|| left_out("metadata"))?,
        ))
    }
}

impl LogPage {
    /// The position of the page's last event; `None` when the page is empty.
    pub fn last(&self) -> Option<LogPosition> {
        self.last
    }

    /// The page's events, in commit order.
    pub fn events(&self) -> Result<Vec<RawEvent<'_>>, StoreError> {
        match &self.rows {
            Rows::Postgres(rows) => rows.iter().map(decode_row).collect(),
            Rows::Sqlite(page, count) => parse_page(page.as_deref().unwrap_or("[]"), *count),
        }
    }
}

impl Store {
    /// Up to `limit` events after `after`, in commit order (see the module's documentation),
    /// carrying `content`.
    pub async fn read_log_page(
        &self,
        after: LogPosition,
        limit: u32,
        content: PageContent<'_>,
    ) -> Result<LogPage, StoreError> {
        match self {
            Store::Postgres(pool) => {
                let rows = sqlx::query(POSTGRES_PAGE)
                    .bind(after.transaction.to_string())
                    .bind(after.position)
                    .bind(i64::from(limit))
                    .bind(content.payloads_of)
                    .bind(content.metadata)
                    .fetch_all(pool)
                    .await?;
                Ok(LogPage {
                    last: rows.last().map(position).transpose()?,
                    rows: Rows::Postgres(rows),
                })
            }
            Store::Sqlite(pool) => {
                let payloads_of = content
                    .payloads_of
                    .map(serde_json::to_string)
                    .transpose()
                    .map_err(|e| StoreError::Corrupt(format!("aggregate types: {e}")))?;
                let (page, last, count): (Option<String>, Option<i64>, i64) =
                    sqlx::query_as(SQLITE_PAGE)
                        .bind(after.position)
                        .bind(i64::from(limit))
                        .bind(payloads_of)
                        .bind(content.metadata)
                        .fetch_one(pool)
                        .await?;
                Ok(LogPage {
                    last: last.map(|position| LogPosition {
                        transaction: 0,
                        position,
                    }),
                    rows: Rows::Sqlite(page, count),
                })
            }
        }
    }
}

/// The log position of a PostgreSQL row.
fn position(row: &PgRow) -> Result<LogPosition, StoreError> {
    let transaction: i64 = row.try_get(1)?;
    Ok(LogPosition {
        transaction: u64::try_from(transaction)
            .map_err(|_| StoreError::Corrupt(format!("transaction id {transaction}")))?,
        position: row.try_get(0)?,
    })
}

/// A PostgreSQL row, its text borrowed.
fn decode_row(row: &PgRow) -> Result<RawEvent<'_>, StoreError> {
    Ok(RawEvent {
        position: position(row)?,
        aggregate_type: Cow::Borrowed(row.try_get(2)?),
        aggregate_id: Cow::Borrowed(row.try_get(3)?),
        sequence: row.try_get(4)?,
        event_type: Cow::Borrowed(row.try_get(5)?),
        event_version: Cow::Borrowed(row.try_get(6)?),
        payload: row.try_get(7)?,
        metadata: row.try_get(8)?,
    })
}

/// One entry of a SQLite page.
#[derive(Deserialize)]
struct PageEntry<'a>(
    i64,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    i64,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Cow<'a, str>,
    #[serde(borrow)] Option<&'a RawValue>,
    #[serde(borrow)] Option<&'a RawValue>,
);

/// The events of a SQLite page of `count` events.
fn parse_page(page: &str, count: i64) -> Result<Vec<RawEvent<'_>>, StoreError> {
    let not_json = |e: &dyn std::fmt::Display| {
        StoreError::Corrupt(format!(
            "log page: a stored payload or metadata is not one JSON value: {e}"
        ))
    };
    let entries: Vec<PageEntry<'_>> = serde_json::from_str(page).map_err(|e| not_json(&e))?;
    if i64::try_from(entries.len()) != Ok(count) {
        let found = entries.len();
        return Err(not_json(&format!("{count} events decode to {found}")));
    }
    Ok(entries
        .into_iter()
        .map(|entry| {
            let PageEntry(position, kind, id, sequence, event_type, version, payload, metadata) =
                entry;
            RawEvent {
                position: LogPosition {
                    transaction: 0,
                    position,
                },
                aggregate_type: kind,
                aggregate_id: id,
                sequence,
                event_type,
                event_version: version,
                payload: payload.map(RawValue::get),
                metadata: metadata.map(RawValue::get),
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sqlite_page_decodes_and_counts() {
        let page = r#"[[7,"case","c1",1,"CaseOpened","1",{"CaseOpened":{"x":1}},{"hash":"h"}],
                       [9,"visit","v\"1",1,"VisitRecorded","1",null,null]]"#;
        let events = parse_page(page, 2).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].payload, Some(r#"{"CaseOpened":{"x":1}}"#));
        assert_eq!(events[0].metadata, Some(r#"{"hash":"h"}"#));
        assert_eq!(events[1].position.position, 9);
        assert_eq!(events[1].aggregate_id, "v\"1");
        assert_eq!((events[1].payload, events[1].metadata), (None, None));
        assert!(parse_page(page, 3).is_err());
        let extra = r#"[[7,"case","c1",1,"CaseOpened","1",1,2,{}]]"#;
        assert!(parse_page(extra, 1).is_err());
    }
}
