//! The seam between cqrs-es and the store: postgres-es / sqlite-es do the loading, sqlite-es the
//! insert transaction and [`super::append`] PostgreSQL's; this wrapper notes what the load saw
//! (see [`super::command_scope`]), chains each new event's hash into its metadata, and turns
//! SQLite's unique-violation and busy errors into what cqrs-es understands.

use cqrs_es::persist::{
    PersistedEventRepository, PersistenceError, ReplayStream, SerializedEvent, SerializedSnapshot,
};
use cqrs_es::Aggregate;
use postgres_es::PostgresEventRepository;
use serde_json::Value;
use sqlite_es::SqliteEventRepository;

use super::append;
use super::chain::{self, Link};
use super::command_scope::COMMAND;
use super::Store;

enum Inner {
    /// The pool for [`append::insert`] beside postgres-es, which loads.
    Postgres(PostgresEventRepository, sqlx::PgPool),
    Sqlite(SqliteEventRepository),
}

/// A [`PersistedEventRepository`] that hash-chains every stream.
pub struct ChainedRepository {
    inner: Inner,
}

macro_rules! delegate {
    ($self:expr, $repo:ident => $call:expr) => {
        match &$self.inner {
            Inner::Postgres($repo, _) => $call,
            Inner::Sqlite($repo) => $call,
        }
    };
}

impl ChainedRepository {
    /// Only the command bus appends: it runs every command inside a [`COMMAND`] scope.
    pub(crate) fn new(store: &Store) -> Self {
        let inner = match store {
            Store::Postgres(pool) => {
                Inner::Postgres(PostgresEventRepository::new(pool.clone()), pool.clone())
            }
            Store::Sqlite(pool) => Inner::Sqlite(SqliteEventRepository::new(pool.clone())),
        };
        ChainedRepository { inner }
    }

    /// The events with `hash` added to each one's metadata, chained on the hash of the stream's
    /// tip as the command's load saw it (after checking `If-Match` against that same load).
    fn chain(&self, events: &[SerializedEvent]) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let Some(first) = events.first() else {
            return Ok(Vec::new());
        };
        let actual = first.sequence as i64 - 1;
        let mut previous = COMMAND
            .try_with(|scope| scope.previous_hash(actual))
            .map_err(|_| unexpected("events appended outside a command"))?
            .map_err(|mismatch| PersistenceError::UnknownError(Box::new(mismatch)))?
            .ok_or_else(|| unexpected("events appended before the stream was loaded"))?;
        events
            .iter()
            .map(|event| {
                let mut metadata = event.metadata.clone();
                let hash = chain::hash(&previous, &link(event, &metadata));
                metadata
                    .as_object_mut()
                    .ok_or_else(|| unexpected("event metadata is not a JSON object"))?
                    .insert("hash".into(), Value::String(hash.clone()));
                previous = hash;
                Ok(SerializedEvent {
                    metadata,
                    ..event.clone()
                })
            })
            .collect()
    }
}

fn link<'a>(event: &'a SerializedEvent, metadata: &'a Value) -> Link<'a> {
    Link {
        aggregate_type: &event.aggregate_type,
        aggregate_id: &event.aggregate_id,
        sequence: event.sequence as i64,
        event_type: &event.event_type,
        event_version: &event.event_version,
        payload: &event.payload,
        metadata,
    }
}

fn unexpected(message: &str) -> PersistenceError {
    PersistenceError::UnknownError(message.into())
}

/// sqlite-es maps only primary-key violations (1555) to a conflict; our events table has a UNIQUE
/// key (2067) because the primary key is the position. BUSY (5, 517) means the writer lock could not
/// be had within the busy timeout: the store is overloaded, not the command wrong.
fn classify_sqlite(err: PersistenceError) -> PersistenceError {
    let PersistenceError::UnknownError(source) = &err else {
        return err;
    };
    let code = source
        .downcast_ref::<sqlx::Error>()
        .and_then(|e| e.as_database_error())
        .and_then(|e| e.code().map(|c| c.into_owned()));
    match code.as_deref() {
        Some("2067") | Some("1555") => PersistenceError::OptimisticLockError,
        Some("5") | Some("517") => match err {
            PersistenceError::UnknownError(source) => PersistenceError::ConnectionError(source),
            other => other,
        },
        _ => err,
    }
}

impl PersistedEventRepository for ChainedRepository {
    async fn get_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        let events = delegate!(self, repo => repo.get_events::<A>(aggregate_id).await)?;
        let seen = COMMAND.try_with(|scope| scope.observe(&events));
        if let Ok(Err(already)) = seen {
            return Err(PersistenceError::UnknownError(Box::new(already)));
        }
        Ok(events)
    }

    /// Only the snapshot path calls this, and the command bus does not snapshot: the command-id
    /// check in [`Self::get_events`] needs the whole stream.
    async fn get_last_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
        last_sequence: usize,
    ) -> Result<Vec<SerializedEvent>, PersistenceError> {
        delegate!(self, repo => repo.get_last_events::<A>(aggregate_id, last_sequence).await)
    }

    async fn get_snapshot<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<Option<SerializedSnapshot>, PersistenceError> {
        delegate!(self, repo => repo.get_snapshot::<A>(aggregate_id).await)
    }

    async fn persist<A: Aggregate>(
        &self,
        events: &[SerializedEvent],
        snapshot_update: Option<(String, Value, usize)>,
    ) -> Result<(), PersistenceError> {
        let chained = self.chain(events)?;
        match &self.inner {
            Inner::Postgres(_, pool) if snapshot_update.is_none() && !chained.is_empty() => {
                let recorded = append::insert(pool, A::TYPE, &chained).await?;
                // Outside a command `chain` has refused already.
                let _ = COMMAND.try_with(|scope| scope.appended(recorded));
                Ok(())
            }
            Inner::Postgres(repo, _) => repo.persist::<A>(&chained, snapshot_update).await,
            Inner::Sqlite(repo) => repo
                .persist::<A>(&chained, snapshot_update)
                .await
                .map_err(classify_sqlite),
        }
    }

    async fn stream_events<A: Aggregate>(
        &self,
        aggregate_id: &str,
    ) -> Result<ReplayStream, PersistenceError> {
        delegate!(self, repo => repo.stream_events::<A>(aggregate_id).await)
    }

    /// Ordered by per-stream sequence, not commit order: use [`Store::read_log`] to catch up.
    async fn stream_all_events<A: Aggregate>(&self) -> Result<ReplayStream, PersistenceError> {
        delegate!(self, repo => repo.stream_all_events::<A>().await)
    }
}
