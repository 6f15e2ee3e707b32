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
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::sql::placeholders;

/// One log entry; `event` is `None` for other aggregates (visits), which projectors step over.
#[derive(Debug, Clone)]
pub struct Entry {
    pub position: LogPosition,
    pub case_id: String,
    pub sequence: i64,
    pub event: Option<CaseEvent>,
}

const CASE: &str = Case::TYPE;

/// Up to `limit` entries after `after`, in commit order.
pub async fn read(store: &Store, after: LogPosition, limit: u32) -> Result<Vec<Entry>, StoreError> {
    fetch(store, after, limit).await?.entries().await
}

/// One page of the log, fetched; its entries are decoded on a blocking thread, so that decoding
/// (most of what reading costs) runs beside fetching the next page and folding the last one.
struct Fetched {
    /// The position of the page's last entry; `None` when the page is empty.
    last: Option<LogPosition>,
    decoding: JoinHandle<Result<Vec<Entry>, StoreError>>,
}

impl Fetched {
    async fn entries(self) -> Result<Vec<Entry>, StoreError> {
        self.decoding
            .await
            .unwrap_or_else(|failure| std::panic::resume_unwind(failure.into_panic()))
    }
}

async fn fetch(store: &Store, after: LogPosition, limit: u32) -> Result<Fetched, StoreError> {
    let sql = match store {
        // `AS tx` is load-bearing: ORDER BY resolves a bare name to an output column first, so
        // an unaliased `transaction_id::text` sorts by the id's text ("10" before "9"), which no
        // index serves: every page sorted the whole rest of the log (and could skip events).
        Store::Postgres(_) => {
            "SELECT position, transaction_id::text::bigint AS tx, aggregate_id, sequence,
                    CASE WHEN aggregate_type = $4 THEN payload::text END
             FROM events
             WHERE (transaction_id, position) > ($1::text::xid8, $2)
               AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
             ORDER BY transaction_id, position LIMIT $3"
        }
        Store::Sqlite(_) => {
            "SELECT position, 0, aggregate_id, sequence,
                    CASE WHEN aggregate_type = $4 THEN payload END
             FROM events WHERE position > $2 AND $1 IS NOT NULL
             ORDER BY position LIMIT $3"
        }
    };
    with_pool!(store, pool => {
        let rows = sqlx::query(sql)
            .bind(after.transaction.to_string())
            .bind(after.position)
            .bind(i64::from(limit))
            .bind(CASE)
            .fetch_all(pool)
            .await?;
        Ok(Fetched {
            last: rows.last().map(position).transpose()?,
            decoding: tokio::task::spawn_blocking(move || {
                let mut entries = Vec::with_capacity(rows.len());
                for row in &rows {
                    entries.push(decode(row)?);
                }
                Ok(entries)
            }),
        })
    })
}

/// The whole log after a position, page by page in commit order, read ahead: the next pages are
/// fetched and decoded while the caller works on this one (a rebuild's reading).
pub struct Pages {
    fetched: mpsc::Receiver<Result<Fetched, StoreError>>,
}

impl Pages {
    /// Pages of `size` entries after `after`, at most `ahead` of them waiting to be taken.
    pub fn start(store: &Store, after: LogPosition, size: u32, ahead: usize) -> Pages {
        let (sender, fetched) = mpsc::channel(ahead.max(1));
        tokio::spawn(fetch_ahead(store.clone(), after, size, sender));
        Pages { fetched }
    }

    /// The next page; `None` once the log (as far as it was committed) has been read.
    pub async fn next(&mut self) -> Result<Option<Vec<Entry>>, StoreError> {
        match self.fetched.recv().await {
            Some(fetched) => fetched?.entries().await.map(Some),
            None => Ok(None),
        }
    }
}

/// Fetches page after page until one comes back empty, a fetch fails or the reader is dropped.
async fn fetch_ahead(
    store: Store,
    mut after: LogPosition,
    size: u32,
    pages: mpsc::Sender<Result<Fetched, StoreError>>,
) {
    loop {
        let fetched = fetch(&store, after, size).await;
        let next = fetched.as_ref().ok().and_then(|page| page.last);
        let empty = matches!(fetched, Ok(Fetched { last: None, .. }));
        if empty || pages.send(fetched).await.is_err() {
            return;
        }
        // A failed fetch was passed on above and ends the reading.
        let Some(next) = next else { return };
        after = next;
    }
}

/// The log position of a row of [`fetch`].
fn position<'r, R>(row: &'r R) -> Result<LogPosition, StoreError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let transaction: i64 = row.try_get(1)?;
    Ok(LogPosition {
        transaction: u64::try_from(transaction)
            .map_err(|_| StoreError::Corrupt(format!("transaction id {transaction}")))?,
        position: row.try_get(0)?,
    })
}

/// Decodes one row of [`fetch`], borrowing its text: the payload is parsed where it lies, never
/// copied (a rebuild reads every event of the log through here). Other aggregates' payloads are
/// not even sent.
fn decode<'r, R>(row: &'r R) -> Result<Entry, StoreError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    &'r str: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let aggregate_id: &str = row.try_get(2)?;
    let sequence: i64 = row.try_get(3)?;
    let case_payload: Option<&str> = row.try_get(4)?;
    let event = case_payload
        .map(parse_event)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("{CASE}/{aggregate_id}#{sequence}: {e}")))?;
    Ok(Entry {
        position: position(row)?,
        case_id: aggregate_id.to_string(),
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
