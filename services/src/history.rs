//! Reading an aggregate back from its stream: now, or as it stood at an earlier version.

use cqrs_es::Aggregate;
use serde::Serialize;

use crate::store::{Store, StoreError};

/// An aggregate rebuilt from its events.
#[derive(Debug, Clone, Serialize)]
pub struct Replayed<A> {
    pub aggregate: A,
    pub version: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A stored event does not decode as this aggregate's event (a bug or foreign data).
    #[error("event {sequence} of {id} does not decode: {source}")]
    Undecodable {
        id: String,
        sequence: i64,
        source: serde_json::Error,
    },
}

/// Replays stream `id` of aggregate `A` up to `version` (inclusive; all when `None`).
pub async fn replay<A: Aggregate>(
    store: &Store,
    id: &str,
    version: Option<i64>,
) -> Result<Option<Replayed<A>>, HistoryError> {
    let events = store.history(A::TYPE, id).await?;
    let mut aggregate = A::default();
    let mut applied = 0;
    for event in events {
        if version.is_some_and(|v| event.sequence > v) {
            break;
        }
        let decoded =
            serde_json::from_value(event.payload).map_err(|source| HistoryError::Undecodable {
                id: id.to_string(),
                sequence: event.sequence,
                source,
            })?;
        aggregate.apply(decoded);
        applied = event.sequence;
    }
    Ok((applied > 0).then_some(Replayed {
        aggregate,
        version: applied,
    }))
}
