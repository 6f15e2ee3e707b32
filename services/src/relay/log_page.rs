//! The log as the relay reads it: each event with its envelope (the event JSON as the HTTP history
//! shows it, see [`LoggedEvent`]) already written, the stored payload and metadata spliced in as
//! text instead of being decoded into `serde_json::Value` trees and encoded again, which was most
//! of what relaying an event cost. Only the payloads the feed looks into are parsed, as typed
//! events, later.
//!
//! The envelope holds the same fields and values as `serde_json::to_vec(&LoggedEvent)`; the
//! payload's key order and spacing are as stored.

use std::collections::BTreeMap;
use std::ops::Range;

use serde_json::value::RawValue;
use serde_json::Value;

use crate::store::{LogPosition, PageContent, RawEvent, Store, StoreError};

/// One event of the log, ready to publish.
#[derive(Debug, Clone)]
pub(crate) struct RelayEvent {
    pub position: LogPosition,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    /// The event envelope, JSON.
    pub envelope: Vec<u8>,
    /// Where the payload's JSON lies in `envelope`.
    payload: Range<usize>,
}

impl RelayEvent {
    /// The payload's JSON text.
    pub fn payload(&self) -> &[u8] {
        &self.envelope[self.payload.clone()]
    }

    /// The relay's view of an event read through the store's own API.
    #[cfg(test)]
    pub(crate) fn from_logged(
        event: &crate::store::LoggedEvent,
    ) -> Result<RelayEvent, serde_json::Error> {
        let payload = serde_json::to_string(&event.payload)?;
        let metadata = serde_json::to_string(&event.metadata)?;
        Ok(write(
            &tests::raw(event, &payload),
            &payload,
            &metadata,
            &event.hash,
        ))
    }
}

/// Up to `limit` events after `after`, in commit order: the store's one log reader, each event
/// written as the relay needs it.
pub(crate) async fn read_page(
    store: &Store,
    after: LogPosition,
    limit: u32,
) -> Result<Vec<RelayEvent>, StoreError> {
    let page = store
        .read_log_page(after, limit, PageContent::WHOLE)
        .await?;
    page.events()?.iter().map(relay_event).collect()
}

/// The event, its metadata as stored (JSON text, with the chain hash in it).
fn relay_event(event: &RawEvent<'_>) -> Result<RelayEvent, StoreError> {
    let (payload, metadata) = event.payload_and_metadata()?;
    let (metadata, hash) = split_hash(metadata).map_err(|e| event.corrupt("metadata", &e))?;
    Ok(write(event, payload, &metadata, &hash))
}

/// The envelope of `event` with `payload` (JSON text), `metadata` (JSON text without the hash)
/// and `hash`.
fn write(event: &RawEvent<'_>, payload: &str, metadata: &str, hash: &str) -> RelayEvent {
    let mut out = Vec::with_capacity(payload.len() + metadata.len() + 320);
    out.extend_from_slice(b"{\"position\":\"");
    out.extend_from_slice(event.position.to_string().as_bytes());
    out.extend_from_slice(b"\",\"aggregate_type\":");
    push_str(&mut out, &event.aggregate_type);
    out.extend_from_slice(b",\"aggregate_id\":");
    push_str(&mut out, &event.aggregate_id);
    out.extend_from_slice(b",\"sequence\":");
    out.extend_from_slice(event.sequence.to_string().as_bytes());
    out.extend_from_slice(b",\"event_type\":");
    push_str(&mut out, &event.event_type);
    out.extend_from_slice(b",\"event_version\":");
    push_str(&mut out, &event.event_version);
    out.extend_from_slice(b",\"payload\":");
    let start = out.len();
    out.extend_from_slice(payload.as_bytes());
    let payload = start..out.len();
    out.extend_from_slice(b",\"metadata\":");
    out.extend_from_slice(metadata.as_bytes());
    out.extend_from_slice(b",\"hash\":");
    push_str(&mut out, hash);
    out.push(b'}');
    RelayEvent {
        position: event.position,
        aggregate_type: event.aggregate_type.to_string(),
        aggregate_id: event.aggregate_id.to_string(),
        sequence: event.sequence,
        event_type: event.event_type.to_string(),
        envelope: out,
        payload,
    }
}

/// `text` as a JSON string.
fn push_str(out: &mut Vec<u8>, text: &str) {
    serde_json::to_writer(out, text).expect("writing to a Vec cannot fail");
}

/// The metadata without its `hash` key, as JSON text, and the hash (empty when missing or not a
/// string), as `LoggedEvent` has them.
fn split_hash(metadata: &str) -> Result<(String, String), serde_json::Error> {
    // Keys are plain names: borrowed. Anything else (not an object, an escaped key) goes the
    // general way.
    match serde_json::from_str::<BTreeMap<&str, &RawValue>>(metadata) {
        Ok(mut fields) => {
            let hash = fields
                .remove("hash")
                .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
                .unwrap_or_default();
            let mut out = String::with_capacity(metadata.len());
            out.push('{');
            for (n, (key, value)) in fields.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                // Borrowed keys have no escapes, but may still need some (control characters).
                out.push_str(&serde_json::to_string(key)?);
                out.push(':');
                out.push_str(value.get());
            }
            out.push('}');
            Ok((out, hash))
        }
        Err(_) => {
            let mut metadata: Value = serde_json::from_str(metadata)?;
            let hash = match metadata.as_object_mut().and_then(|m| m.remove("hash")) {
                Some(Value::String(hash)) => hash,
                _ => String::new(),
            };
            Ok((serde_json::to_string(&metadata)?, hash))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::LoggedEvent;
    use serde_json::json;
    use std::borrow::Cow;

    /// `event` as the log reader hands it out, with `payload` as its stored text (no metadata).
    pub(super) fn raw<'a>(event: &'a LoggedEvent, payload: &'a str) -> RawEvent<'a> {
        RawEvent {
            position: event.position,
            aggregate_type: Cow::Borrowed(&event.aggregate_type),
            aggregate_id: Cow::Borrowed(&event.aggregate_id),
            sequence: event.sequence,
            event_type: Cow::Borrowed(&event.event_type),
            event_version: Cow::Borrowed(&event.event_version),
            payload: Some(payload),
            metadata: None,
        }
    }

    fn logged() -> LoggedEvent {
        LoggedEvent {
            position: LogPosition {
                transaction: 48213,
                position: 917,
            },
            aggregate_type: "case".into(),
            aggregate_id: "0b6f\"x".into(),
            sequence: 4,
            event_type: "WhistleBlown".into(),
            event_version: "1".into(),
            payload: json!({"WhistleBlown": {"no": 1, "note": "占道施工\n", "at": "2026-03-02T02:00:00Z"}}),
            metadata: json!({"actor": "{\"role\":\"dispatcher\"}", "time": "2026-03-02T02:00:00+00:00"}),
            hash: "9c1e".into(),
        }
    }

    #[test]
    fn the_envelope_is_the_logged_event() {
        let event = logged();
        let relayed = RelayEvent::from_logged(&event).unwrap();
        let envelope: Value = serde_json::from_slice(&relayed.envelope).unwrap();
        assert_eq!(envelope, serde_json::to_value(&event).unwrap());
        let payload: Value = serde_json::from_slice(relayed.payload()).unwrap();
        assert_eq!(payload, event.payload);
    }

    #[test]
    fn the_hash_leaves_the_stored_metadata() {
        let event = logged();
        let mut stored = event.metadata.clone();
        stored["hash"] = json!("9c1e");
        let stored = format!(" {} ", serde_json::to_string_pretty(&stored).unwrap());
        let payload = event.payload.to_string();
        let read = RawEvent {
            metadata: Some(&stored),
            ..raw(&event, &payload)
        };
        let relayed = relay_event(&read).unwrap();
        let envelope: Value = serde_json::from_slice(&relayed.envelope).unwrap();
        assert_eq!(envelope, serde_json::to_value(&event).unwrap());
        let decoded = LoggedEvent::decode(&read).unwrap();
        assert_eq!(decoded, event, "the store's decoding agrees");
    }

    #[test]
    fn odd_metadata_goes_the_general_way() {
        for (stored, metadata, hash) in [
            (r#"{"a\u0062":1,"hash":"h"}"#, json!({"ab": 1}), "h"),
            (r#"{"hash":7,"x":null}"#, json!({"x": null}), ""),
            ("null", json!(null), ""),
            ("[1]", json!([1]), ""),
        ] {
            let (text, found) = split_hash(stored).unwrap();
            let text: Value = serde_json::from_str(&text).unwrap();
            assert_eq!((text, found.as_str()), (metadata, hash), "{stored}");
        }
        assert!(split_hash("{").is_err());
    }
}
