//! The DESIGN §4 figures for one month, grouped by street or category (case rows) or by
//! department or handling street (unit rows), and the monthly rankings 亮榜 by composite score.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_services::store::{Store, StoreError};

use super::figures::{StatsRow, Tally};
use super::tables::{DEPARTMENT, STREET};
use super::{case_rows, unit_rows, Weights};
use crate::sql::{fetch, ColType, Fields, Statement, Value};
use crate::time::to_ns;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Case rows by the case's location street.
    Street,
    /// Unit rows of departments: obligations, summons, co-handled cases.
    Department,
    /// Case rows by category.
    Category,
    /// Unit rows of streets acting as handling unit.
    HandlingStreet,
}

impl GroupBy {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Street => "street",
            GroupBy::Department => "department",
            GroupBy::Category => "category",
            GroupBy::HandlingStreet => "handling_street",
        }
    }

    /// The stored unit-key prefix of unit rows; `None` for case rows.
    fn unit_prefix(self) -> Option<&'static str> {
        match self {
            GroupBy::Department => Some(DEPARTMENT),
            GroupBy::HandlingStreet => Some(STREET),
            GroupBy::Street | GroupBy::Category => None,
        }
    }

    /// Puts `key` in the row's field for this grouping.
    fn label(self, row: &mut StatsRow, key: String) {
        let field = match self {
            GroupBy::Street => &mut row.street,
            GroupBy::Department => &mut row.department,
            GroupBy::Category => &mut row.category,
            GroupBy::HandlingStreet => &mut row.handling_street,
        };
        *field = Some(key);
    }
}

impl std::str::FromStr for GroupBy {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        [
            GroupBy::Street,
            GroupBy::Department,
            GroupBy::Category,
            GroupBy::HandlingStreet,
        ]
        .into_iter()
        .find(|g| g.as_str() == text)
        .ok_or_else(|| {
            format!(
                "group_by must be street, department, category or handling_street, not {text:?}"
            )
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("month must be YYYY-MM, not {0:?}")]
    BadMonth(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub(super) fn check_month(month: &str) -> Result<(), StatsError> {
    let ok = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_ok();
    ok.then_some(())
        .ok_or_else(|| StatsError::BadMonth(month.to_string()))
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
    let cases = case_rows::load(store, month).await?;
    let groups = match group_by.unit_prefix() {
        Some(prefix) => unit_rows::tally(store, month, prefix, &cases, now).await?,
        None => {
            let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
            for case in &cases {
                let key = match group_by {
                    GroupBy::Category => &case.category,
                    _ => &case.street,
                };
                groups.entry(key.clone()).or_default().case(case, now);
            }
            groups
        }
    };
    Ok(groups
        .into_iter()
        .map(|(key, tally)| {
            let mut row = tally.finish(weights);
            row.month = month.to_string();
            group_by.label(&mut row, key);
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
    let mut tally = Tally::default();
    for case in case_rows::load(store, month).await? {
        tally.case(&case, now);
    }
    let mut row = tally.finish(weights);
    row.month = month.to_string();
    Ok(row)
}

/// One place in the monthly ranking 亮榜.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RankingRow {
    /// 1 = best; ties share a rank (1, 1, 3); groups without a composite come last, unranked.
    pub rank: Option<u32>,
    /// The group's figures, `composite_score` among them.
    #[serde(flatten)]
    pub stats: StatsRow,
}

/// The groups of `unit` by composite score for the month, best first.
pub async fn rankings(
    store: &Store,
    unit: GroupBy,
    month: &str,
    now: DateTime<Utc>,
    weights: &Weights,
) -> Result<Vec<RankingRow>, StatsError> {
    Ok(rank(statistics(store, unit, month, now, weights).await?))
}

/// Rows ranked by composite score, best first; ties share a rank, rows without a score come
/// last, unranked.
pub fn rank(mut rows: Vec<StatsRow>) -> Vec<RankingRow> {
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
    ranked
}

/// The rows of one month's counting table that count (`sql` reads `WHERE month = $1`), each as
/// fields to read in column order.
pub(super) async fn month_rows(
    store: &Store,
    sql: String,
    month: &str,
    types: &[ColType],
) -> Result<Vec<Fields>, StatsError> {
    let statement = Statement::new(sql, vec![Value::text(month)]);
    let rows = fetch(store, &statement, types).await?;
    Ok(rows.into_iter().map(Fields::new).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groupings_parse_by_their_api_names() {
        for group_by in [
            GroupBy::Street,
            GroupBy::Department,
            GroupBy::Category,
            GroupBy::HandlingStreet,
        ] {
            assert_eq!(group_by.as_str().parse::<GroupBy>(), Ok(group_by));
        }
        assert!("unit"
            .parse::<GroupBy>()
            .unwrap_err()
            .contains("handling_street"));
        assert!(check_month("2026-02").is_ok() && check_month("2026-2").is_err());
    }
}
