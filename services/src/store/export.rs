//! `shaobao export`: the log as JSON lines, one event per line, in log order (DESIGN §5 "Portable
//! log"), in pages, so memory stays flat however long the log is.

use std::io::Write;
use std::time::{Duration, Instant};

use super::{LogPosition, LoggedEvent, Store, StoreError};

const EXPORT_PAGE: u32 = 5_000;

/// How long an export waits for a transaction that holds the log back (PostgreSQL: the reader
/// stays below the oldest open transaction) before it gives up.
const HELD_BACK_LIMIT: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Write(#[from] std::io::Error),
    /// A transaction somewhere on the database server stayed open the whole time, so events
    /// committed after it cannot be read in order yet.
    #[error(
        "the log is held back by a transaction open for over {}s (exported {written} of \
         {expected} events): end it and export again",
        HELD_BACK_LIMIT.as_secs()
    )]
    HeldBack { written: u64, expected: u64 },
}

/// Which events to export: everything after `after` (the start by default), optionally only one
/// stream (`shaobao export --case ID`: aggregate type `case`).
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub after: LogPosition,
    /// (aggregate type, aggregate id).
    pub stream: Option<(String, String)>,
}

impl Store {
    /// How many events `filter` selects now; export writes at least these (and any committed
    /// meanwhile that the log order puts before its end).
    pub async fn export_count(&self, filter: &ExportFilter) -> Result<u64, StoreError> {
        let sql = match self {
            Store::Postgres(_) => {
                "SELECT count(*) FROM events WHERE (transaction_id, position) > ($1::text::xid8, $2)
                   AND ($3::text IS NULL OR (aggregate_type, aggregate_id) = ($3, $4))"
            }
            Store::Sqlite(_) => {
                "SELECT count(*) FROM events WHERE position > $2 AND $1 IS NOT NULL
                   AND ($3 IS NULL OR (aggregate_type, aggregate_id) = ($3, $4))"
            }
        };
        let (aggregate_type, aggregate_id) = match &filter.stream {
            Some((t, i)) => (Some(t.as_str()), Some(i.as_str())),
            None => (None, None),
        };
        let (count,): (i64,) = super::sql::with_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(filter.after.transaction.to_string())
                .bind(filter.after.position)
                .bind(aggregate_type)
                .bind(aggregate_id)
                .fetch_one(pool)
                .await?
        });
        Ok(count as u64)
    }

    /// Writes the events `filter` selects to `out`, one JSON object per line (the envelope of the
    /// HTTP history: position token, stream, sequence, type, version, payload, metadata, hash), in
    /// commit order. Everything committed when the export starts is written: on PostgreSQL it
    /// waits while an open transaction holds the log back. `progress` gets the running count.
    /// Returns the number of events written.
    pub async fn export(
        &self,
        filter: &ExportFilter,
        out: &mut impl Write,
        mut progress: impl FnMut(u64),
    ) -> Result<u64, ExportError> {
        let expected = self.export_count(filter).await?;
        let mut cursor = filter.after;
        let mut written = 0;
        let mut held_back_since: Option<Instant> = None;
        while written < expected {
            let page = self.export_page(cursor, filter).await?;
            let Some(last) = page.last() else {
                let since = *held_back_since.get_or_insert_with(Instant::now);
                if since.elapsed() > HELD_BACK_LIMIT {
                    return Err(ExportError::HeldBack { written, expected });
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            };
            held_back_since = None;
            cursor = last.position;
            for event in &page {
                serde_json::to_writer(&mut *out, event).map_err(std::io::Error::from)?;
                out.write_all(b"\n")?;
                written += 1;
            }
            progress(written);
        }
        out.flush()?;
        Ok(written)
    }

    /// The next page after `cursor`: the global log, or one stream's events in the same order.
    async fn export_page(
        &self,
        cursor: LogPosition,
        filter: &ExportFilter,
    ) -> Result<Vec<LoggedEvent>, StoreError> {
        match &filter.stream {
            None => self.read_log(cursor, EXPORT_PAGE).await,
            Some((aggregate_type, aggregate_id)) => {
                self.read_stream_log(aggregate_type, aggregate_id, cursor, EXPORT_PAGE)
                    .await
            }
        }
    }
}
