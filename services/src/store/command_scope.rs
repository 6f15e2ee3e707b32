//! What the repository learns about the running command while cqrs-es loads its stream.
//!
//! The command bus runs each attempt inside [`COMMAND`]. Loading the stream then tells us, from
//! the very events the decision will be based on, whether this command id already wrote to it (a
//! repeat: stop and answer with the first outcome) and the hash to chain the new events on. A twin
//! request that commits after our load takes the sequence we want, so our insert conflicts and the
//! retry's load sees it: no separate look-ups before or after, and no window between them.

use std::sync::Mutex;

use cqrs_es::persist::SerializedEvent;

use super::heads::RecordedCommand;

tokio::task_local! {
    pub static COMMAND: CommandScope;
}

/// The running command, and what its load saw.
pub struct CommandScope {
    command_id: String,
    /// `If-Match`: the version the client decided on.
    expected_version: Option<i64>,
    /// The hash of the last loaded event (the genesis hash for an empty stream).
    loaded_tip: Mutex<Option<String>>,
    /// Where the append put the events, when the store said so (PostgreSQL): the outcome then
    /// needs no look-up.
    appended: Mutex<Option<RecordedCommand>>,
}

/// The loaded stream already holds this command's events.
#[derive(Debug, thiserror::Error)]
#[error("command {0} is already recorded on this stream")]
pub struct AlreadyRecorded(pub String);

/// `If-Match` named another version than the stream has.
#[derive(Debug, thiserror::Error)]
#[error("stream is at version {actual}, expected {expected}")]
pub struct VersionMismatch {
    pub expected: i64,
    pub actual: i64,
}

impl CommandScope {
    pub fn new(command_id: &str, expected_version: Option<i64>) -> Self {
        CommandScope {
            command_id: command_id.to_string(),
            expected_version,
            loaded_tip: Mutex::new(None),
            appended: Mutex::new(None),
        }
    }

    /// Checks a freshly loaded (whole) stream for this command and remembers its tip.
    pub(super) fn observe(&self, events: &[SerializedEvent]) -> Result<(), AlreadyRecorded> {
        let recorded = events
            .iter()
            .any(|e| e.metadata["command_id"].as_str() == Some(self.command_id.as_str()));
        if recorded {
            return Err(AlreadyRecorded(self.command_id.clone()));
        }
        let tip = match events.last() {
            Some(last) => last.metadata["hash"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            None => super::chain::GENESIS.to_string(),
        };
        *self.loaded_tip.lock().expect("scope poisoned") = Some(tip);
        Ok(())
    }

    /// The hash to chain on when appending after version `actual`, after checking `If-Match`.
    pub(super) fn previous_hash(&self, actual: i64) -> Result<Option<String>, VersionMismatch> {
        if let Some(expected) = self.expected_version.filter(|e| *e != actual) {
            return Err(VersionMismatch { expected, actual });
        }
        Ok(self.loaded_tip.lock().expect("scope poisoned").clone())
    }

    pub(super) fn appended(&self, recorded: RecordedCommand) {
        *self.appended.lock().expect("scope poisoned") = Some(recorded);
    }

    /// Where this attempt's append put the events, if the store told.
    pub fn take_appended(&self) -> Option<RecordedCommand> {
        self.appended.lock().expect("scope poisoned").take()
    }
}
