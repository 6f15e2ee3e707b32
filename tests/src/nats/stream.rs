//! What the stream `SHAOBAO` should hold for a log, worked out from the events' JSON
//! independently of the relay's own code, and the check that it holds exactly that.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use async_nats::jetstream::consumer::pull::OrderedConfig;
use async_nats::jetstream::Context;
use futures::StreamExt;
use serde_json::Value;
use shaobao_services::relay::STREAM_NAME;
use shaobao_services::store::{LoggedEvent, Store};

pub use crate::databases::whole_log;

/// How long publishing what a test wrote may take.
pub const CONVERGE_LIMIT: Duration = Duration::from_secs(60);

/// One message as it sits in the stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Streamed {
    pub subject: String,
    pub msg_id: String,
    pub payload: Value,
}

/// Messages in the stream now (0 while it does not exist or NATS is down).
pub async fn messages_in_stream(jetstream: &Context) -> usize {
    match jetstream.get_stream(STREAM_NAME).await {
        Ok(mut stream) => stream.info().await.map_or(0, |i| i.state.messages as usize),
        Err(_) => 0,
    }
}

/// Every message in the stream, in stream order.
pub async fn stream_contents(jetstream: &Context) -> Vec<Streamed> {
    let mut stream = jetstream.get_stream(STREAM_NAME).await.expect("stream");
    let count = stream.info().await.expect("stream info").state.messages as usize;
    // A cluster that has just taken a server back may time out a request or two meanwhile.
    let deadline = Instant::now() + CONVERGE_LIMIT;
    let consumer = loop {
        match stream.create_consumer(OrderedConfig::default()).await {
            Ok(consumer) => break consumer,
            Err(err) if Instant::now() < deadline => {
                eprintln!("ordered consumer not created yet ({err}); again");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(err) => panic!("ordered consumer: {err}"),
        }
    };
    let mut messages = consumer.messages().await.expect("messages");
    let mut contents = Vec::with_capacity(count);
    while contents.len() < count {
        let next = tokio::time::timeout(Duration::from_secs(10), messages.next()).await;
        let message = next
            .expect("stream read stalled")
            .expect("end")
            .expect("message");
        contents.push(streamed(&message));
    }
    contents
}

pub fn streamed(message: &async_nats::Message) -> Streamed {
    let msg_id = message
        .headers
        .as_ref()
        .and_then(|h| h.get("Nats-Msg-Id"))
        .map(|v| v.as_str().to_string())
        .unwrap_or_default();
    Streamed {
        subject: message.subject.to_string(),
        msg_id,
        payload: serde_json::from_slice(&message.payload).expect("JSON payload"),
    }
}

/// Waits until the stream holds as many messages as the whole log makes, then checks that it
/// holds exactly those, in log order, each event message carrying the event's envelope.
pub async fn assert_stream_is_the_log(store: &Store, jetstream: &Context) {
    let log = whole_log(store).await;
    let expected = expected(&log);
    let deadline = Instant::now() + CONVERGE_LIMIT;
    loop {
        let held = messages_in_stream(jetstream).await;
        if held >= expected.len() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the stream holds {held} of {} messages",
            expected.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let contents = stream_contents(jetstream).await;
    let published: Vec<(String, String)> = contents
        .iter()
        .map(|m| (m.subject.clone(), m.msg_id.clone()))
        .collect();
    assert_eq!(published.len(), expected.len(), "message count");
    assert_eq!(published, expected, "the stream is the log, in order, once");
    let envelopes = contents.iter().filter(|m| {
        m.subject.starts_with("shaobao.events.") || m.subject.starts_with("shaobao.community.")
    });
    for (message, event) in envelopes.zip(&log) {
        assert_eq!(message.payload, serde_json::to_value(event).unwrap());
    }
}

/// What the stream should hold for `log`, in order: (subject, `Nats-Msg-Id`) of each event, its
/// alert, its department notices. Worked out from the event JSON, independently of the relay.
/// Events of community lists and member registrations name their street and go to
/// `shaobao.community.<street>.<EventType>`.
pub fn expected(log: &[LoggedEvent]) -> Vec<(String, String)> {
    let mut streets: HashMap<&str, &str> = HashMap::new();
    let mut messages = Vec::new();
    for event in log {
        let body = &event.payload[&event.event_type];
        let community = matches!(event.aggregate_type.as_str(), "community" | "member");
        let street = match event.event_type.as_str() {
            "CaseOpened" => body["location"]["street"].as_str(),
            "VisitRecorded" => body["street"].as_str(),
            _ if community => body["street"].as_str(),
            _ => streets.get(event.aggregate_id.as_str()).copied(),
        }
        .expect("every workload event has a street");
        streets.insert(&event.aggregate_id, street);
        let id = format!("{}:{}", event.aggregate_id, event.sequence);
        let family = if community { "community" } else { "events" };
        let events_subject = format!("shaobao.{family}.{street}.{}", event.event_type);
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
