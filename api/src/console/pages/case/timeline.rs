//! The case's history in the process's own words: time, who (unit and person), what, and the
//! notes and evidence people wrote — all escaped.

use maud::{html, Markup};
use serde_json::Value;
use shaobao_domain::org::Organisation;
use shaobao_services::store::LoggedEvent;

use crate::console::i18n::Lang;
use crate::console::layout::{local_time, multiline};
use crate::console::names;

/// Payload fields shown as text under an event, in this order.
const TEXT_FIELDS: &[&str] = &[
    "description",
    "title",
    "summary",
    "reason",
    "note",
    "comment",
];

pub fn timeline(lang: Lang, org: &Organisation, events: &[LoggedEvent]) -> Markup {
    html! {
        ol.timeline {
            @for event in events {
                li data-event-type=(event.event_type) data-sequence=(event.sequence) {
                    time { (event_time(event)) }
                    span.who { (who(lang, org, &event.metadata)) }
                    span.what { (lang.t(&format!("event.{}", event.event_type))) }
                    (details(lang, org, event))
                }
            }
        }
    }
}

fn event_time(event: &LoggedEvent) -> String {
    event
        .metadata
        .get("time")
        .and_then(Value::as_str)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| local_time(t.to_utc()))
        .unwrap_or_default()
}

/// `景山街道 王芳`: the unit the actor spoke for and, for people, their name.
fn who(lang: Lang, org: &Organisation, metadata: &Value) -> String {
    // Metadata values are strings (cqrs-es); the actor is a JSON object written into one.
    let actor = match metadata.get("actor") {
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    let text = |key: &str| actor.get(key).and_then(Value::as_str).map(str::to_string);
    let role = text("role").unwrap_or_default();
    let unit = match role.as_str() {
        "dispatcher" => text("street").map(|s| names::street(org, &s)),
        "department" => text("department").map(|d| names::department(org, &d)),
        "volunteer" => text("member"),
        _ => None,
    }
    .unwrap_or_else(|| lang.t(&format!("role.{role}")));
    match text("name") {
        Some(name) => format!("{unit} {name}"),
        None => unit,
    }
}

fn details(lang: Lang, org: &Organisation, event: &LoggedEvent) -> Markup {
    let body = event
        .payload
        .as_object()
        .and_then(|o| o.values().next())
        .cloned()
        .unwrap_or(Value::Null);
    let unit = |key: &str| {
        body.get(key)
            .filter(|v| !v.is_null())
            .map(|v| names::unit_json(org, v))
    };
    let departments: Vec<String> = body
        .get("departments")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|d| d.get("department").and_then(Value::as_str))
                .map(|code| names::department(org, code))
                .collect()
        })
        .unwrap_or_default();
    let department = body
        .get("department")
        .and_then(Value::as_str)
        .map(|d| names::department(org, d));
    let texts: Vec<&str> = TEXT_FIELDS
        .iter()
        .filter_map(|key| body.get(*key).and_then(Value::as_str))
        .filter(|text| !text.trim().is_empty())
        .collect();
    let labelled = |group: &str, key: &str| {
        body.get(key)
            .and_then(Value::as_str)
            .map(|v| lang.t(&format!("{group}.{v}")))
    };
    let tags: Vec<String> = [
        labelled("outcome", "outcome"),
        labelled("satisfaction", "satisfaction"),
        labelled("whistle_kind", "kind").filter(|_| event.event_type == "WhistleBlown"),
        labelled("mode", "mode"),
    ]
    .into_iter()
    .flatten()
    .collect();
    html! {
        @if let Some(unit) = unit("unit") { span.detail { "→ " (unit) } }
        @if let Some(unit) = unit("redispatch_to") { span.detail { "→ " (unit) } }
        @if let Some(department) = department { span.detail { (department) } }
        @if !departments.is_empty() { span.detail { (departments.join("、")) } }
        @for tag in &tags { span.tag { (tag) } }
        @for text in texts { p.note { (multiline(text)) } }
        @if let Some(evidence) = body.get("evidence").and_then(Value::as_array).filter(|e| !e.is_empty()) {
            ul.evidence { @for item in evidence { li { (item.as_str().unwrap_or_default()) } } }
        }
    }
}
