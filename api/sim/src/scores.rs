//! The units' scores 量化积分 after a run, read back through `/api/v1/scores` for the year the
//! run started in, and where each unit would stand after a whole year at the run's daily rate
//! (below the organisation's floor: no shared resources; above its commendation line: commended).

use serde::Serialize;
use shaobao_domain::community::score::{unit_status, UnitStatus};
use shaobao_domain::org::Scoring;

use super::client::ApiClient;
use super::error::SimError;

/// One unit's points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitScore {
    pub unit: String,
    pub name: String,
    /// Points earned in the run (all in one scoring year).
    pub points: i64,
    /// The same daily rate over 365 days.
    pub per_year: i64,
    /// The standing `per_year` would earn.
    pub status: UnitStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitScores {
    pub year: i32,
    pub scoring: Scoring,
    /// Every unit, most points first.
    pub units: Vec<UnitScore>,
}

impl UnitScores {
    /// Units whose year at this rate falls in `status`.
    pub fn count(&self, status: UnitStatus) -> usize {
        self.units.iter().filter(|u| u.status == status).count()
    }
}

/// Reads the year's unit ranking once the read models include position `wait` (a
/// `&min_position=` suffix, or empty), and projects it over a year from `days` days.
pub(super) async fn read_unit_scores(
    client: &ApiClient,
    token: &str,
    wait: &str,
    year: i32,
    days: u32,
    scoring: Scoring,
) -> Result<UnitScores, SimError> {
    let path = format!("/api/v1/scores?unit=unit&period={year}{wait}");
    let answer = client.read(&path, token).await?;
    let units = answer["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|item| {
            let points = item["points"].as_i64().unwrap_or(0);
            let per_year = points * 365 / i64::from(days.max(1));
            UnitScore {
                unit: item["id"].as_str().unwrap_or("?").to_string(),
                name: item["name"].as_str().unwrap_or("").to_string(),
                points,
                per_year,
                status: unit_status(per_year, &scoring),
            }
        })
        .collect();
    Ok(UnitScores {
        year,
        scoring,
        units,
    })
}
