//! Reading the global log the way projectors need it: commit order, the events of the projected
//! aggregates (cases, community lists, member registrations) decoded straight from the payload
//! text (no metadata, no intermediate JSON tree), and whole stream histories.
//!
//! Pages come from the store's one log reader (`Store::read_log_page`), with its commit-order
//! rule: on PostgreSQL only transactions below the oldest one still open are read, so a late
//! commit is waited for, never skipped.

mod fetch;

use std::collections::HashMap;

use cqrs_es::Aggregate;
use shaobao_domain::community::{CommunityList, Member};
use shaobao_domain::{Case, CaseEvent, CommunityEvent, MemberEvent};
use shaobao_services::store::{LogPosition, Store, StoreError};
use shaobao_services::with_pool;
use tokio::sync::mpsc;

use crate::sql::placeholders;
use fetch::{fetch, Fetched};

/// One log entry; `event` is `None` for aggregates no read model follows (visits), which
/// projectors step over.
#[derive(Debug, Clone)]
pub struct Entry {
    pub position: LogPosition,
    /// The aggregate id: a case id, `community/<code>` or `member/<id>`.
    pub stream_id: String,
    pub sequence: i64,
    pub event: Option<LogEvent>,
}

/// An event of an aggregate the read models follow.
#[derive(Debug, Clone, PartialEq)]
pub enum LogEvent {
    Case(CaseEvent),
    Community(CommunityEvent),
    Member(MemberEvent),
}

impl LogEvent {
    /// The event of aggregate type `kind` in `payload`; `Ok(None)` for an aggregate no read
    /// model follows.
    fn parse(kind: &str, payload: &str) -> Result<Option<LogEvent>, serde_json::Error> {
        Ok(Some(match kind {
            CASE => LogEvent::Case(serde_json::from_str(payload)?),
            COMMUNITY => LogEvent::Community(serde_json::from_str(payload)?),
            MEMBER => LogEvent::Member(serde_json::from_str(payload)?),
            _ => return Ok(None),
        }))
    }
}

const CASE: &str = Case::TYPE;
const COMMUNITY: &str = CommunityList::TYPE;
const MEMBER: &str = Member::TYPE;

/// Up to `limit` entries after `after`, in commit order.
pub async fn read(store: &Store, after: LogPosition, limit: u32) -> Result<Vec<Entry>, StoreError> {
    fetch(store, after, limit).await?.entries().await
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

/// An event that does not decode, named.
fn corrupt(stream_id: &str, sequence: i64, error: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("event {stream_id}#{sequence}: {error}"))
}

/// The events of streams `before` (case ids, `community/<code>`, `member/<id>`) with sequence
/// below the given bound each, by stream then sequence: what a projector needs to rebuild a
/// stream it has not seen, up to just before its batch.
pub async fn histories(
    store: &Store,
    before: &[(String, i64)],
) -> Result<Vec<(String, i64, LogEvent)>, StoreError> {
    let mut found = Vec::new();
    // Bounded IN lists: both backends cap the number of arguments.
    for chunk in before.chunks(500) {
        let sql = format!(
            "SELECT aggregate_type, aggregate_id, sequence, CAST(payload AS TEXT) FROM events
             WHERE aggregate_type IN ($1, $2, $3) AND aggregate_id IN ({})
             ORDER BY aggregate_id, sequence",
            placeholders(4, chunk.len())
        );
        let rows: Vec<(String, String, i64, String)> = with_pool!(store, pool => {
            let mut query = sqlx::query_as(&sql).bind(CASE).bind(COMMUNITY).bind(MEMBER);
            for (id, _) in chunk {
                query = query.bind(id.as_str());
            }
            query.fetch_all(pool).await?
        });
        let bounds: HashMap<&str, i64> = chunk.iter().map(|(id, b)| (id.as_str(), *b)).collect();
        for (kind, id, sequence, payload) in rows {
            if sequence < bounds.get(id.as_str()).copied().unwrap_or(0) {
                let event =
                    LogEvent::parse(&kind, &payload).map_err(|e| corrupt(&id, sequence, e))?;
                if let Some(event) = event {
                    found.push((id, sequence, event));
                }
            }
        }
    }
    Ok(found)
}

/// The events of case `case_id`, in order.
pub async fn case_history(
    store: &Store,
    case_id: &str,
) -> Result<Vec<(i64, CaseEvent)>, StoreError> {
    Ok(histories(store, &[(case_id.to_string(), i64::MAX)])
        .await?
        .into_iter()
        .filter_map(|(_, sequence, event)| match event {
            LogEvent::Case(event) => Some((sequence, event)),
            _ => None,
        })
        .collect())
}

/// How many events the log holds (for progress reports).
pub async fn count(store: &Store) -> Result<u64, StoreError> {
    let (n,): (i64,) = with_pool!(store, pool => {
        sqlx::query_as("SELECT count(*) FROM events").fetch_one(pool).await?
    });
    Ok(n as u64)
}
