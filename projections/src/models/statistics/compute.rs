//! The DESIGN §4 figures for one month, grouped by street, department or category, and the
//! monthly rankings 亮榜 by composite score. Excluded cases are left out of everything.
//!
//! "On time" rates share one rule: a clock counts once it was met or its due time has passed
//! (by `now`), and counts as on time when met no later than due. That is the response rate for
//! the contact clock, and likewise sign, resolution and (per department) report-in.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_services::store::{Store, StoreError};

use super::{CASES, SUMMONS};
use crate::sql::{fetch, ColType, Fields, Statement, Value};
use crate::time::to_ns;

/// Composite weights (DESIGN §4 defaults): 100 × (0.10 response + 0.45 resolution + 0.45
/// satisfaction), a basically satisfied requester counting 0.8 of a satisfied one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, serde::Deserialize)]
pub struct Weights {
    pub response: f64,
    pub resolution: f64,
    pub satisfaction: f64,
    pub basically_satisfied: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            response: 0.10,
            resolution: 0.45,
            satisfaction: 0.45,
            basically_satisfied: 0.8,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Street,
    /// The handling department and every department summoned by a whistle.
    Department,
    Category,
}

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("month must be YYYY-MM, not {0:?}")]
    BadMonth(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One group's figures. Rates are fractions in [0, 1], null when nothing counts yet.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub month: String,
    /// Cases opened in the month (not excluded, not proactive), dispatched among them.
    pub cases: u64,
    /// Of `cases`, duplicates merged into another case: volume, in no rate (their primary is).
    pub duplicates: u64,
    /// 主动治理 proactive cases opened in the month, counted only here.
    pub proactive: u64,
    pub dispatched: u64,
    /// Cases whose last callback reached the requester; of those resolved, satisfied, basically.
    pub callbacks_reached: u64,
    pub resolved: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub response_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    pub composite_score: Option<f64>,
    pub on_time_sign_rate: Option<f64>,
    pub on_time_resolution_rate: Option<f64>,
    pub return_rate: Option<f64>,
    pub reopen_rate: Option<f64>,
    pub whistle_rate: Option<f64>,
    /// Department grouping only: summons reported in on time, and the mean street rating
    /// (good 1, fair 0.5, poor 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_report_in_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_rating: Option<f64>,
    /// Seconds from first dispatch to resolution and from opening to closing (nearest rank).
    pub median_resolve_seconds: Option<i64>,
    pub p90_resolve_seconds: Option<i64>,
    pub median_close_seconds: Option<i64>,
    pub p90_close_seconds: Option<i64>,
}

/// A clock's due and met instants (ns).
type ClockFacts = (Option<i64>, Option<i64>);

struct CaseFacts {
    kind: String,
    street: String,
    category: String,
    departments: Vec<String>,
    dispatched: bool,
    sign: ClockFacts,
    contact: ClockFacts,
    resolve: ClockFacts,
    returned: bool,
    reopened: bool,
    whistled: bool,
    callback_reached: Option<bool>,
    callback_resolved: Option<bool>,
    satisfaction: Option<String>,
    resolve_seconds: Option<i64>,
    close_seconds: Option<i64>,
}

/// A rate's numerator and denominator.
#[derive(Default, Clone, Copy)]
struct Ratio(u64, u64);

impl Ratio {
    fn count(&mut self, counts: bool, hit: bool) {
        if counts {
            self.1 += 1;
            self.0 += u64::from(hit);
        }
    }

    /// An on-time clock: counts once met or past due, on time when met by its due time.
    fn clock(&mut self, (due, met): ClockFacts, now: i64) {
        if let Some(due) = due {
            self.count(met.is_some() || due < now, met.is_some_and(|m| m <= due));
        }
    }

    fn rate(self) -> Option<f64> {
        (self.1 > 0).then(|| self.0 as f64 / self.1 as f64)
    }
}

#[derive(Default)]
struct Group {
    row: StatsRow,
    response: Ratio,
    sign: Ratio,
    resolution_on_time: Ratio,
    returns: Ratio,
    reopens: Ratio,
    whistles: Ratio,
    report_in: Ratio,
    ratings: Vec<f64>,
    resolve_seconds: Vec<i64>,
    close_seconds: Vec<i64>,
}

impl Group {
    fn add(&mut self, case: &CaseFacts, now: i64) {
        let row = &mut self.row;
        match case.kind.as_str() {
            "proactive" => {
                row.proactive += 1;
                return;
            }
            "duplicate" => {
                row.cases += 1;
                row.duplicates += 1;
                return;
            }
            _ => row.cases += 1,
        }
        if !case.dispatched {
            return;
        }
        row.dispatched += 1;
        self.response.clock(case.contact, now);
        self.sign.clock(case.sign, now);
        self.resolution_on_time.clock(case.resolve, now);
        self.returns.count(true, case.returned);
        self.reopens.count(true, case.reopened);
        self.whistles.count(true, case.whistled);
        if case.callback_reached == Some(true) {
            row.callbacks_reached += 1;
            row.resolved += u64::from(case.callback_resolved == Some(true));
            match case.satisfaction.as_deref() {
                Some("satisfied") => row.satisfied += 1,
                Some("basically_satisfied") => row.basically_satisfied += 1,
                _ => {}
            }
        }
        self.resolve_seconds.extend(case.resolve_seconds);
        self.close_seconds.extend(case.close_seconds);
    }

    fn finish(mut self, weights: &Weights, by_department: bool) -> StatsRow {
        let row = &mut self.row;
        let reached = row.callbacks_reached as f64;
        row.response_rate = self.response.rate();
        row.resolution_rate = (reached > 0.0).then(|| row.resolved as f64 / reached);
        row.satisfaction_rate = (reached > 0.0).then(|| {
            (row.satisfied as f64 + weights.basically_satisfied * row.basically_satisfied as f64)
                / reached
        });
        row.composite_score = match (
            row.response_rate,
            row.resolution_rate,
            row.satisfaction_rate,
        ) {
            (Some(r), Some(s), Some(sat)) => Some(
                100.0
                    * (weights.response * r + weights.resolution * s + weights.satisfaction * sat),
            ),
            _ => None,
        };
        row.on_time_sign_rate = self.sign.rate();
        row.on_time_resolution_rate = self.resolution_on_time.rate();
        row.return_rate = self.returns.rate();
        row.reopen_rate = self.reopens.rate();
        row.whistle_rate = self.whistles.rate();
        if by_department {
            row.on_time_report_in_rate = self.report_in.rate();
            row.mean_rating = (!self.ratings.is_empty())
                .then(|| self.ratings.iter().sum::<f64>() / self.ratings.len() as f64);
        }
        (row.median_resolve_seconds, row.p90_resolve_seconds) =
            percentiles(&mut self.resolve_seconds);
        (row.median_close_seconds, row.p90_close_seconds) = percentiles(&mut self.close_seconds);
        self.row
    }
}

/// Median and 90th percentile by nearest rank: the smallest value with at least that share of
/// the values at or below it.
fn percentiles(values: &mut [i64]) -> (Option<i64>, Option<i64>) {
    values.sort_unstable();
    let rank = |p: f64| {
        let n = values.len();
        (n > 0).then(|| values[((p * n as f64).ceil() as usize).clamp(1, n) - 1])
    };
    (rank(0.5), rank(0.9))
}

fn check_month(month: &str) -> Result<(), StatsError> {
    let ok = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_ok();
    ok.then_some(())
        .ok_or_else(|| StatsError::BadMonth(month.to_string()))
}

async fn load_cases(store: &Store, month: &str) -> Result<Vec<CaseFacts>, StatsError> {
    use ColType::*;
    let sql = format!(
        "SELECT kind, street, category, department, summoned, dispatched, sign_due_ns, sign_met_ns,
                contact_due_ns, contact_met_ns, resolve_due_ns, resolve_met_ns, returned, reopened,
                whistled, callback_reached, callback_resolved, satisfaction, resolve_seconds,
                close_seconds
         FROM {} WHERE month = $1 AND excluded = 0",
        CASES.name
    );
    let types = [
        Text, Text, Text, Text, Text, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int,
        Text, Int, Int,
    ];
    let rows = fetch(
        store,
        &Statement::new(sql, vec![Value::text(month)]),
        &types,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            let kind = f.text().unwrap_or_default();
            let street = f.text().unwrap_or_default();
            let category = f.text().unwrap_or_default();
            let mut departments: Vec<String> = f.text().into_iter().collect();
            for summoned in f
                .text()
                .unwrap_or_default()
                .split('|')
                .filter(|d| !d.is_empty())
            {
                if !departments.iter().any(|d| d == summoned) {
                    departments.push(summoned.to_string());
                }
            }
            CaseFacts {
                kind,
                street,
                category,
                departments,
                dispatched: f.int() == Some(1),
                sign: (f.int(), f.int()),
                contact: (f.int(), f.int()),
                resolve: (f.int(), f.int()),
                returned: f.int() == Some(1),
                reopened: f.int() == Some(1),
                whistled: f.int() == Some(1),
                callback_reached: f.int().map(|v| v == 1),
                callback_resolved: f.int().map(|v| v == 1),
                satisfaction: f.text(),
                resolve_seconds: f.int(),
                close_seconds: f.int(),
            }
        })
        .collect())
}

/// The month's figures per group, ordered by group key. `now` decides which clocks have run out.
pub async fn statistics(
    store: &Store,
    group_by: GroupBy,
    month: &str,
    now: DateTime<Utc>,
    weights: &Weights,
) -> Result<Vec<StatsRow>, StatsError> {
    check_month(month)?;
    let now = to_ns(now);
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    for case in load_cases(store, month).await? {
        let keys = match group_by {
            GroupBy::Street => vec![case.street.clone()],
            GroupBy::Category => vec![case.category.clone()],
            GroupBy::Department => case.departments.clone(),
        };
        for key in keys {
            groups.entry(key).or_default().add(&case, now);
        }
    }
    if group_by == GroupBy::Department {
        add_summons(store, month, now, &mut groups).await?;
    }
    Ok(groups
        .into_iter()
        .map(|(key, group)| {
            let mut row = group.finish(weights, group_by == GroupBy::Department);
            row.month = month.to_string();
            match group_by {
                GroupBy::Street => row.street = Some(key),
                GroupBy::Department => row.department = Some(key),
                GroupBy::Category => row.category = Some(key),
            }
            row
        })
        .collect())
}

/// The month's figures for the whole district (every case row together).
pub async fn district_total(
    store: &Store,
    month: &str,
    now: DateTime<Utc>,
    weights: &Weights,
) -> Result<StatsRow, StatsError> {
    check_month(month)?;
    let now = to_ns(now);
    let mut group = Group::default();
    for case in load_cases(store, month).await? {
        group.add(&case, now);
    }
    let mut row = group.finish(weights, false);
    row.month = month.to_string();
    Ok(row)
}

/// Per department: report-in punctuality and the street's ratings, from the summons facts.
async fn add_summons(
    store: &Store,
    month: &str,
    now: i64,
    groups: &mut BTreeMap<String, Group>,
) -> Result<(), StatsError> {
    use ColType::*;
    let sql = format!(
        "SELECT department, due_ns, reported_ns, rating FROM {} WHERE month = $1 AND excluded = 0",
        SUMMONS.name
    );
    let rows = fetch(
        store,
        &Statement::new(sql, vec![Value::text(month)]),
        &[Text, Int, Int, Text],
    )
    .await?;
    for row in rows {
        let mut f = Fields::new(row);
        let group = groups.entry(f.text().unwrap_or_default()).or_default();
        group.report_in.clock((f.int(), f.int()), now);
        match f.text().as_deref() {
            Some("good") => group.ratings.push(1.0),
            Some("fair") => group.ratings.push(0.5),
            Some("poor") => group.ratings.push(0.0),
            _ => {}
        }
    }
    Ok(())
}

/// One place in the monthly ranking 亮榜.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankingRow {
    /// 1 = best; ties share a rank (1, 2, 2, 4); groups without a score come last, unranked.
    pub rank: Option<u32>,
    /// The group's figures, `composite_score` among them.
    #[serde(flatten)]
    pub stats: StatsRow,
}

/// Streets or departments by composite score for the month, best first.
pub async fn rankings(
    store: &Store,
    unit: GroupBy,
    month: &str,
    now: DateTime<Utc>,
    weights: &Weights,
) -> Result<Vec<RankingRow>, StatsError> {
    let mut rows = statistics(store, unit, month, now, weights).await?;
    rows.sort_by(|a, b| {
        let score = |r: &StatsRow| r.composite_score.unwrap_or(f64::NEG_INFINITY);
        score(b).total_cmp(&score(a))
    });
    let mut ranked: Vec<RankingRow> = Vec::with_capacity(rows.len());
    for (i, stats) in rows.into_iter().enumerate() {
        let rank = stats.composite_score.map(|score| match ranked.last() {
            Some(prev) if prev.stats.composite_score == Some(score) => prev.rank.unwrap_or(1),
            _ => i as u32 + 1,
        });
        ranked.push(RankingRow { rank, stats });
    }
    Ok(ranked)
}
