//! What the stream should hold for a log, worked out from the events' JSON, independently of the
//! relay's own code.

use std::collections::HashMap;

use serde_json::Value;
use shaobao_services::store::LoggedEvent;

/// What the stream should hold for `log`, in order: (subject, `Nats-Msg-Id`) of each event, its
/// alert, its department notices. Worked out from the event JSON, independently of the relay.
pub fn expected(log: &[LoggedEvent]) -> Vec<(String, String)> {
    let mut streets: HashMap<&str, &str> = HashMap::new();
    let mut messages = Vec::new();
    for event in log {
        let body = &event.payload[&event.event_type];
        let street = match event.event_type.as_str() {
            "CaseOpened" => body["location"]["street"].as_str(),
            "VisitRecorded" => body["street"].as_str(),
            _ => streets.get(event.aggregate_id.as_str()).copied(),
        }
        .expect("every workload event has a street");
        streets.insert(&event.aggregate_id, street);
        let id = format!("{}:{}", event.aggregate_id, event.sequence);
        let events_subject = format!("shaobao.events.{street}.{}", event.event_type);
        messages.push((events_subject, id.clone()));
        if matches!(
            event.event_type.as_str(),
            "DeadlineApproaching" | "DeadlineBreached"
        ) {
            messages.push((format!("shaobao.alerts.{street}"), format!("{id}:alert")));
        }
        let departments = given_work(event)
            .into_iter()
            .filter_map(|entry| entry["department"].as_str());
        for department in departments {
            let subject = format!("shaobao.whistles.{department}");
            messages.push((subject, format!("{id}:{department}")));
        }
    }
    messages
}

/// The units a dispatch names (`unit`, then `co_units`) or the departments a whistle summons, as
/// JSON; nothing for other events. Department entries carry `"department"`.
pub fn given_work(event: &LoggedEvent) -> Vec<&Value> {
    let body = &event.payload[&event.event_type];
    match event.event_type.as_str() {
        "CaseDispatched" => std::iter::once(&body["unit"])
            .chain(body["co_units"].as_array().expect("co_units"))
            .collect(),
        "WhistleBlown" => body["departments"]
            .as_array()
            .expect("departments")
            .iter()
            .collect(),
        _ => Vec::new(),
    }
}
