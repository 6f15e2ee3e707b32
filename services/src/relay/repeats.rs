//! Repeat warnings 高频诉求预警 on `shaobao.alerts.<street>` (DESIGN §4, §6). Whether a case raises
//! one is for the hot-spot read model to say (in `shaobao_projections`); the relay publishes it
//! right after that case's `CaseOpened`, so a warning follows the log like every other message:
//! in log order, once (`Nats-Msg-Id` `<case>:1:repeat`), from where the stream ends after a
//! restart, by the one process that holds the relay lease, and never in a command's way.

use async_trait::async_trait;

use crate::store::{LogPosition, StoreError};

/// A case as its `CaseOpened` stands in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedCase {
    pub case_id: String,
    /// The position of its `CaseOpened`.
    pub position: LogPosition,
}

/// Decides the repeat warnings newly opened cases raise.
#[async_trait]
pub trait RepeatWarnings: Send + Sync {
    /// For each of `opened` (in log order, as one page of the log brings them), the warning's
    /// JSON (carrying `position`, as every relayed message does) if that case brings a cluster to
    /// the repeat threshold. Asked a page at a time: a question per case cost the relay a round
    /// trip to the database per case opened, which under load made it fall minutes behind.
    async fn raised_by(
        &self,
        opened: &[OpenedCase],
    ) -> Result<Vec<Option<Vec<u8>>>, RepeatWarningError>;
}

#[derive(Debug, thiserror::Error)]
pub enum RepeatWarningError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The read model the decision rests on has not applied the case yet: the relay tries again.
    #[error("the hot-spot read model has not reached {0} yet")]
    NotCaughtUp(LogPosition),
    #[error("a repeat warning cannot be encoded: {0}")]
    Encode(#[from] serde_json::Error),
}
