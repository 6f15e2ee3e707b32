//! The case page's duplicates: the requesters attached to this case (the callback reaches them
//! all), and the top five similar cases (类案) with a one-click merge into each open one when the
//! domain lets this person merge this case.

use maud::{html, Markup};
use rand::RngCore;
use shaobao_domain::case::AvailableAction;
use shaobao_domain::similar::Request;
use shaobao_domain::Case;
use shaobao_projections::models::hotspots::{similar_cases, SimilarCase, SimilarQuery};

use crate::console::i18n::Lang;
use crate::console::pages::queue::short_id;
use crate::server::AppState;
use crate::view::masked;

/// How many similar cases the page shows.
const SHOWN: usize = 5;

/// The top similar cases of `case` (none when the read model cannot be read: the page still
/// shows the case).
pub async fn find(state: &AppState, id: &str, case: &Case) -> Vec<SimilarCase> {
    let Some(intake) = case.intake() else {
        return Vec::new();
    };
    let location = &intake.location;
    let query = SimilarQuery {
        draft: Request {
            category: intake.category.clone(),
            street: location.street.clone(),
            community: location.community.clone(),
            address: location.address.clone(),
            lat: location.lat,
            lon: location.lon,
            description: intake.description.clone(),
        },
        exclude: Some(id.to_string()),
        now: state.clock.now(),
        window_days: state.org.hotspots.window_days,
        limit: SHOWN,
    };
    similar_cases(&state.store, &query)
        .await
        .unwrap_or_default()
}

/// What the section needs from the page.
pub struct Section<'a> {
    pub lang: Lang,
    pub case_id: &'a str,
    pub case: &'a Case,
    pub version: i64,
    pub csrf_token: &'a str,
    pub show_requester: bool,
    pub may_merge: bool,
}

/// Whether a case in `state` still takes duplicates.
pub fn mergeable(state: &str) -> bool {
    !matches!(state, "closed" | "answered" | "merged")
}

/// One similar case (here and at intake): its link, score, state, address and why it is offered,
/// then `merge`, its one-click merge if any.
pub fn candidate(lang: Lang, item: &SimilarCase, merge: Markup) -> Markup {
    html! {
        li.similar-case data-case-id=(item.case_id) {
            a href={ "/cases/" (item.case_id) } { (short_id(&item.case_id)) }
            span.score { (format!("{:.0}%", item.score * 100.0)) }
            span.state { (lang.t(&format!("state.{}", item.state))) }
            @if let Some(address) = &item.address { span.address { (address) } }
            small.reasons { (reasons(lang, &item.reasons)) }
            (merge)
        }
    }
}

/// The finder's reasons (`same_category`, `near:35m`, `similar_text:0.62`, …) in the person's
/// words.
fn reasons(lang: Lang, labels: &[String]) -> String {
    let said: Vec<String> = labels
        .iter()
        .map(|label| {
            let (name, value) = label.split_once(':').unwrap_or((label, ""));
            let value = match name {
                "similar_text" => value
                    .parse::<f64>()
                    .map(|dice| format!("{:.0}%", dice * 100.0))
                    .unwrap_or_default(),
                _ => value.to_string(),
            };
            let name = lang.t(&format!("similar.{name}"));
            [name, value].join(" ").trim().to_string()
        })
        .collect();
    said.join(" · ")
}

pub fn section(s: &Section, similar: &[SimilarCase]) -> Markup {
    let lang = s.lang;
    html! {
        @if !s.case.duplicates().is_empty() {
            section.duplicates {
                h2 { (lang.t("case.duplicates")) }
                ul { @for d in s.case.duplicates() {
                    @let requester = d.requester.clone().map(|r| if s.show_requester { r } else { masked(r) });
                    li data-case-id=(d.case_id) {
                        a href={ "/cases/" (d.case_id) } { (short_id(&d.case_id)) }
                        @if let Some(r) = requester { " " (r.name) " " (r.phone) }
                    }
                } }
            }
        }
        section.similar {
            h2 { (lang.t("case.similar")) }
            @if similar.is_empty() { p.empty { (lang.t("case.no_similar")) } }
            ul { @for item in similar {
                @let merge = html! {
                    @if s.may_merge && mergeable(&item.state) { (merge_form(s, &item.case_id)) }
                };
                (candidate(lang, item, merge))
            } }
        }
    }
}

/// One click: merge this case into `into`.
fn merge_form(s: &Section, into: &str) -> Markup {
    let mut key = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut key);
    let key: String = key.iter().map(|b| format!("{b:02x}")).collect();
    html! {
        form.merge-into method="post" action={ "/cases/" (s.case_id) "/" (AvailableAction::Merge.route_name()) }
            data-action="merge" {
            input type="hidden" name="csrf_token" value=(s.csrf_token);
            input type="hidden" name="expected_version" value=(s.version);
            input type="hidden" name="idempotency_key" value=(key);
            input type="hidden" name="into" value=(into);
            button type="submit" { (s.lang.t("case.merge_into")) }
        }
    }
}
