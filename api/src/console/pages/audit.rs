//! `/audit/cases/{id}`: an auditor's view of a case — every event with its log position, actor,
//! metadata and hash, a mark whether the chain verifies at that event, what the event changed, and
//! the case as it stood at any version (`?version=N`, the API's `state?version=N`).

use axum::extract::{Path, Query, State};
use maud::{html, Markup};
use serde::Deserialize;
use serde_json::Value;
use shaobao_domain::Case;
use shaobao_services::history::{fold_each, Replayed};
use shaobao_services::store::chain::verify_stream;

use crate::access;
use crate::console::error::ConsoleError;
use crate::console::layout;
use crate::console::pages::queue::short_id;
use crate::console::session::Person;
use crate::server::AppState;
use crate::view::CaseView;

#[derive(Debug, Default, Deserialize)]
pub struct VersionQuery {
    version: Option<i64>,
}

/// One event as the auditor sees it.
struct Step {
    changed: Vec<(String, String)>,
}

pub async fn page(
    State(state): State<AppState>,
    person: Person,
    Path(id): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<Markup, ConsoleError> {
    if !access::may_audit_histories(&person.actor()) {
        return Err(ConsoleError::Forbidden("case histories".into()));
    }
    let lang = person.lang;
    let events = state.store.history("case", &id).await?;
    if events.is_empty() {
        return Err(ConsoleError::NotFound(format!("case {id}")));
    }
    let verified = verify_stream(&events);
    let latest = events.last().map_or(0, |e| e.sequence);
    let version = query.version.unwrap_or(latest).clamp(1, latest);
    let mut previous = Value::Null;
    let mut steps = Vec::new();
    let mut at_version = Value::Null;
    fold_each(&id, &events, |event, case: &Case| {
        let replayed = Replayed {
            aggregate: case.clone(),
            version: event.sequence,
        };
        let view = CaseView::new(&id, &replayed, false)
            .and_then(|v| serde_json::to_value(v).ok())
            .unwrap_or(Value::Null);
        steps.push(Step {
            changed: changes(&previous, &view),
        });
        if event.sequence == version {
            at_version = view.clone();
        }
        previous = view;
    })
    .map_err(|e| ConsoleError::Internal(e.to_string()))?;
    let state_name = at_version
        .get("state")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let title = format!("{} {}", lang.t("audit.title"), short_id(&id));
    let body = html! {
        div.audit data-case-id=(id) {
            p { a href={ "/cases/" (id) } { (lang.t("case.title")) " " (id) } }
            form.filters.version-picker method="get" action={ "/audit/cases/" (id) } data-action="version" {
                label { span { (lang.t("audit.version")) }
                    input type="range" name="version" min="1" max=(latest) value=(version) data-range-output="version-number"; }
                output #version-number { (version) " / " (latest) }
                button type="submit" { (lang.t("audit.version")) }
            }
            section.state-at-version {
                h2 { (lang.t("audit.state_at")) " v" (version) }
                p { span class={ "state-badge state-" (state_name) } data-state-at-version=(state_name) data-version=(version) {
                    (lang.t(&format!("state.{state_name}"))) } }
                details { summary { "JSON" } pre.json { (serde_json::to_string_pretty(&at_version).unwrap_or_default()) } }
            }
            h2 { (lang.t("case.timeline")) }
            table.audit-events {
                thead { tr {
                    th { (lang.t("audit.sequence")) } th { (lang.t("audit.position")) } th { (lang.t("col.what")) }
                    th { (lang.t("col.who")) } th { (lang.t("audit.chain")) } th { (lang.t("audit.changes")) }
                } }
                tbody { @for ((event, step), ok) in events.iter().zip(&steps).zip(&verified) {
                    tr data-sequence=(event.sequence) data-chain=(if *ok { "ok" } else { "broken" })
                        class=[(event.sequence == version).then_some("current")] {
                        td { a href={ "/audit/cases/" (id) "?version=" (event.sequence) } { "v" (event.sequence) } }
                        td.mono { (event.position.to_string()) }
                        td { (event.event_type) br; span.hint { (lang.t(&format!("event.{}", event.event_type))) } }
                        td { details { summary { (actor_line(&event.metadata)) }
                            pre.json { (serde_json::to_string_pretty(&event.metadata).unwrap_or_default()) }
                            p.mono { "hash " (event.hash) } } }
                        td { @if *ok { span.chain-ok { "✓ " (lang.t("audit.chain_ok")) } }
                             @else { span.chain-broken { "✗ " (lang.t("audit.chain_broken")) } } }
                        td { ul.changes { @for (field, value) in &step.changed {
                            li { code { (field) } " → " span.mono { (value) } }
                        } } }
                    }
                } }
            }
        }
    };
    Ok(layout::page(&person, &state.org, &title, body))
}

/// `role scope id (name)` of the metadata's actor (stored as a JSON string).
fn actor_line(metadata: &Value) -> String {
    let actor: Value = match metadata.get("actor") {
        Some(Value::String(text)) => serde_json::from_str(text).unwrap_or(Value::Null),
        Some(other) => other.clone(),
        None => Value::Null,
    };
    ["role", "street", "department", "member", "id", "name"]
        .iter()
        .filter_map(|key| actor.get(*key).and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The top-level fields of the case view that differ, with their new value (shortened).
fn changes(before: &Value, after: &Value) -> Vec<(String, String)> {
    let Value::Object(after) = after else {
        return Vec::new();
    };
    after
        .iter()
        .filter(|(key, value)| {
            key.as_str() != "version" && before.get(key.as_str()) != Some(*value)
        })
        .map(|(key, value)| {
            let text = value.to_string();
            let short: String = text.chars().take(120).collect();
            (
                key.clone(),
                if short.len() < text.len() {
                    format!("{short}…")
                } else {
                    short
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_name_the_fields_an_event_touched() {
        let before = json!({"state": "dispatched", "version": 2, "whistles": []});
        let after = json!({"state": "signed", "version": 3, "whistles": []});
        assert_eq!(
            changes(&before, &after),
            vec![("state".to_string(), "\"signed\"".to_string())]
        );
        let first = changes(&Value::Null, &json!({"state": "received"}));
        assert_eq!(first.len(), 1);
    }

    #[test]
    fn the_actor_line_reads_the_stored_json() {
        let metadata = json!({"actor": "{\"role\":\"dispatcher\",\"street\":\"jingshan\",\"id\":\"user:wang\",\"name\":\"王芳\"}"});
        assert_eq!(actor_line(&metadata), "dispatcher jingshan user:wang 王芳");
    }
}
