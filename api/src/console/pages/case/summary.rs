//! What a case is now: state, location, requester (masked per DESIGN §1), handling unit,
//! deadlines with countdowns, whistles with each summoned department, tasks, extension,
//! supervision and exclusion.

use chrono::{DateTime, Utc};
use maud::{html, Markup};
use shaobao_domain::case::{Clock, Requester};
use shaobao_domain::org::Organisation;
use shaobao_domain::Case;

use crate::console::i18n::Lang;
use crate::console::layout::{countdown, local_time, multiline};
use crate::console::names;
use crate::view::masked;

pub struct Facts<'a> {
    pub lang: Lang,
    pub org: &'a Organisation,
    pub case: &'a Case,
    pub show_requester: bool,
    pub now: DateTime<Utc>,
}

pub fn summary(f: &Facts) -> Markup {
    let (lang, org, case) = (f.lang, f.org, f.case);
    let Some(intake) = case.intake() else {
        return html! {};
    };
    let state = case.state().map(|s| s.as_str()).unwrap_or_default();
    let location = &intake.location;
    let requester = intake
        .requester
        .clone()
        .map(|r| if f.show_requester { r } else { masked(r) });
    html! {
        section.facts {
            div.state-line {
                span class={ "state-badge state-" (state) } data-case-state=(state) { (lang.t(&format!("state.{state}"))) }
                span class={ "urgency urgency-" (intake.urgency.as_str()) } { (lang.value("urgency", &intake.urgency)) }
                span.tag { (names::category(org, &intake.category)) }
                span.tag { (lang.value("kind", &intake.kind)) }
                span.tag { (lang.value("channel", &intake.channel)) }
                @if let Some(level) = case.supervision() { span.supervision { (lang.value("supervision", &level)) } }
                @if case.is_excluded() { span.tag { (lang.t("case.excluded")) } }
            }
            p.description { (multiline(&intake.description)) }
            dl {
                dt { (lang.t("case.location")) }
                dd {
                    (names::street(org, &location.street))
                    @if let Some(c) = &location.community { " · " (names::community(org, &location.street, c)) }
                    @if let Some(g) = &location.grid { " · " (g) }
                    @if let Some(a) = &location.address { " · " (a) }
                }
                @if let Some(r) = &requester { dt { (lang.t("case.requester")) } dd.requester { (requester_line(r)) } }
                dt { (lang.t("col.opened")) } dd { (local_time(intake.opened_at)) }
                @if let Some(unit) = case.handling_unit() {
                    dt { (lang.t("case.handling_unit")) } dd { (names::unit(org, unit)) }
                }
                @if !case.co_units().is_empty() {
                    dt { (lang.t("case.co_units")) }
                    dd { (case.co_units().iter().map(|u| names::unit(org, u)).collect::<Vec<_>>().join("、")) }
                }
                @if let Some(until) = case.extension().pending_until {
                    dt { (lang.t("case.extension.pending")) } dd { (local_time(until)) }
                }
                @if case.extension().granted > 0 {
                    dt { (lang.t("case.extension.granted")) } dd { (case.extension().granted) }
                }
                @if let Some(r) = case.resolution() {
                    dt { (lang.t("case.resolution")) } dd { (lang.value("outcome", &r.outcome)) " · " (multiline(&r.summary)) }
                }
            }
            (deadlines(f))
            (whistles(f))
            (tasks(f))
        }
    }
}

fn requester_line(r: &Requester) -> String {
    format!("{} · {}", r.name, r.phone)
}

fn deadlines(f: &Facts) -> Markup {
    let d = f.case.deadlines();
    let clocks: Vec<(&str, Clock)> = [
        ("sign", d.sign),
        ("contact", d.contact),
        ("resolve", d.resolve),
    ]
    .into_iter()
    .filter_map(|(k, c)| c.map(|c| (k, c)))
    .collect();
    html! {
        @if !clocks.is_empty() {
            h2 { (f.lang.t("case.deadlines")) }
            table.deadlines { tbody {
                @for (kind, clock) in clocks {
                    tr data-deadline=(kind) {
                        th { (f.lang.t(&format!("timer.{kind}"))) }
                        td { (local_time(clock.due_at)) }
                        td { @match clock.met_at {
                            Some(met) => span.met { "✓ " (local_time(met)) },
                            None => (countdown(f.lang, clock.due_at, f.now)),
                        } }
                    }
                }
            } }
        }
    }
}

fn whistles(f: &Facts) -> Markup {
    let lang = f.lang;
    html! {
        @if !f.case.whistles().is_empty() {
            h2 { (lang.t("case.whistles")) }
            @for w in f.case.whistles() {
                div.whistle data-whistle-no=(w.no) {
                    h3 { "#" (w.no) " " (lang.value("whistle_kind", &w.kind)) " · " (local_time(w.blown_at))
                        @if w.is_closed() { " · " (lang.t("dept_status.closed")) } }
                    table { thead { tr { th { (lang.t("col.department")) } th { (lang.t("col.role")) }
                        th { (lang.t("col.status")) } th { (lang.t("col.report_in_by")) } th { (lang.t("col.rating")) } } }
                    tbody { @for d in &w.departments {
                        tr data-department=(d.department) data-status=(crate::console::i18n::serialized_name(&d.status)) {
                            td { (names::department(f.org, &d.department)) }
                            td { (lang.value("whistle_role", &d.role)) }
                            td { (lang.value("dept_status", &d.status)) }
                            td { @match d.reported_in_at {
                                Some(at) => (local_time(at)),
                                None => (countdown(lang, d.report_in_by, f.now)),
                            } }
                            td { @if let Some(r) = &d.rating { (lang.value("rating", r)) } }
                        }
                    } } }
                }
            }
        }
    }
}

fn tasks(f: &Facts) -> Markup {
    let lang = f.lang;
    html! {
        @if !f.case.tasks().is_empty() {
            h2 { (lang.t("case.tasks")) }
            table.tasks { tbody { @for t in f.case.tasks() {
                tr data-task-no=(t.no) {
                    td { "#" (t.no) } td { (t.title) } td { (lang.value("task_kind", &t.kind)) }
                    td { (t.points) } td { (lang.value("task_status", &t.status)) }
                }
            } } }
        }
    }
}
