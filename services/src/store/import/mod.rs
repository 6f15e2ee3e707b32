//! `shaobao import`: appends a `shaobao export` file into an **empty** store of either kind
//! (DESIGN §5 "Portable log"), keeping aggregate ids, sequences, types, versions, payloads,
//! metadata and hashes; positions are the target's own.
//!
//! **One transaction, bounded memory.** The file is read once, as a stream (stdin cannot be read
//! twice), in batches: a blocking thread parses (and, where it saw the stream's previous line,
//! hashes) the next batch while this task checks and writes the current one inside a single
//! transaction. Any refusal (a malformed line, a gap, a hash that does not match, a store that
//! is not empty) rolls that transaction back, so nothing is written, and nothing is visible to
//! readers before the commit. Memory holds a few batches and the heads of the streams the last
//! batch touched, whatever the file's length: a stream first seen in a batch takes its head from
//! `stream_heads`, which is kept inside this same transaction. The price of one transaction:
//! other writers are locked out meanwhile, and on PostgreSQL, whose bulk load rebuilds the
//! table's indexes at the end ([`postgres`]), readers of `events` wait for the commit too
//! (nobody should be serving an empty store being filled).

mod line;
mod postgres;
mod target;

use std::collections::HashMap;
use std::io::Read;

use tokio::sync::mpsc;

use super::chain::{hash_rendered, RenderedLink, GENESIS};
use super::{Store, StoreError};
pub use line::MAX_LINE_BYTES;
use line::{read_batches, Incoming};
use target::{Head, StreamKey, Target};

/// Events per batch: per PostgreSQL statement, and per hand-over from the reading thread.
const BATCH: usize = 5_000;

/// Why an import was refused; in every case nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// Import only fills a fresh store, so the file's sequences and hashes stay true.
    #[error(
        "the target store already holds events: import into a fresh database or SQLite file \
         (run `shaobao migrate` on it, nothing else)"
    )]
    NotEmpty,
    /// A line that is not an exported event.
    #[error("line {line}: {reason}")]
    Malformed { line: u64, reason: String },
    #[error("line {line}: longer than {limit} bytes; not an exported event")]
    LineTooLong { line: u64, limit: usize },
    /// A stream whose sequences do not run 1, 2, 3…: the file misses events, repeats them, is
    /// not in log order, or starts after the beginning (`export --after`).
    #[error(
        "line {line}: {stream} expected sequence {expected}, found {found} (events missing, \
         repeated or out of log order; import takes a whole export)"
    )]
    Gap {
        line: u64,
        stream: String,
        expected: i64,
        found: i64,
    },
    /// An event whose hash does not cover its content and its predecessor's hash: altered.
    #[error("line {line}: {stream}#{sequence}: hash does not match the event and its predecessor (altered?)")]
    HashMismatch {
        line: u64,
        stream: String,
        sequence: i64,
    },
    #[error("cannot read line {line} of the input: {source}")]
    Read {
        line: u64,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for ImportError {
    fn from(err: sqlx::Error) -> Self {
        ImportError::Store(err.into())
    }
}

/// How far an import has come, for a progress bar.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportProgress {
    pub events: u64,
    pub bytes_read: u64,
}

/// What an import wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub events: u64,
    pub streams: u64,
}

impl Store {
    /// Imports the JSON lines read from `input` (see the module documentation).
    pub async fn import<R: Read + Send + 'static>(
        &self,
        input: R,
        mut progress: impl FnMut(ImportProgress),
    ) -> Result<ImportReport, ImportError> {
        let (sender, mut batches) = mpsc::channel(2);
        let reader = tokio::task::spawn_blocking(move || read_batches(input, BATCH, sender));
        let mut target = Target::begin(self).await?;
        let mut chains = Chains::default();
        let mut report = ImportReport::default();
        while let Some(batch) = batches.recv().await {
            let batch = batch?;
            chains.check(&mut target, &batch.events).await?;
            target.insert(&batch.events).await?;
            target.record_heads(chains.recent.iter()).await?;
            report.events += batch.events.len() as u64;
            progress(ImportProgress {
                events: report.events,
                bytes_read: batch.bytes_read,
            });
        }
        // The sender is gone: the reader finished (its errors came through the channel).
        reader.await.map_err(|e| ImportError::Read {
            line: 0,
            source: std::io::Error::other(e),
        })?;
        report.streams = chains.streams;
        target.commit().await?;
        Ok(report)
    }
}

/// Checks each stream's sequence and hash chain as the batches go by.
#[derive(Default)]
struct Chains {
    /// Heads of the streams the previous batch touched; older ones are looked up in the store.
    recent: HashMap<StreamKey, Head>,
    /// Streams begun by this import.
    streams: u64,
}

impl Chains {
    async fn check(&mut self, target: &mut Target, batch: &[Incoming]) -> Result<(), ImportError> {
        // Each distinct stream of the batch gets a slot holding its head as the batch goes by.
        let mut slot_of: HashMap<(&str, &str), usize> = HashMap::new();
        let mut slots: Vec<(StreamKey, Head)> = Vec::new();
        let mut unknown: Vec<StreamKey> = Vec::new();
        let mut event_slots = Vec::with_capacity(batch.len());
        for event in batch {
            let id = (event.aggregate_type.as_str(), event.aggregate_id.as_str());
            let slot = *slot_of.entry(id).or_insert_with(|| {
                let key = (id.0.to_string(), id.1.to_string());
                let head = self.recent.remove(&key).unwrap_or_else(|| {
                    unknown.push(key.clone());
                    (0, GENESIS.to_string())
                });
                slots.push((key, head));
                slots.len() - 1
            });
            event_slots.push(slot);
        }
        let mut stored = target.heads(&unknown.iter().collect::<Vec<_>>()).await?;
        for (key, head) in &mut slots {
            if let Some(found) = stored.remove(key) {
                *head = found;
            }
        }
        for (event, slot) in batch.iter().zip(event_slots) {
            let head = &mut slots[slot].1;
            check_link(event, head)?;
            if head.0 == 0 {
                self.streams += 1;
            }
            *head = (event.sequence, event.hash.clone());
        }
        // Only this batch's streams stay in memory; the others are in `stream_heads`.
        self.recent = slots.into_iter().collect();
        Ok(())
    }
}

/// `event` must be the next of a stream whose head is `head`.
fn check_link(event: &Incoming, head: &Head) -> Result<(), ImportError> {
    let stream = || format!("{}/{}", event.aggregate_type, event.aggregate_id);
    let (last, previous) = head;
    if event.sequence != last + 1 {
        return Err(ImportError::Gap {
            line: event.line,
            stream: stream(),
            expected: last + 1,
            found: event.sequence,
        });
    }
    // The head is the stream's previous line, so the reader's hash of it, if any, stands.
    let follows = event
        .follows_previous_line
        .unwrap_or_else(|| link_hash(previous, event) == event.hash);
    if !follows {
        return Err(ImportError::HashMismatch {
            line: event.line,
            stream: stream(),
            sequence: event.sequence,
        });
    }
    Ok(())
}

/// The hash `event` must carry if `previous` is its predecessor's.
fn link_hash(previous: &str, event: &Incoming) -> String {
    hash_rendered(
        previous,
        &RenderedLink {
            aggregate_type: &event.aggregate_type,
            aggregate_id: &event.aggregate_id,
            sequence: event.sequence,
            event_type: &event.event_type,
            event_version: &event.event_version,
            payload: &event.payload,
            metadata: &event.metadata,
        },
    )
}
