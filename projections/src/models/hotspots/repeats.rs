//! What the relay publishes on `shaobao.alerts.<street>` when a case brings a cluster to the repeat
//! threshold ([`clusters::raised_by`]); see `shaobao_services::relay::RepeatWarnings`.

use std::time::Duration;

use async_trait::async_trait;
use serde::Serialize;
use shaobao_domain::org::Hotspots;
use shaobao_services::relay::{RepeatWarningError, RepeatWarnings};
use shaobao_services::store::{LogPosition, Store};
use tokio::time::Instant;

use super::clusters::{self, Cluster};
use crate::checkpoint;
use crate::schema::ProjectionName;

/// A repeat warning as published (README "NATS event feed").
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RepeatWarning {
    /// Always `repeat` (deadline alerts on the same subject are event envelopes).
    pub kind: &'static str,
    /// The log position of the `CaseOpened` that raised it.
    pub position: LogPosition,
    /// The case that brought the cluster to the threshold (its newest).
    pub case_id: String,
    pub repeat_threshold: u32,
    pub window_days: u32,
    #[serde(flatten)]
    pub cluster: Cluster,
}

/// How long a decision waits for the hot-spot projection to apply the case before the relay is
/// told to try again.
const CATCH_UP: Duration = Duration::from_secs(2);

/// The hot-spot read model deciding repeat warnings for the relay.
pub struct HotspotRepeatWarnings {
    pub store: Store,
    pub settings: Hotspots,
}

impl HotspotRepeatWarnings {
    async fn caught_up(&self, position: LogPosition) -> Result<(), RepeatWarningError> {
        let until = Instant::now() + CATCH_UP;
        loop {
            let at = checkpoint::load(&self.store, ProjectionName::Hotspots).await?;
            if at.is_some_and(|c| c.position >= position) {
                return Ok(());
            }
            if Instant::now() >= until {
                return Err(RepeatWarningError::NotCaughtUp(position));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

#[async_trait]
impl RepeatWarnings for HotspotRepeatWarnings {
    async fn raised_by(
        &self,
        case_id: &str,
        position: LogPosition,
    ) -> Result<Option<Vec<u8>>, RepeatWarningError> {
        self.caught_up(position).await?;
        let Some(cluster) = clusters::raised_by(&self.store, &self.settings, case_id).await? else {
            return Ok(None);
        };
        let warning = RepeatWarning {
            kind: "repeat",
            position,
            case_id: case_id.to_string(),
            repeat_threshold: self.settings.repeat_threshold,
            window_days: self.settings.window_days,
            cluster,
        };
        Ok(Some(serde_json::to_vec(&warning)?))
    }
}
