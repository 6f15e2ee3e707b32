//! How far each read model is behind the log: events not yet applied, and how old the oldest of
//! them is (for `/metrics` and `/health/ready`).

use chrono::{DateTime, Utc};
use shaobao_services::store::{LogPosition, Store, StoreError};

use crate::checkpoint;
use crate::schema::ProjectionName;

#[derive(Debug, Clone, PartialEq)]
pub struct Lag {
    pub projection: ProjectionName,
    pub events: u64,
    /// Since the oldest event not yet applied was recorded; 0 when caught up.
    pub seconds: f64,
}

/// The lag of every read model at `now` (a model never built counts from the start of the log).
pub async fn lags(store: &Store, now: DateTime<Utc>) -> Result<Vec<Lag>, StoreError> {
    let positions = checkpoint::positions(store).await?;
    let mut lags = Vec::new();
    for projection in ProjectionName::ALL {
        let at = positions
            .get(projection.as_str())
            .copied()
            .unwrap_or(LogPosition::START);
        let events = store.count_after(at).await?;
        let seconds = if events == 0 {
            0.0
        } else {
            let oldest = store.read_log(at, 1).await?;
            oldest
                .first()
                .and_then(|event| {
                    event
                        .metadata
                        .get("time")?
                        .as_str()?
                        .parse::<DateTime<Utc>>()
                        .ok()
                })
                .map_or(0.0, |recorded| {
                    (now - recorded).num_milliseconds().max(0) as f64 / 1000.0
                })
        };
        lags.push(Lag {
            projection,
            events,
            seconds,
        });
    }
    Ok(lags)
}
