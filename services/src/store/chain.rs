//! The per-stream hash chain (DESIGN §5): each event's hash covers its stream, sequence, type,
//! version, payload, metadata and the previous event's hash, so changing, deleting or reordering
//! any event breaks every hash after it. The hash is kept in the event's metadata under `hash`
//! (metadata hashed without that key) because postgres-es and sqlite-es write only their seven
//! columns; the stream's head is kept in `stream_heads` by a trigger in the same transaction, which
//! is how a deleted *last* event shows.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::{LoggedEvent, Store, StoreError};

/// The "previous hash" of a stream's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields an event's hash covers.
pub struct Link<'a> {
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    pub payload: &'a Value,
    /// Without the `hash` key.
    pub metadata: &'a Value,
}

/// Hex SHA-256 of one link chained onto `previous`.
///
/// JSON is hashed in serde_json's canonical form (object keys sorted), so the hash does not depend
/// on how a database stores or returns the text.
pub fn hash(previous: &str, link: &Link<'_>) -> String {
    let payload = link.payload.to_string();
    let metadata = link.metadata.to_string();
    hash_rendered(
        previous,
        &RenderedLink {
            aggregate_type: link.aggregate_type,
            aggregate_id: link.aggregate_id,
            sequence: link.sequence,
            event_type: link.event_type,
            event_version: link.event_version,
            payload: &payload,
            metadata: &metadata,
        },
    )
}

/// A [`Link`] whose payload and metadata are already rendered as canonical JSON text
/// (`Value::to_string`): the importer renders each event once, for its hash and for its row.
pub struct RenderedLink<'a> {
    pub aggregate_type: &'a str,
    pub aggregate_id: &'a str,
    pub sequence: i64,
    pub event_type: &'a str,
    pub event_version: &'a str,
    pub payload: &'a str,
    /// Without the `hash` key.
    pub metadata: &'a str,
}

/// [`hash`] of a link rendered beforehand.
pub fn hash_rendered(previous: &str, link: &RenderedLink<'_>) -> String {
    let mut digest = Sha256::new();
    for part in [
        previous,
        link.aggregate_type,
        link.aggregate_id,
        &link.sequence.to_string(),
        link.event_type,
        link.event_version,
        link.payload,
        link.metadata,
    ] {
        digest.update(part.len().to_le_bytes());
        digest.update(part.as_bytes());
    }
    hex::encode(digest.finalize())
}

/// One thing wrong with one stream.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainProblem {
    /// Sequences are not 1, 2, 3…: an event is missing or was renumbered.
    Gap {
        stream: String,
        expected: i64,
        found: i64,
    },
    /// The stored hash does not match the event's content and its predecessor.
    HashMismatch {
        stream: String,
        sequence: i64,
    },
    /// The recorded head does not match the stream's last event (e.g. the last event was deleted).
    HeadMismatch {
        stream: String,
        head_sequence: i64,
        last_sequence: i64,
    },
    /// A stream with events but no recorded head, or a head with no events.
    MissingHead {
        stream: String,
    },
    OrphanHead {
        stream: String,
    },
    /// PostgreSQL: events whose transaction ids this server has not handed out yet, as after a
    /// dump restored onto another server. Commit-order readers skip them.
    TransactionIdsAhead {
        events: u64,
    },
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainProblem::Gap {
                stream,
                expected,
                found,
            } => {
                write!(f, "{stream}: expected sequence {expected}, found {found}")
            }
            ChainProblem::HashMismatch { stream, sequence } => {
                write!(f, "{stream}#{sequence}: hash does not match content")
            }
            ChainProblem::HeadMismatch {
                stream,
                head_sequence,
                last_sequence,
            } => write!(
                f,
                "{stream}: head records sequence {head_sequence}, last event is {last_sequence}"
            ),
            ChainProblem::MissingHead { stream } => write!(f, "{stream}: no recorded head"),
            ChainProblem::OrphanHead { stream } => write!(f, "{stream}: head but no events"),
            ChainProblem::TransactionIdsAhead { events } => write!(
                f,
                "{events} events carry transaction ids ahead of this server's (a dump restored \
                 onto another server?): readers skip them; move the log with shaobao export | \
                 shaobao import instead (README \"Backups\")"
            ),
        }
    }
}

/// What a full verification found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChainReport {
    pub streams: u64,
    pub events: u64,
    pub problems: Vec<ChainProblem>,
}

/// Walks one stream's events in order.
struct StreamCheck {
    stream: String,
    key: (String, String),
    expected: i64,
    previous: String,
}

impl StreamCheck {
    fn new(event: &LoggedEvent) -> Self {
        StreamCheck {
            stream: format!("{}/{}", event.aggregate_type, event.aggregate_id),
            key: (event.aggregate_type.clone(), event.aggregate_id.clone()),
            expected: 1,
            previous: GENESIS.to_string(),
        }
    }

    fn check(&mut self, event: &LoggedEvent, problems: &mut Vec<ChainProblem>) {
        if event.sequence != self.expected {
            problems.push(ChainProblem::Gap {
                stream: self.stream.clone(),
                expected: self.expected,
                found: event.sequence,
            });
        }
        let computed = hash(&self.previous, &link_of(event));
        if computed != event.hash {
            problems.push(ChainProblem::HashMismatch {
                stream: self.stream.clone(),
                sequence: event.sequence,
            });
        }
        // Chain on the stored hash, so one altered event is reported once, not for every successor.
        self.previous = event.hash.clone();
        self.expected = event.sequence + 1;
    }
}

/// For each event of one stream, in sequence order: whether it follows its predecessor and its hash
/// covers it (the auditor's per-event mark; [`Store::verify_chains`] checks the whole store).
pub fn verify_stream(events: &[LoggedEvent]) -> Vec<bool> {
    let Some(first) = events.first() else {
        return Vec::new();
    };
    let mut check = StreamCheck::new(first);
    events
        .iter()
        .map(|event| {
            let mut problems = Vec::new();
            check.check(event, &mut problems);
            problems.is_empty()
        })
        .collect()
}

pub(super) fn link_of(event: &LoggedEvent) -> Link<'_> {
    Link {
        aggregate_type: &event.aggregate_type,
        aggregate_id: &event.aggregate_id,
        sequence: event.sequence,
        event_type: &event.event_type,
        event_version: &event.event_version,
        payload: &event.payload,
        metadata: &event.metadata,
    }
}

const SCAN_PAGE: u32 = 10_000;

impl Store {
    /// Checks every stream's chain and head.
    pub async fn verify_chains(&self) -> Result<ChainReport, StoreError> {
        let mut report = ChainReport::default();
        let mut heads = self.stream_heads().await?;
        let mut current: Option<StreamCheck> = None;
        let mut after = (String::new(), String::new(), 0);
        loop {
            let page = self.scan_streams(&after, SCAN_PAGE).await?;
            let Some(last) = page.last() else { break };
            after = (
                last.aggregate_type.clone(),
                last.aggregate_id.clone(),
                last.sequence,
            );
            for event in &page {
                report.events += 1;
                let same = current.as_ref().is_some_and(|c| {
                    c.key.0 == event.aggregate_type && c.key.1 == event.aggregate_id
                });
                if !same {
                    if let Some(done) = current.take() {
                        finish(done, &mut heads, &mut report);
                    }
                    current = Some(StreamCheck::new(event));
                }
                if let Some(check) = current.as_mut() {
                    check.check(event, &mut report.problems);
                }
            }
        }
        if let Some(done) = current {
            finish(done, &mut heads, &mut report);
        }
        report
            .problems
            .extend(heads.into_keys().map(|(t, i)| ChainProblem::OrphanHead {
                stream: format!("{t}/{i}"),
            }));
        let ahead = self.events_ahead_of_server().await?;
        if ahead > 0 {
            report
                .problems
                .push(ChainProblem::TransactionIdsAhead { events: ahead });
        }
        Ok(report)
    }

    /// Events with a transaction id at or past the first one this server has not handed out
    /// (none on SQLite, and none on a PostgreSQL server that wrote them itself).
    async fn events_ahead_of_server(&self) -> Result<u64, StoreError> {
        let Store::Postgres(pool) = self else {
            return Ok(0);
        };
        let sql = "SELECT count(*) FROM events
                   WHERE transaction_id >= pg_snapshot_xmax(pg_current_snapshot())";
        let (ahead,): (i64,) = sqlx::query_as(sql).fetch_one(pool).await?;
        Ok(ahead as u64)
    }
}

type Heads = std::collections::HashMap<(String, String), (i64, String)>;

fn finish(done: StreamCheck, heads: &mut Heads, report: &mut ChainReport) {
    report.streams += 1;
    let last_sequence = done.expected - 1;
    match heads.remove(&done.key) {
        None => report.problems.push(ChainProblem::MissingHead {
            stream: done.stream,
        }),
        Some((head_sequence, head_hash)) => {
            if head_sequence != last_sequence || head_hash != done.previous {
                report.problems.push(ChainProblem::HeadMismatch {
                    stream: done.stream,
                    head_sequence,
                    last_sequence,
                });
            }
        }
    }
}
