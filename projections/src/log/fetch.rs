//! One page of the log, fetched in the form each store delivers fastest and decoded on a blocking
//! thread, so that decoding (most of what reading costs) runs beside fetching the next page and
//! folding the last one.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::value::RawValue;
use shaobao_services::store::{LogPosition, Store, StoreError};
use sqlx::postgres::PgRow;
use sqlx::Row;
use tokio::task::JoinHandle;

use super::{corrupt, Entry, LogEvent, CASE, COMMUNITY, MEMBER};

/// Commit order on PostgreSQL. `AS tx` is load-bearing: ORDER BY resolves a bare name to an
/// output column first, so unaliased, the cast would be what `ORDER BY transaction_id` sorts by:
/// no index serves that, and every page sorted the whole rest of the log (when the cast was to
/// text, ids also sorted "10" before "9", and pages skipped events). Payloads of aggregates no
/// read model follows are not sent.
const POSTGRES_PAGE: &str = "
    SELECT position, transaction_id::text::bigint AS tx, aggregate_id, sequence,
           CASE WHEN aggregate_type IN ($4, $5, $6) THEN payload::text END, aggregate_type
    FROM events
    WHERE (transaction_id, position) > ($1::text::xid8, $2)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id, position LIMIT $3";

/// SQLite commits in position order. sqlx-sqlite copies every value of every row and hands each
/// row across threads, which costs more than parsing the event, so a page comes as one row: its
/// entries as one JSON array of `[position, aggregate id, sequence, kind, event or null]` (kind
/// 0 a case, 1 a community list, 2 a member registration, 9 anything else), the last position
/// and how many entries there are (a stored payload that is not one JSON value would change
/// that count rather than slip extra entries in).
const SQLITE_PAGE: &str = "
    SELECT '[' || group_concat(entry, ',' ORDER BY position) || ']', max(position), count(*)
    FROM (SELECT position,
                 '[' || position || ',' || json_quote(aggregate_id) || ',' || sequence || ','
                     || CASE aggregate_type WHEN $3 THEN '0,' || payload
                                            WHEN $4 THEN '1,' || payload
                                            WHEN $5 THEN '2,' || payload
                                            ELSE '9,null' END || ']' AS entry
          FROM events WHERE position > $1 ORDER BY position LIMIT $2)";

pub struct Fetched {
    /// The position of the page's last entry; `None` when the page is empty.
    pub last: Option<LogPosition>,
    decoding: JoinHandle<Result<Vec<Entry>, StoreError>>,
}

impl Fetched {
    pub async fn entries(self) -> Result<Vec<Entry>, StoreError> {
        self.decoding
            .await
            .unwrap_or_else(|failure| std::panic::resume_unwind(failure.into_panic()))
    }
}

/// Up to `limit` entries after `after`, in commit order.
pub async fn fetch(store: &Store, after: LogPosition, limit: u32) -> Result<Fetched, StoreError> {
    Ok(match store {
        Store::Postgres(pool) => {
            let rows = sqlx::query(POSTGRES_PAGE)
                .bind(after.transaction.to_string())
                .bind(after.position)
                .bind(i64::from(limit))
                .bind(CASE)
                .bind(COMMUNITY)
                .bind(MEMBER)
                .fetch_all(pool)
                .await?;
            Fetched {
                last: rows.last().map(position).transpose()?,
                decoding: tokio::task::spawn_blocking(move || decode_all(&rows)),
            }
        }
        Store::Sqlite(pool) => {
            let (page, last, count): (Option<String>, Option<i64>, i64) =
                sqlx::query_as(SQLITE_PAGE)
                    .bind(after.position)
                    .bind(i64::from(limit))
                    .bind(CASE)
                    .bind(COMMUNITY)
                    .bind(MEMBER)
                    .fetch_one(pool)
                    .await?;
            Fetched {
                last: last.map(|position| LogPosition {
                    transaction: 0,
                    position,
                }),
                decoding: tokio::task::spawn_blocking(move || {
                    parse_page(page.as_deref().unwrap_or("[]"), count)
                }),
            }
        }
    })
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

fn decode_all(rows: &[PgRow]) -> Result<Vec<Entry>, StoreError> {
    let mut entries = Vec::with_capacity(rows.len());
    for row in rows {
        entries.push(decode(row)?);
    }
    Ok(entries)
}

/// Decodes a PostgreSQL row, borrowing its text: the payload is parsed where it lies.
fn decode(row: &PgRow) -> Result<Entry, StoreError> {
    let aggregate_id: &str = row.try_get(2)?;
    let sequence: i64 = row.try_get(3)?;
    let payload: Option<&str> = row.try_get(4)?;
    let kind: &str = row.try_get(5)?;
    let event = match payload {
        Some(payload) => {
            LogEvent::parse(kind, payload).map_err(|e| corrupt(aggregate_id, sequence, e))?
        }
        None => None,
    };
    Ok(Entry {
        position: position(row)?,
        stream_id: aggregate_id.to_string(),
        sequence,
        event,
    })
}

/// One entry of a SQLite page: `[position, aggregate id, sequence, kind, event or null]`.
struct PageEntry(i64, String, i64, Option<LogEvent>);

impl<'de> Deserialize<'de> for PageEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Entry;
        impl<'de> Visitor<'de> for Entry {
            type Value = PageEntry;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("[position, aggregate id, sequence, kind, event]")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PageEntry, A::Error> {
                let missing = |i| de::Error::invalid_length(i, &self);
                let position = seq.next_element()?.ok_or_else(|| missing(0))?;
                let id = seq.next_element()?.ok_or_else(|| missing(1))?;
                let sequence = seq.next_element()?.ok_or_else(|| missing(2))?;
                let kind: u8 = seq.next_element()?.ok_or_else(|| missing(3))?;
                let event = match kind {
                    0 => seq.next_element()?.map(LogEvent::Case),
                    1 => seq.next_element()?.map(LogEvent::Community),
                    2 => seq.next_element()?.map(LogEvent::Member),
                    _ => seq.next_element::<IgnoredAny>()?.and(None),
                };
                Ok(PageEntry(position, id, sequence, event))
            }
        }
        d.deserialize_seq(Entry)
    }
}

/// The entries of a SQLite page of `count` events.
fn parse_page(page: &str, count: i64) -> Result<Vec<Entry>, StoreError> {
    let entries: Vec<PageEntry> = serde_json::from_str(page).map_err(|whole| {
        name_corrupt_event(page)
            .unwrap_or_else(|| StoreError::Corrupt(format!("log page: {whole}")))
    })?;
    if i64::try_from(entries.len()) != Ok(count) {
        let found = entries.len();
        return Err(StoreError::Corrupt(format!(
            "log page of {count} events decodes to {found}: a payload is not one JSON value"
        )));
    }
    Ok(entries
        .into_iter()
        .map(|PageEntry(position, stream_id, sequence, event)| Entry {
            position: LogPosition {
                transaction: 0,
                position,
            },
            stream_id,
            sequence,
            event,
        })
        .collect())
}

/// The first event of a page that does not decode, named (only run when the page failed).
fn name_corrupt_event(page: &str) -> Option<StoreError> {
    /// `[position, aggregate id, sequence, kind, payload]`, the payload left undecoded.
    type RawEntry = (i64, String, i64, u8, Option<Box<RawValue>>);
    let raw: Vec<RawEntry> = serde_json::from_str(page).ok()?;
    raw.into_iter()
        .find_map(|(_, stream_id, sequence, kind, payload)| {
            let kind = match kind {
                0 => CASE,
                1 => COMMUNITY,
                2 => MEMBER,
                _ => return None,
            };
            let error = LogEvent::parse(kind, payload?.get()).err()?;
            Some(corrupt(&stream_id, sequence, error))
        })
}
