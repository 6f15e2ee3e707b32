//! The JetStream side of the relay: the `SHAOBAO` stream, where it ends, and what a message
//! expects of that end.
//!
//! Order: every message says what the stream must end with for it to be stored: the message
//! before it (`Nats-Expected-Last-Msg-Id`), or, first after reading the stream's end, that end's
//! sequence (`Nats-Expected-Last-Sequence`). So a message lost on a broken connection cannot be
//! overtaken by the ones behind it (they are refused, and the relay sends them again in order),
//! and a relay that fell behind (a second leader, a stale task) cannot publish anything twice,
//! even after the duplicate window. A repeat of a stored message is recognised by its
//! `Nats-Msg-Id` first (inside the duplicate window) and acknowledged as a duplicate, whatever it
//! expects.

use std::time::Duration;

use async_nats::header::NATS_MESSAGE_ID;
use async_nats::jetstream::stream::{Config, Stream};
use async_nats::jetstream::{self, Context};

use super::RelayError;
use crate::store::LogPosition;

/// The stream every message goes to (DESIGN §6).
pub const STREAM_NAME: &str = "SHAOBAO";

/// JetStream drops a repeated `Nats-Msg-Id` seen within this window.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// The stream's configuration when the relay creates it, with `replicas` copies (1 on a single
/// server, 3 on a three-server cluster: it then survives the loss of any one). An existing stream
/// is used as it is, so an operator may change replicas or limits.
pub fn stream_config(replicas: usize) -> Config {
    Config {
        name: STREAM_NAME.to_string(),
        subjects: vec!["shaobao.>".to_string()],
        storage: jetstream::stream::StorageType::File,
        duplicate_window: DUPLICATE_WINDOW,
        num_replicas: replicas,
        ..Default::default()
    }
}

pub(crate) async fn open_stream(
    jetstream: &Context,
    replicas: usize,
) -> Result<Stream, RelayError> {
    Ok(jetstream
        .get_or_create_stream(stream_config(replicas))
        .await?)
}

/// Where the stream ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StreamEnd {
    /// The sequence of its last message (0: it never held one).
    pub last_sequence: u64,
    /// The event and `Nats-Msg-Id` of that message, when a relay published it and it is still there.
    pub relayed: Option<(LogPosition, String)>,
}

pub(crate) async fn stream_end(stream: &mut Stream) -> Result<StreamEnd, RelayError> {
    let state = stream.info().await?.state.clone();
    let mut end = StreamEnd {
        last_sequence: state.last_sequence,
        relayed: None,
    };
    if state.messages > 0 {
        let last = stream.get_raw_message(state.last_sequence).await?;
        let msg_id = last
            .headers
            .get(NATS_MESSAGE_ID)
            .map(|v| v.as_str().to_string());
        end.relayed = position_in(&last.payload).zip(msg_id);
    }
    Ok(end)
}

/// The log position in a relayed message: both the event envelope and the department notice
/// carry it as `position`.
fn position_in(payload: &[u8]) -> Option<LogPosition> {
    #[derive(serde::Deserialize)]
    struct Positioned {
        position: LogPosition,
    }
    serde_json::from_slice::<Positioned>(payload)
        .ok()
        .map(|p| p.position)
}

/// What a message requires of the stream's end to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expect {
    /// `Nats-Expected-Last-Sequence`: right after reading the stream's end. (A restarted server
    /// forgets its last message id once that message is older than the duplicate window, and
    /// then refuses every `Nats-Expected-Last-Msg-Id`; it always knows its last sequence.)
    LastSequence(u64),
    /// `Nats-Expected-Last-Msg-Id`: after a message of ours, which is all the pipeline knows.
    LastMsgId(String),
}
