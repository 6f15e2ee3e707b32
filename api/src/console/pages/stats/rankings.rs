//! 亮榜: streets and departments ranked by composite for the month, the change from the previous
//! month, and the red (top 5) and black (bottom 5) lists.

use std::collections::HashMap;

use maud::{html, Markup};
use shaobao_projections::models::statistics::{self, GroupBy, RankingRow};

use super::figures::Figures;
use super::{key_of, name_of};
use crate::console::error::ConsoleError;
use crate::console::i18n::Lang;
use crate::console::months;
use crate::server::AppState;

const LIST: usize = 5;

pub async fn section(
    state: &AppState,
    figures: &mut Figures<'_>,
    lang: Lang,
    month: (i32, u32),
) -> Result<Markup, ConsoleError> {
    let mut tables = Vec::new();
    for unit in [GroupBy::Street, GroupBy::Department] {
        let now = statistics::rank(figures.composites(unit, month).await?);
        let previous = figures.composites(unit, months::shift(month, -1)).await?;
        let before: HashMap<String, u32> = statistics::rank(previous)
            .into_iter()
            .filter_map(|r| Some((key_of(&r.stats).to_string(), r.rank?)))
            .collect();
        tables.push(table(state, lang, unit, &now, &before));
    }
    Ok(
        html! { section.rankings #rankings { h2 { (lang.t("stats.rankings")) } div.ranking-grid { @for t in tables { (t) } } } },
    )
}

fn table(
    state: &AppState,
    lang: Lang,
    unit: GroupBy,
    rows: &[RankingRow],
    before: &HashMap<String, u32>,
) -> Markup {
    let group = if unit == GroupBy::Street {
        "street"
    } else {
        "department"
    };
    let ranked: Vec<&RankingRow> = rows.iter().filter(|r| r.rank.is_some()).collect();
    let red: Vec<&RankingRow> = ranked.iter().take(LIST).copied().collect();
    let black: Vec<&RankingRow> = ranked.iter().rev().take(LIST).copied().collect();
    let line = |r: &RankingRow| {
        let key = key_of(&r.stats);
        let change = match (r.rank, before.get(key)) {
            (Some(now), Some(then)) if now < *then => html! { span.up { "↑" (then - now) } },
            (Some(now), Some(then)) if now > *then => html! { span.down { "↓" (now - then) } },
            (Some(_), Some(_)) => html! { span.same { "—" } },
            _ => html! { span.new { (lang.t("stats.new")) } },
        };
        html! {
            tr data-key=(key) data-rank=[r.rank] {
                td.rank { @if let Some(rank) = r.rank { (rank) } @else { "—" } }
                td { (name_of(state, unit, key)) }
                td.figure { @if let Some(score) = r.stats.composite_score { (format!("{score:.2}")) } @else { "—" } }
                td { (change) }
            }
        }
    };
    html! {
        div.ranking data-unit=(group) {
            h3 { (lang.t(&format!("col.{group}"))) }
            table { thead { tr { th { "#" } th { (lang.t(&format!("col.{group}"))) } th { (lang.t("stats.composite_score")) } th { (lang.t("stats.change")) } } }
                tbody { @for r in rows { (line(r)) } } }
            div.lists {
                div.red-list { h4 { (lang.t("stats.red_list")) } ol { @for r in &red { li { (name_of(state, unit, key_of(&r.stats))) } } } }
                div.black-list { h4 { (lang.t("stats.black_list")) } ol { @for r in &black { li { (name_of(state, unit, key_of(&r.stats))) } } } }
            }
        }
    }
}
