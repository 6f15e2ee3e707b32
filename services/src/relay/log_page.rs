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

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;
use sqlx::postgres::PgRow;
use sqlx::Row;

use crate::store::{LogPosition, Store, StoreError};

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
        let fields = Fields::of(event, &payload);
        Ok(fields.write(&metadata, &event.hash))
    }
}

/// Commit order on PostgreSQL, as `Store::read_log` reads it (`AS tx` keeps `ORDER BY
/// transaction_id` on the column, which the index serves). The texts of `json` columns are as
/// stored: valid JSON, which PostgreSQL checked on insert.
const POSTGRES_PAGE: &str = "
    SELECT position, transaction_id::text AS tx, aggregate_type, aggregate_id, sequence,
           event_type, event_version, payload::text AS payload, metadata::text AS metadata
    FROM events
    WHERE (transaction_id, position) > ($1::text::xid8, $2)
      AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY transaction_id, position LIMIT $3";

/// SQLite commits in position order. sqlx-sqlite copies every value of every row and hands each
/// row across threads, which costs more than the rest of relaying the event, so a page comes as
/// one row: its events as one JSON array of `[position, aggregate type, aggregate id, sequence,
/// event type, event version, payload, metadata]`, with how many there are (a stored payload that
/// is not one JSON value cannot slip extra entries in: an entry has exactly eight elements, and
/// the count is checked).
const SQLITE_PAGE: &str = "
    SELECT '[' || group_concat(entry, ',' ORDER BY position) || ']', count(*)
    FROM (SELECT position,
                 '[' || position || ',' || json_quote(aggregate_type) || ','
                     || json_quote(aggregate_id) || ',' || sequence || ','
                     || json_quote(event_type) || ',' || json_quote(event_version) || ','
                     || payload || ',' || metadata || ']' AS entry
          FROM events WHERE position > $1 ORDER BY position LIMIT $2)";

/// Up to `limit` events after `after`, in commit order: what `Store::read_log` returns, as the
/// relay needs it.
pub(crate) async fn read_page(
    store: &Store,
    after: LogPosition,
    limit: u32,
) -> Result<Vec<RelayEvent>, StoreError> {
    match store {
        Store::Postgres(pool) => {
            let rows = sqlx::query(POSTGRES_PAGE)
                .bind(after.transaction.to_string())
                .bind(after.position)
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?;
            rows.iter().map(decode_row).collect()
        }
        Store::Sqlite(pool) => {
            let (page, count): (Option<String>, i64) = sqlx::query_as(SQLITE_PAGE)
                .bind(after.position)
                .bind(i64::from(limit))
                .fetch_one(pool)
                .await?;
            parse_page(page.as_deref().unwrap_or("[]"), count)
        }
    }
}

/// The fields of an event other than its metadata.
struct Fields<'a> {
    position: LogPosition,
    aggregate_type: &'a str,
    aggregate_id: &'a str,
    sequence: i64,
    event_type: &'a str,
    event_version: &'a str,
    /// JSON text.
    payload: &'a str,
}

impl<'a> Fields<'a> {
    /// The fields of an event read through the store's own API, with its payload as text.
    #[cfg(test)]
    fn of(event: &'a crate::store::LoggedEvent, payload: &'a str) -> Fields<'a> {
        Fields {
            position: event.position,
            aggregate_type: &event.aggregate_type,
            aggregate_id: &event.aggregate_id,
            sequence: event.sequence,
            event_type: &event.event_type,
            event_version: &event.event_version,
            payload,
        }
    }

    fn corrupt(&self, what: &str, e: &dyn std::fmt::Display) -> StoreError {
        StoreError::Corrupt(format!(
            "{}/{}#{}: {what}: {e}",
            self.aggregate_type, self.aggregate_id, self.sequence
        ))
    }

    /// The event, its metadata given as stored (JSON text, with the chain hash in it).
    fn with_stored_metadata(self, metadata: &str) -> Result<RelayEvent, StoreError> {
        let (metadata, hash) = split_hash(metadata).map_err(|e| self.corrupt("metadata", &e))?;
        Ok(self.write(&metadata, &hash))
    }

    /// The event with `metadata` (JSON text without the hash) and `hash`.
    fn write(self, metadata: &str, hash: &str) -> RelayEvent {
        let mut out = Vec::with_capacity(self.payload.len() + metadata.len() + 320);
        out.extend_from_slice(b"{\"position\":\"");
        out.extend_from_slice(self.position.to_string().as_bytes());
        out.extend_from_slice(b"\",\"aggregate_type\":");
        push_str(&mut out, self.aggregate_type);
        out.extend_from_slice(b",\"aggregate_id\":");
        push_str(&mut out, self.aggregate_id);
        out.extend_from_slice(b",\"sequence\":");
        out.extend_from_slice(self.sequence.to_string().as_bytes());
        out.extend_from_slice(b",\"event_type\":");
        push_str(&mut out, self.event_type);
        out.extend_from_slice(b",\"event_version\":");
        push_str(&mut out, self.event_version);
        out.extend_from_slice(b",\"payload\":");
        let start = out.len();
        out.extend_from_slice(self.payload.as_bytes());
        let payload = start..out.len();
        out.extend_from_slice(b",\"metadata\":");
        out.extend_from_slice(metadata.as_bytes());
        out.extend_from_slice(b",\"hash\":");
        push_str(&mut out, hash);
        out.push(b'}');
        RelayEvent {
            position: self.position,
            aggregate_type: self.aggregate_type.to_string(),
            aggregate_id: self.aggregate_id.to_string(),
            sequence: self.sequence,
            event_type: self.event_type.to_string(),
            envelope: out,
            payload,
        }
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

/// Decodes a PostgreSQL row, borrowing its text.
fn decode_row(row: &PgRow) -> Result<RelayEvent, StoreError> {
    let tx: &str = row.try_get(1)?;
    let fields = Fields {
        position: LogPosition {
            transaction: 0,
            position: row.try_get(0)?,
        },
        aggregate_type: row.try_get(2)?,
        aggregate_id: row.try_get(3)?,
        sequence: row.try_get(4)?,
        event_type: row.try_get(5)?,
        event_version: row.try_get(6)?,
        payload: row.try_get(7)?,
    };
    let transaction = tx
        .parse()
        .map_err(|e| fields.corrupt("transaction id", &e))?;
    let metadata: &str = row.try_get(8)?;
    Fields {
        position: LogPosition {
            transaction,
            ..fields.position
        },
        ..fields
    }
    .with_stored_metadata(metadata)
}

/// One entry of a SQLite page.
#[derive(Deserialize)]
struct PageEntry<'a>(
    i64,
    String,
    String,
    i64,
    String,
    String,
    #[serde(borrow)] &'a RawValue,
    #[serde(borrow)] &'a RawValue,
);

/// The events of a SQLite page of `count` events.
fn parse_page(page: &str, count: i64) -> Result<Vec<RelayEvent>, StoreError> {
    let entries: Vec<PageEntry<'_>> =
        serde_json::from_str(page).map_err(|e| StoreError::Corrupt(format!("log page: {e}")))?;
    if i64::try_from(entries.len()) != Ok(count) {
        let found = entries.len();
        return Err(StoreError::Corrupt(format!(
            "log page of {count} events decodes to {found}: a payload is not one JSON value"
        )));
    }
    entries
        .iter()
        .map(|entry| {
            let PageEntry(
                position,
                aggregate_type,
                aggregate_id,
                sequence,
                event_type,
                version,
                payload,
                metadata,
            ) = entry;
            Fields {
                position: LogPosition {
                    transaction: 0,
                    position: *position,
                },
                aggregate_type,
                aggregate_id,
                sequence: *sequence,
                event_type,
                event_version: version,
                payload: payload.get(),
            }
            .with_stored_metadata(metadata.get())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::LoggedEvent;
    use serde_json::json;

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
        let fields = Fields::of(&event, &payload);
        let relayed = fields.with_stored_metadata(&stored).unwrap();
        let envelope: Value = serde_json::from_slice(&relayed.envelope).unwrap();
        assert_eq!(envelope, serde_json::to_value(&event).unwrap());
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

    #[test]
    fn a_sqlite_page_decodes_and_counts() {
        let page = r#"[[7,"case","c1",1,"CaseOpened","1",{"CaseOpened":{"x":1}},{"hash":"h","t":2}],
                       [9,"visit","v1",1,"VisitRecorded","1",{"VisitRecorded":{}},{"hash":"k"}]]"#;
        let events = parse_page(page, 2).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[1].position.position, 9);
        assert_eq!(events[0].payload(), br#"{"CaseOpened":{"x":1}}"#);
        let envelope: Value = serde_json::from_slice(&events[0].envelope).unwrap();
        assert_eq!(envelope["metadata"], json!({"t": 2}));
        assert_eq!(envelope["hash"], "h");
        assert_eq!(envelope["position"], "0-7");
        assert!(parse_page(page, 3).is_err());
        let extra = r#"[[7,"case","c1",1,"CaseOpened","1",1,2,{}]]"#;
        assert!(parse_page(extra, 1).is_err());
    }
}
