//! The outcome of a simulation: what the clients saw (from the tally), and what the read models
//! say (case states from the case search, the 三率 from `/api/v1/stats`), read back through the
//! API after waiting for the projections to include the last write.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::client::ApiClient;
use super::error::SimError;
use super::scores::UnitScores;
use super::tally::Tally;

#[derive(Debug, Clone, Serialize)]
pub struct SimReport {
    pub seed: u64,
    pub days: u32,
    pub cases_per_day: u32,
    pub concurrency: usize,
    pub sla_scale: f64,
    pub backend: String,
    pub virtual_start: DateTime<Utc>,
    pub virtual_end: DateTime<Utc>,
    pub real_seconds: f64,
    pub planned_steps: u64,
    pub requests: u64,
    pub retries: u64,
    /// Cases opened (by the hotline, grid workers, service halls and visit findings).
    pub cases_opened: u64,
    /// Requests answered as planned, by step label ("dispatch", "return-approved"…).
    pub succeeded: BTreeMap<String, u64>,
    pub expected_refusals: u64,
    /// Every other answer by status (0: no answer).
    pub unexpected: BTreeMap<u16, u64>,
    pub failures: Vec<String>,
    pub skipped_steps: u64,
    /// Cases in the case search, and how many are in each state.
    pub cases: u64,
    pub states: BTreeMap<String, u64>,
    pub median_dispatch_minutes: Option<f64>,
    /// `/api/v1/stats?group_by=street` rows of every month the simulation opened cases in.
    pub streets: Vec<Value>,
    pub district: DistrictRates,
    /// Community mobilisation: the units' points for the year, and where they would stand.
    pub unit_scores: UnitScores,
    /// The finder and the hot spots on planted repeat clusters (ground truth).
    pub planted: super::planted::PlantedReport,
}

/// The 三率 over the whole district, from the street rows.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct DistrictRates {
    /// Street response rates weighted by dispatched cases (the rows do not carry the exact
    /// denominator; once every contact deadline has passed it is the dispatched count).
    pub response_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub composite_score: Option<f64>,
}

/// What the read models say after the run.
pub(super) struct ReadBack {
    pub cases: u64,
    pub states: BTreeMap<String, u64>,
    pub streets: Vec<Value>,
}

/// Reads case states and street statistics once the read models include `tally`'s last write.
pub(super) async fn read_back(
    client: &ApiClient,
    token: &str,
    tally: &Tally,
    months: &[String],
) -> Result<ReadBack, SimError> {
    let wait = tally
        .last_position
        .map_or(String::new(), |p| format!("&min_position={p}"));
    let (mut cases, mut states, mut page) = (0, BTreeMap::new(), None::<String>);
    loop {
        let after = page
            .as_ref()
            .map_or(String::new(), |p| format!("&page={p}"));
        let found = client
            .read(&format!("/api/v1/cases?limit=500{wait}{after}"), token)
            .await?;
        for item in found["items"].as_array().into_iter().flatten() {
            let state = item["state"].as_str().unwrap_or("unknown").to_string();
            *states.entry(state).or_insert(0) += 1;
            cases += 1;
        }
        match found["next"].as_str() {
            Some(next) => page = Some(next.to_string()),
            None => break,
        }
    }
    let mut streets = Vec::new();
    for month in months {
        let path = format!("/api/v1/stats?group_by=street&month={month}{wait}");
        let rows = client.read(&path, token).await?;
        streets.extend(rows["items"].as_array().cloned().unwrap_or_default());
    }
    Ok(ReadBack {
        cases,
        states,
        streets,
    })
}

impl SimReport {
    /// Answers that were neither the planned success nor an expected 409.
    pub fn unexpected_errors(&self) -> u64 {
        self.unexpected.values().sum()
    }

    pub fn count(&self, label: &str) -> u64 {
        self.succeeded.get(label).copied().unwrap_or_default()
    }

    /// Consultations answered at intake ÷ cases opened.
    pub fn consultation_share(&self) -> f64 {
        ratio(self.count("answer"), self.cases_opened).unwrap_or(0.0)
    }

    /// `part ÷ dispatched cases`.
    pub fn per_dispatch(&self, label: &str) -> Option<f64> {
        ratio(self.count(label), self.count("dispatch"))
    }
}

pub fn ratio(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// District rates from street rows: resolution and satisfaction exactly from their counts, the
/// response rate weighted by dispatched cases, the composite with DESIGN §4's default weights.
pub fn district_rates(rows: &[Value]) -> DistrictRates {
    let sum = |field: &str| -> f64 { rows.iter().filter_map(|r| r[field].as_f64()).sum() };
    let reached = sum("callbacks_reached");
    let weighted: f64 = rows
        .iter()
        .filter_map(|r| Some(r["response_rate"].as_f64()? * r["dispatched"].as_f64()?))
        .sum();
    let with_rate: f64 = rows
        .iter()
        .filter(|r| r["response_rate"].is_number())
        .filter_map(|r| r["dispatched"].as_f64())
        .sum();
    let share =
        |numerator: f64, denominator: f64| (denominator > 0.0).then(|| numerator / denominator);
    let response_rate = share(weighted, with_rate);
    let resolution_rate = share(sum("resolved"), reached);
    let satisfaction_rate = share(sum("satisfied") + 0.8 * sum("basically_satisfied"), reached);
    let composite_score = match (response_rate, resolution_rate, satisfaction_rate) {
        (Some(r), Some(s), Some(t)) => Some(100.0 * (0.10 * r + 0.45 * s + 0.45 * t)),
        _ => None,
    };
    DistrictRates {
        response_rate,
        resolution_rate,
        satisfaction_rate,
        composite_score,
    }
}

/// The median of `values` (nearest rank), `None` when empty.
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len().saturating_sub(1) / 2).copied()
}
