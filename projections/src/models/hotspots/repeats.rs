//! Repeat warnings: what the relay publishes on `shaobao.alerts.<street>` when a case brings a
//! cluster to the repeat threshold ([`raised_by`]); see `shaobao_services::relay::RepeatWarnings`.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Duration as Span;
use serde::Serialize;
use shaobao_domain::org::Hotspots;
use shaobao_services::relay::{OpenedCase, RepeatWarningError, RepeatWarnings};
use shaobao_services::store::{LogPosition, Store, StoreError};
use tokio::time::Instant;

use super::clusters::{group, rows_of_pairs, Cluster, Row};
use super::CASES;
use crate::checkpoint;
use crate::schema::ProjectionName;
use crate::sql::{fetch, placeholders, ColType::*, Fields, Statement, Value};
use crate::time::from_ns;

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

/// How long a decision waits for the hot-spot projection to apply the cases before the relay is
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
        opened: &[OpenedCase],
    ) -> Result<Vec<Option<Vec<u8>>>, RepeatWarningError> {
        let Some(last) = opened.iter().map(|case| case.position).max() else {
            return Ok(Vec::new());
        };
        self.caught_up(last).await?;
        let ids: Vec<&str> = opened.iter().map(|case| case.case_id.as_str()).collect();
        let clusters = raised_by(&self.store, &self.settings, &ids).await?;
        opened
            .iter()
            .zip(clusters)
            .map(|(case, cluster)| {
                let Some(cluster) = cluster else {
                    return Ok(None);
                };
                let warning = RepeatWarning {
                    kind: "repeat",
                    position: case.position,
                    case_id: case.case_id.clone(),
                    repeat_threshold: self.settings.repeat_threshold,
                    window_days: self.settings.window_days,
                    cluster,
                };
                Ok(Some(serde_json::to_vec(&warning)?))
            })
            .collect()
    }
}

/// The repeat warning each of `case_ids` raises, in their order: the cluster the case joins among
/// the cases of its street and category opened up to it within the window, if that cluster
/// reaches the repeat threshold and no part of it did without the case. A cluster that stays above
/// the threshold warns once; one that falls below as the window moves on warns again when it
/// reaches it anew. `None` for a case the read model does not hold. Two reads of the read model
/// whatever the number of cases.
pub async fn raised_by(
    store: &Store,
    settings: &Hotspots,
    case_ids: &[&str],
) -> Result<Vec<Option<Cluster>>, StoreError> {
    if case_ids.is_empty() {
        return Ok(Vec::new());
    }
    let opened = opened_cases(store, case_ids).await?;
    let (Some(first), Some(last)) = (
        opened.values().map(|o| o.opened_ns).min(),
        opened.values().map(|o| o.opened_ns).max(),
    ) else {
        return Ok(vec![None; case_ids.len()]);
    };
    let window = Span::days(i64::from(settings.window_days));
    let pairs: Vec<(String, String)> = opened
        .values()
        .map(|o| (o.street.clone(), o.category.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let found = rows_of_pairs(store, &pairs, from_ns(first) - window, from_ns(last + 1)).await?;
    let mut by_pair: HashMap<(&str, &str), Vec<&Row>> = HashMap::new();
    for row in &found {
        by_pair
            .entry((&row.street, &row.category))
            .or_default()
            .push(row);
    }
    Ok(case_ids
        .iter()
        .map(|id| {
            let case = opened.get(*id)?;
            let rows = by_pair.get(&(case.street.as_str(), case.category.as_str()))?;
            joined_at_threshold(rows, id, from_ns(case.opened_ns) - window, settings)
        })
        .collect())
}

/// The cluster case `case_id` brings to the threshold among `rows` (its street and category, by
/// (opened, case id)) opened from `from` up to it.
fn joined_at_threshold(
    rows: &[&Row],
    case_id: &str,
    from: chrono::DateTime<chrono::Utc>,
    settings: &Hotspots,
) -> Option<Cluster> {
    let start = rows.partition_point(|r| r.opened_at < from);
    // Rows come by (opened, case id): a case opened at the same instant after this one is later.
    let own = start + rows[start..].iter().position(|r| r.case_id == case_id)?;
    let mut found: Vec<Row> = rows[start..=own].iter().map(|r| (*r).clone()).collect();
    let threshold = settings.repeat_threshold as usize;
    let joined = group(&found, settings.radius_m)
        .into_iter()
        .find(|c| c.count >= threshold && c.case_ids.iter().any(|id| id == case_id))?;
    found.retain(|r| r.case_id != case_id);
    let warned_before = group(&found, settings.radius_m)
        .into_iter()
        .any(|c| c.count >= threshold && c.case_ids.iter().any(|id| joined.case_ids.contains(id)));
    (!warned_before).then_some(joined)
}

/// Where and when each of `case_ids` was opened, as the read model holds it.
struct Opened {
    street: String,
    category: String,
    opened_ns: i64,
}

async fn opened_cases(
    store: &Store,
    case_ids: &[&str],
) -> Result<HashMap<String, Opened>, StoreError> {
    let query = Statement::new(
        format!(
            "SELECT case_id, street, category, opened_ns FROM {} WHERE case_id IN ({})",
            CASES.name,
            placeholders(1, case_ids.len())
        ),
        case_ids.iter().map(|id| Value::text(*id)).collect(),
    );
    Ok(fetch(store, &query, &[Text, Text, Text, Int])
        .await?
        .into_iter()
        .filter_map(|row| {
            let mut f = Fields::new(row);
            let case_id = f.text()?;
            let opened = Opened {
                street: f.text().unwrap_or_default(),
                category: f.text().unwrap_or_default(),
                opened_ns: f.int().unwrap_or(0),
            };
            Some((case_id, opened))
        })
        .collect())
}
