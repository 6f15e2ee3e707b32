//! Reading an aggregate back from its stream: now, or as it stood at an earlier version.

use cqrs_es::Aggregate;
use serde::Serialize;

use crate::store::{LoggedEvent, Store, StoreError};

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
    let mut events = store.history(A::TYPE, id).await?;
    if let Some(version) = version {
        events.retain(|event| event.sequence <= version);
    }
    let aggregate = fold_each(id, &events, |_, _: &A| {})?;
    Ok(events.last().map(|last| Replayed {
        aggregate,
        version: last.sequence,
    }))
}

/// Folds one stream's events in order, shows `each` the aggregate after every event (the
/// auditor's view of what each event changed), and returns the result.
pub fn fold_each<A: Aggregate>(
    id: &str,
    events: &[LoggedEvent],
    mut each: impl FnMut(&LoggedEvent, &A),
) -> Result<A, HistoryError> {
    let mut aggregate = A::default();
    for event in events {
        let decoded = serde_json::from_value(event.payload.clone()).map_err(|source| {
            HistoryError::Undecodable {
                id: id.to_string(),
                sequence: event.sequence,
                source,
            }
        })?;
        aggregate.apply(decoded);
        each(event, &aggregate);
    }
    Ok(aggregate)
}
