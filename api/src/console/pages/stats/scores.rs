//! 量化积分 / 锋领指数: resident units and members ranked by the points they earned in the month
//! (confirmed community needs and case tasks, from the community read model's scores), with
//! each unit's points for the year so far judged against the organisation's thresholds (below
//! `unit_floor` no shared resources, above `unit_commended` commended) and each member's tier.

use std::collections::HashMap;

use maud::{html, Markup};
use shaobao_domain::community::score::Period;
use shaobao_projections::models::community::scores::ScoreUnit;
use shaobao_projections::models::community::{self, ScoreQuery, ScoreRow, Scores};

use crate::console::error::ConsoleError;
use crate::console::i18n::{serialized_name, Lang};
use crate::server::AppState;

async fn scores(state: &AppState, unit: ScoreUnit, period: Period) -> Result<Scores, ConsoleError> {
    let query = ScoreQuery {
        unit,
        period,
        street: None,
    };
    community::scores(&state.store, &state.org, &query)
        .await
        .map_err(|e| ConsoleError::Unavailable(e.to_string()))
}

/// The month's rankings beside the year's judgement, for units and for members.
pub async fn section(
    state: &AppState,
    lang: Lang,
    (year, month): (i32, u32),
) -> Result<Markup, ConsoleError> {
    let mut tables = Vec::new();
    for unit in [ScoreUnit::Unit, ScoreUnit::Member] {
        let month = scores(state, unit, Period::Month { year, month }).await?;
        let year = scores(state, unit, Period::Year(year)).await?;
        tables.push(table(lang, unit, &month, &year));
    }
    let scoring = state.org.scoring;
    let thresholds = lang
        .t("stats.thresholds")
        .replace("{floor}", &scoring.unit_floor.to_string())
        .replace("{commended}", &scoring.unit_commended.to_string());
    Ok(html! {
        section.scores #scores {
            h2 { (lang.t("stats.scores")) }
            p.hint data-unit-floor=(scoring.unit_floor) data-unit-commended=(scoring.unit_commended) { (thresholds) }
            div.ranking-grid { @for t in tables { (t) } }
        }
    })
}

fn table(lang: Lang, unit: ScoreUnit, month: &Scores, year: &Scores) -> Markup {
    let of_year: HashMap<&str, &ScoreRow> = year.items.iter().map(|r| (r.id.as_str(), r)).collect();
    // Units and members without a point this year would fill the table with ties at zero: they
    // are counted below it instead.
    let earned = |row: &&ScoreRow| {
        row.points > 0 || of_year.get(row.id.as_str()).is_some_and(|y| y.points > 0)
    };
    let shown: Vec<&ScoreRow> = month.items.iter().filter(earned).collect();
    let idle = month.items.len() - shown.len();
    let (title, who) = match unit {
        ScoreUnit::Unit => ("stats.unit_scores", "col.unit"),
        ScoreUnit::Member => ("stats.member_scores", "col.member"),
    };
    html! {
        div.ranking data-scores=(unit.as_str()) {
            h3 { (lang.t(title)) }
            @if let (ScoreUnit::Unit, Some(summary)) = (unit, &year.summary) {
                p.year-status data-no-shared-resources=(summary.no_shared_resources) data-commended=(summary.commended) {
                    (lang.t("stats.year_status")) ": "
                    span.unit-status.status-no_shared_resources { (lang.t("unit_status.no_shared_resources")) " " (summary.no_shared_resources) }
                    " " span.unit-status.status-standard { (lang.t("unit_status.standard")) " " (summary.standard) }
                    " " span.unit-status.status-commended { (lang.t("unit_status.commended")) " " (summary.commended) }
                }
            }
            @if shown.is_empty() { p.empty { (lang.t("stats.no_scores")) } } @else {
            table {
                thead { tr {
                    th { "#" } th { (lang.t(who)) } th.figure { (lang.t("stats.points_month")) }
                    th.figure { (lang.t("stats.points_year")) } th { (lang.t("stats.unit_status")) }
                } }
                tbody { @for row in &shown {
                    @let judged = of_year.get(row.id.as_str());
                    @let status = judged.and_then(|y| y.status).map(|s| serialized_name(&s));
                    @let tier = judged.and_then(|y| y.tier).map(|t| serialized_name(&t));
                    tr data-id=(row.id) data-rank=(row.rank) data-points=(row.points)
                        data-status=[status.as_deref()] data-tier=[tier.as_deref()] {
                        td.rank { (row.rank) }
                        td { (row.name.as_deref().unwrap_or(&row.id)) @if row.name.is_some() && unit == ScoreUnit::Member { " " span.hint { (row.id) } } }
                        td.figure { (row.points) }
                        td.figure { (judged.map_or(0, |y| y.points)) }
                        td {
                            @if let Some(status) = &status { span class={ "unit-status status-" (status) } { (lang.t(&format!("unit_status.{status}"))) } }
                            @if let Some(tier) = &tier { span class={ "member-tier tier-" (tier) } { (lang.t(&format!("tier.{tier}"))) } }
                        }
                    }
                } }
            }
            }
            @if idle > 0 { p.hint data-idle=(idle) { (lang.t("stats.idle").replace("{n}", &idle.to_string())) } }
        }
    }
}
