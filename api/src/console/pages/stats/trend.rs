//! Twelve months of the three rates and the composite for one unit (or the whole district), drawn
//! by the page script from JSON in a data attribute (the CSP allows no inline script).

use maud::{html, Markup};
use serde_json::json;
use shaobao_projections::models::statistics::{self, GroupBy, StatsRow};

use super::figures::Figures;
use super::{key_of, name_of};
use crate::console::error::ConsoleError;
use crate::console::i18n::Lang;
use crate::console::months;
use crate::server::AppState;

const MONTHS: i32 = 12;

pub async fn section(
    state: &AppState,
    figures: &mut Figures<'_>,
    lang: Lang,
    group_by: GroupBy,
    month: (i32, u32),
    unit: &str,
) -> Result<Markup, ConsoleError> {
    let run: Vec<(i32, u32)> = ((1 - MONTHS)..=0)
        .map(|offset| months::shift(month, offset))
        .collect();
    let labels: Vec<String> = run.iter().map(|m| months::format(*m)).collect();
    let mut history: Vec<Option<StatsRow>> = Vec::new();
    if unit.is_empty() {
        let (first, last) = (&labels[0], &labels[labels.len() - 1]);
        let (now, weights) = (state.clock.now(), &state.org.weights);
        let district = statistics::district_trend(&state.store, first, last, now, weights)
            .await
            .map_err(|e| ConsoleError::Unavailable(e.to_string()))?;
        for label in &labels {
            history.push(district.iter().find(|r| &r.month == label).cloned());
        }
    } else {
        for m in run {
            let rows = figures.rows(group_by, m).await?;
            history.push(rows.iter().find(|r| key_of(r) == unit).cloned());
        }
    }
    let percent = |f: fn(&StatsRow) -> Option<f64>| -> Vec<Option<f64>> {
        history
            .iter()
            .map(|r| r.as_ref().and_then(f).map(|v| (v * 1000.0).round() / 10.0))
            .collect()
    };
    let series = json!({
        "months": labels,
        "series": [
            {"name": lang.t("stats.response_rate"), "data": percent(|r| r.response_rate)},
            {"name": lang.t("stats.resolution_rate"), "data": percent(|r| r.resolution_rate)},
            {"name": lang.t("stats.satisfaction_rate"), "data": percent(|r| r.satisfaction_rate)},
            {"name": lang.t("stats.composite_score"),
             "data": history.iter().map(|r| r.as_ref().and_then(|r| r.composite_score)).collect::<Vec<_>>()},
        ],
    });
    let title = if unit.is_empty() {
        state.org.district.name.clone()
    } else {
        name_of(state, group_by, unit)
    };
    Ok(html! {
        section #trend {
            h2 { (lang.t("stats.trend")) " · " (title) }
            div.chart data-chart="trend" data-series=(series.to_string()) {}
        }
    })
}
