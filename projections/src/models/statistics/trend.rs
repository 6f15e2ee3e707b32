//! The three rates 三率 and the composite alone, summed by the database: the district month by
//! month (trend charts), or a month street by street (the wall's ranking). A month's full figures
//! decode a row per case (medians need them); these need only counts, in one aggregate query.

use chrono::{DateTime, Utc};
use shaobao_services::store::Store;

use super::figures::{Ratio, StatsRow, Tally};
use super::query::{check_month, StatsError};
use super::{Weights, CASES};
use crate::sql::{fetch, ColType, Fields, Statement, Value};
use crate::time::to_ns;

/// Months `first` to `last` (`YYYY-MM`, inclusive) of the whole district: cases, dispatched,
/// the callback counts, the three rates and the composite, as [`super::district_total`] counts
/// them (its other figures are left empty). Months without cases are left out.
pub async fn district_trend(
    store: &Store,
    first: &str,
    last: &str,
    now: DateTime<Utc>,
    weights: &Weights,
) -> Result<Vec<StatsRow>, StatsError> {
    headlines(store, "month", first, last, now, weights).await
}

/// The month's headline figures per street (as [`super::statistics`] counts them by street),
/// ordered by street code.
pub async fn street_headlines(
    store: &Store,
    month: &str,
    now: DateTime<Utc>,
    weights: &Weights,
) -> Result<Vec<StatsRow>, StatsError> {
    let mut rows = headlines(store, "street", month, month, now, weights).await?;
    for row in &mut rows {
        row.street = Some(std::mem::replace(&mut row.month, month.to_string()));
    }
    Ok(rows)
}

/// Rows grouped by `column` (`month` or `street`; the group key comes back in `month`).
async fn headlines(
    store: &Store,
    column: &str,
    first: &str,
    last: &str,
    now: DateTime<Utc>,
    weights: &Weights,
) -> Result<Vec<StatsRow>, StatsError> {
    check_month(first)?;
    check_month(last)?;
    // The response clock counts once met or past due, on time when met by its due time; callbacks
    // count by the last one that reached the requester: as `Group::add` counts them.
    let dispatched = "dispatched = 1";
    let reached = "dispatched = 1 AND callback_reached = 1";
    let sql = format!(
        "SELECT {column}, COUNT(*),
            CAST(SUM(CASE WHEN {dispatched} THEN 1 ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN {dispatched} AND contact_due_ns IS NOT NULL
                  AND (contact_met_ns IS NOT NULL OR contact_due_ns < $3) THEN 1 ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN {dispatched} AND contact_due_ns IS NOT NULL
                  AND contact_met_ns IS NOT NULL AND contact_met_ns <= contact_due_ns
                  THEN 1 ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN {reached} THEN 1 ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN {reached} AND callback_resolved = 1 THEN 1 ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN {reached} AND satisfaction = 'satisfied' THEN 1 ELSE 0 END) AS BIGINT),
            CAST(SUM(CASE WHEN {reached} AND satisfaction = 'basically_satisfied'
                  THEN 1 ELSE 0 END) AS BIGINT)
         FROM {} WHERE month >= $1 AND month <= $2 AND excluded = 0
         GROUP BY {column} ORDER BY {column}",
        CASES.name
    );
    let args = vec![
        Value::text(first),
        Value::text(last),
        Value::int(to_ns(now)),
    ];
    let mut types = vec![ColType::Text];
    types.extend([ColType::Int; 8]);
    let rows = fetch(store, &Statement::new(sql, args), &types).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            let key = f.text().unwrap_or_default();
            let mut count = || f.int().unwrap_or(0).max(0) as u64;
            let tally = Tally {
                cases: count(),
                dispatched: count(),
                response: Ratio {
                    of: count(),
                    hits: count(),
                },
                callbacks_reached: count(),
                resolved: count(),
                satisfied: count(),
                basically_satisfied: count(),
                ..Tally::default()
            };
            let mut row = tally.finish(weights);
            row.month = key;
            row
        })
        .collect())
}
