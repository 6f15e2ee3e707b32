//! The command path: run a command against an aggregate with optimistic concurrency, retrying on
//! fresh state when another writer got there first, and idempotently by command id.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::time::Duration;

use cqrs_es::persist::PersistedEventStore;
use cqrs_es::{Aggregate, AggregateError, CqrsFramework};
use rand::Rng;
use serde::Serialize;
use thiserror::Error;
use tokio::sync::Mutex;

use crate::store::{
    AlreadyRecorded, ChainedRepository, CommandScope, LogPosition, RecordedCommand, Store,
    StoreError, VersionMismatch, COMMAND,
};

/// Who sent a command and why, recorded in every event it produces (DESIGN §3).
#[derive(Debug, Clone, Serialize)]
pub struct CommandMeta {
    /// The idempotency key: a repeat with the same id returns the first outcome.
    pub command_id: String,
    pub correlation_id: String,
    /// The actor, serialized (role and scope).
    pub actor: String,
    /// When the command was accepted, RFC 3339.
    pub time: String,
    /// Fingerprint of the request, so a reused key with a different request is refused.
    pub request_hash: String,
    /// `If-Match`: the stream version the client decided on; not stored.
    #[serde(skip)]
    pub expected_version: Option<i64>,
    /// Whether `command_id` comes from the client's idempotency key (and so may be reused by
    /// mistake on another stream) rather than made up for this request.
    #[serde(skip)]
    pub keyed: bool,
}

impl CommandMeta {
    fn to_metadata(&self) -> HashMap<String, String> {
        HashMap::from([
            ("command_id".into(), self.command_id.clone()),
            ("correlation_id".into(), self.correlation_id.clone()),
            ("actor".into(), self.actor.clone()),
            ("time".into(), self.time.clone()),
            ("request_hash".into(), self.request_hash.clone()),
        ])
    }
}

/// What a successful (or repeated) command answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CommandOutcome {
    pub aggregate_id: String,
    /// The stream's version after the command.
    pub version: i64,
    /// Read-your-writes token: the log position of the command's last event.
    pub position: LogPosition,
    /// True when this answers a repeat of an earlier command.
    #[serde(skip)]
    pub repeated: bool,
}

#[derive(Debug, Error)]
pub enum CommandError<E: std::error::Error> {
    /// The aggregate refused the command.
    #[error(transparent)]
    Domain(E),
    /// Other writers kept winning the race for this stream; the client may try again.
    #[error("the case was changed concurrently {attempts} times in a row; try again")]
    Conflict { attempts: u32 },
    /// The command id was already used for a different request.
    #[error("idempotency key {0:?} was already used for a different request")]
    KeyReused(String),
    /// `If-Match` named another version than the stream has.
    #[error("the case is at version {actual}, not {expected}")]
    VersionMismatch { expected: i64, actual: i64 },
    /// The store cannot be reached or is overloaded.
    #[error("event store unavailable: {0}")]
    Unavailable(String),
    /// A stored event could not be read back, or the store failed unexpectedly.
    #[error("event store failure: {0}")]
    Store(String),
}

impl<E: std::error::Error> From<StoreError> for CommandError<E> {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(_) => CommandError::Unavailable(err.to_string()),
            other => CommandError::Store(other.to_string()),
        }
    }
}

/// Runs commands for one aggregate type.
pub struct CommandBus<A: Aggregate> {
    cqrs: CqrsFramework<A, PersistedEventStore<ChainedRepository, A>>,
    store: Store,
    max_attempts: u32,
    /// Commands on one stream queue here instead of racing each other to a conflict; only writers
    /// in other processes still conflict. Sharded by stream id to keep the table small.
    stream_locks: Vec<Mutex<()>>,
}

const STREAM_LOCK_SHARDS: usize = 256;

/// Attempts before a command gives up with [`CommandError::Conflict`]. Sixteen writers on one case
/// settle well within this with the jittered back-off below.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 40;

impl<A> CommandBus<A>
where
    A: Aggregate,
    A::Command: Clone,
{
    pub fn new(store: Store, services: A::Services) -> Self {
        let repo = ChainedRepository::new(&store);
        let cqrs = CqrsFramework::new(PersistedEventStore::new_event_store(repo), vec![], services);
        CommandBus {
            cqrs,
            store,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            stream_locks: (0..STREAM_LOCK_SHARDS).map(|_| Mutex::new(())).collect(),
        }
    }

    pub fn with_max_attempts(self, max_attempts: u32) -> Self {
        CommandBus {
            max_attempts,
            ..self
        }
    }

    /// Executes `command` on stream `id`. A command id already recorded on this stream answers with
    /// the first outcome and appends nothing; a conflict reloads the stream and decides again.
    pub async fn execute(
        &self,
        id: &str,
        command: A::Command,
        meta: &CommandMeta,
    ) -> Result<CommandOutcome, CommandError<A::Error>> {
        let _queued = self.stream_lock(id).lock().await;
        self.refuse_key_of_another_stream(id, meta).await?;
        for attempt in 0..self.max_attempts {
            // The scope carries the command id, `If-Match` and (once the repository has loaded
            // the stream) the hash to chain on, into the repository cqrs-es calls.
            let scope = CommandScope::new(&meta.command_id, meta.expected_version);
            let run = async {
                let result = self
                    .cqrs
                    .execute_with_metadata(id, command.clone(), meta.to_metadata())
                    .await;
                (result, COMMAND.with(CommandScope::take_appended))
            };
            let (result, appended) = COMMAND.scope(scope, run).await;
            match Attempt::of(result) {
                Attempt::Appended => match appended {
                    Some(recorded) => return Ok(outcome(id, recorded, false)),
                    None => return self.outcome(id, meta, false).await,
                },
                Attempt::Repeated => return self.outcome(id, meta, true).await,
                Attempt::Raced => back_off(attempt).await,
                Attempt::Failed(error) => return Err(error),
            }
        }
        Err(CommandError::Conflict {
            attempts: self.max_attempts,
        })
    }

    /// A client's key already spent on another stream is a reused key, whatever the request.
    async fn refuse_key_of_another_stream(
        &self,
        id: &str,
        meta: &CommandMeta,
    ) -> Result<(), CommandError<A::Error>> {
        if !meta.keyed {
            return Ok(());
        }
        match self.store.stream_of_command(&meta.command_id).await? {
            Some((kind, other)) if kind != A::TYPE || other != id => {
                Err(CommandError::KeyReused(meta.command_id.clone()))
            }
            _ => Ok(()),
        }
    }

    fn stream_lock(&self, id: &str) -> &Mutex<()> {
        let mut hasher = std::hash::DefaultHasher::new();
        id.hash(&mut hasher);
        &self.stream_locks[hasher.finish() as usize % self.stream_locks.len()]
    }

    /// Where the command `meta` names left the stream, as the log tells: just now (when the
    /// append did not say), or (`repeated`) the first time.
    async fn outcome(
        &self,
        id: &str,
        meta: &CommandMeta,
        repeated: bool,
    ) -> Result<CommandOutcome, CommandError<A::Error>> {
        let recorded = self
            .store
            .recorded_command(A::TYPE, id, &meta.command_id)
            .await?
            .ok_or_else(|| CommandError::Store("command recorded no events".into()))?;
        if recorded.request_hash.as_deref() != Some(meta.request_hash.as_str()) {
            return Err(CommandError::KeyReused(meta.command_id.clone()));
        }
        Ok(outcome(id, recorded, repeated))
    }
}

fn outcome(id: &str, recorded: RecordedCommand, repeated: bool) -> CommandOutcome {
    CommandOutcome {
        aggregate_id: id.to_string(),
        version: recorded.version,
        position: recorded.position,
        repeated,
    }
}

/// What one attempt at a command came to, read from what cqrs-es returned: the repository
/// reports a repeat ([`AlreadyRecorded`]) and a failed `If-Match` ([`VersionMismatch`]) as
/// "unexpected" errors of its own, which are told apart here.
enum Attempt<E: std::error::Error> {
    /// The events were appended.
    Appended,
    /// The stream already holds this command's events: answer with the first outcome.
    Repeated,
    /// Another writer appended first: decide again on fresh state.
    Raced,
    Failed(CommandError<E>),
}

impl<E: std::error::Error> Attempt<E> {
    fn of(result: Result<(), AggregateError<E>>) -> Self {
        match result {
            Ok(()) => Attempt::Appended,
            Err(AggregateError::AggregateConflict) => Attempt::Raced,
            Err(AggregateError::UserError(e)) => Attempt::Failed(CommandError::Domain(e)),
            Err(AggregateError::DatabaseConnectionError(e)) => {
                Attempt::Failed(CommandError::Unavailable(e.to_string()))
            }
            Err(AggregateError::UnexpectedError(e)) => {
                if e.downcast_ref::<AlreadyRecorded>().is_some() {
                    return Attempt::Repeated;
                }
                if let Some(m) = e.downcast_ref::<VersionMismatch>() {
                    return Attempt::Failed(CommandError::VersionMismatch {
                        expected: m.expected,
                        actual: m.actual,
                    });
                }
                Attempt::Failed(store_failure(e))
            }
            Err(other) => Attempt::Failed(CommandError::Store(other.to_string())),
        }
    }
}

/// Jittered exponential back-off, capped at ~30 ms, so racing writers spread out.
async fn back_off(attempt: u32) {
    let ceiling = 1u64 << attempt.min(5);
    let millis = rand::thread_rng().gen_range(0..=ceiling);
    tokio::time::sleep(Duration::from_millis(millis)).await;
}

/// A failure of the store under the framework: unreachable (503, try again) or anything else.
fn store_failure<E: std::error::Error>(
    error: Box<dyn std::error::Error + Send + Sync>,
) -> CommandError<E> {
    let error = match error.downcast::<StoreError>() {
        Ok(store) => return (*store).into(),
        Err(other) => other,
    };
    match error.downcast::<sqlx::Error>() {
        Ok(sqlx) => StoreError::from(*sqlx).into(),
        Err(other) => CommandError::Store(other.to_string()),
    }
}
