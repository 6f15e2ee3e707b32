//! Reading the input: one export envelope per line, parsed, rendered and (where it can be) hashed
//! on a blocking thread and handed over in batches, so the file is never held whole and that work
//! overlaps the writes.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;
use serde_json::Value;
use tokio::sync::mpsc;

use super::target::StreamKey;
use super::{link_hash, ImportError};

/// Longest line accepted. An event is a command's output (bodies are at most 64 KiB), so a longer
/// line is not an export; the limit keeps a wrong file from filling memory.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;

/// One line of `shaobao export` as written (the position token is the source's and is dropped).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Envelope {
    #[allow(dead_code)]
    position: Option<serde::de::IgnoredAny>,
    aggregate_type: String,
    aggregate_id: String,
    sequence: i64,
    event_type: String,
    event_version: String,
    payload: Value,
    metadata: Value,
    hash: String,
}

/// An event ready to be checked and stored: payload and metadata rendered once, canonically.
pub struct Incoming {
    /// 1-based line number in the input, for messages.
    pub line: u64,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    pub payload: String,
    /// Without `hash`: what the hash covers.
    pub metadata: String,
    /// With `hash`: what is stored.
    pub stored_metadata: String,
    pub hash: String,
    /// Whether `hash` covers this event chained onto the hash its stream's previous line in the
    /// file declares, when the reader saw that line lately; `None` when it did not. Whoever
    /// checks the chain in order knows that line's hash is the stream's head by then, so only
    /// the other events are hashed on the checking side.
    pub follows_previous_line: Option<bool>,
}

/// A batch of events and the input bytes read so far.
pub struct Batch {
    pub events: Vec<Incoming>,
    pub bytes_read: u64,
}

/// Reads `input` to its end, sending batches of `size` events; the first bad line ends it with
/// that line's error. Stops quietly when the receiver is gone (the import failed elsewhere).
pub fn read_batches(
    input: impl Read,
    size: usize,
    batches: mpsc::Sender<Result<Batch, ImportError>>,
) {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut buffer = Vec::new();
    let mut events = Vec::with_capacity(size);
    let mut lately = LatelySeen::default();
    let (mut line, mut bytes_read) = (0u64, 0u64);
    loop {
        line += 1;
        buffer.clear();
        let read = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buffer);
        let read = match read {
            Ok(0) => break,
            Ok(n) => n,
            Err(source) => {
                let _ = batches.blocking_send(Err(ImportError::Read { line, source }));
                return;
            }
        };
        bytes_read += read as u64;
        let parsed = if buffer.len() > MAX_LINE_BYTES {
            Err(ImportError::LineTooLong {
                line,
                limit: MAX_LINE_BYTES,
            })
        } else {
            parse(line, &buffer)
        };
        match parsed {
            Ok(mut event) => {
                lately.hash(&mut event);
                events.push(event);
            }
            Err(err) => {
                let _ = batches.blocking_send(Err(err));
                return;
            }
        }
        if events.len() == size {
            lately.end_batch();
            let full = std::mem::replace(&mut events, Vec::with_capacity(size));
            if batches
                .blocking_send(Ok(Batch {
                    events: full,
                    bytes_read,
                }))
                .is_err()
            {
                return;
            }
        }
    }
    if !events.is_empty() {
        let _ = batches.blocking_send(Ok(Batch { events, bytes_read }));
    }
}

/// The hashes the last lines of recent streams declare: this batch's and the one before's, so
/// memory follows the batch size, not the file's.
#[derive(Default)]
struct LatelySeen {
    this_batch: HashMap<StreamKey, String>,
    last_batch: HashMap<StreamKey, String>,
}

impl LatelySeen {
    /// Sets `event.follows_previous_line` where its stream's previous line is known.
    fn hash(&mut self, event: &mut Incoming) {
        let key = (event.aggregate_type.clone(), event.aggregate_id.clone());
        let previous = self
            .this_batch
            .get(&key)
            .or_else(|| self.last_batch.get(&key));
        event.follows_previous_line =
            previous.map(|previous| link_hash(previous, event) == event.hash);
        self.this_batch.insert(key, event.hash.clone());
    }

    fn end_batch(&mut self) {
        self.last_batch = std::mem::take(&mut self.this_batch);
    }
}

/// One line (with or without its line break) as an event, or why it is not one.
fn parse(line: u64, text: &[u8]) -> Result<Incoming, ImportError> {
    let malformed = |reason: String| ImportError::Malformed { line, reason };
    let text = text.strip_suffix(b"\n").unwrap_or(text);
    let text = text.strip_suffix(b"\r").unwrap_or(text);
    if text.iter().all(u8::is_ascii_whitespace) {
        return Err(malformed("empty line, expected an event".into()));
    }
    let envelope: Envelope = serde_json::from_slice(text)
        .map_err(|err| malformed(format!("not an exported event: {err}")))?;
    let Value::Object(metadata) = envelope.metadata else {
        return Err(malformed("metadata is not a JSON object".into()));
    };
    if metadata.contains_key("hash") {
        return Err(malformed(
            "metadata carries a \"hash\" key; an export keeps the hash beside it".into(),
        ));
    }
    if envelope.aggregate_type.is_empty() || envelope.aggregate_id.is_empty() {
        return Err(malformed(
            "aggregate_type and aggregate_id must not be empty".into(),
        ));
    }
    let rendered = Value::Object(metadata).to_string();
    let stored_metadata = with_hash(&rendered, &envelope.hash);
    Ok(Incoming {
        line,
        aggregate_type: envelope.aggregate_type,
        aggregate_id: envelope.aggregate_id,
        sequence: envelope.sequence,
        event_type: envelope.event_type,
        event_version: envelope.event_version,
        payload: envelope.payload.to_string(),
        metadata: rendered,
        stored_metadata,
        hash: envelope.hash,
        follows_previous_line: None,
    })
}

/// The rendered metadata object with `"hash"` added as its last key. Rendering the object again
/// with the key in it cost the import's reading thread (its bottleneck) a tenth of its time; key
/// order does not matter once stored, since the chain re-renders metadata canonically.
fn with_hash(rendered: &str, hash: &str) -> String {
    let hash = Value::from(hash).to_string();
    let body = rendered.strip_suffix('}').unwrap_or(rendered);
    let separator = if body == "{" { "" } else { "," };
    format!("{body}{separator}\"hash\":{hash}}}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"position":"0-1","aggregate_type":"case","aggregate_id":"a","sequence":1,"event_type":"E","event_version":"1","payload":{"b":1,"a":2},"metadata":{"actor":"x"},"hash":"h"}"#;

    #[test]
    fn a_line_renders_canonically_and_keeps_the_hash_beside_the_metadata() {
        let event = parse(7, format!("{GOOD}\r\n").as_bytes()).unwrap();
        assert_eq!(event.line, 7);
        assert_eq!(event.payload, r#"{"a":2,"b":1}"#);
        assert_eq!(event.metadata, r#"{"actor":"x"}"#);
        assert_eq!(event.stored_metadata, r#"{"actor":"x","hash":"h"}"#);
        let bare = GOOD.replace(r#"{"actor":"x"}"#, "{}");
        let event = parse(8, bare.as_bytes()).unwrap();
        assert_eq!(event.stored_metadata, r#"{"hash":"h"}"#);
    }

    #[test]
    fn bad_lines_name_their_number() {
        let missing = GOOD.replace(r#""sequence":1,"#, "");
        let unknown = GOOD.replace(r#""hash":"h""#, r#""hash":"h","extra":1"#);
        let hashed = GOOD.replace(r#"{"actor":"x"}"#, r#"{"actor":"x","hash":"h"}"#);
        for bad in ["", "not json", "[1]", &missing, &unknown, &hashed] {
            match parse(3, bad.as_bytes()) {
                Err(ImportError::Malformed { line: 3, .. }) => {}
                other => panic!("{bad:?}: {:?}", other.map(|e| e.line)),
            }
        }
    }
}
