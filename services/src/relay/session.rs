//! One leadership term of the relay: find where the stream ends, then publish batch after batch
//! as the reader delivers them.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::connection::State;
use async_nats::jetstream::stream::Stream;
use tokio::sync::Mutex;

use super::jetstream::{open_stream, stream_end, Expect};
use super::pipeline::Pipeline;
use super::reader::{Batch, Reader};
use super::streets::Streets;
use super::{checkpoint, Relay, RelayError};
use crate::store::LogPosition;

pub(super) enum Step {
    /// A batch went out.
    Published,
    /// Nothing new in the log; everything sent is acknowledged.
    Idle,
    /// Not yet connected to NATS since the start.
    Connecting,
}

/// How often a busy relay saves its checkpoint.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Publishing from a known end of the stream on.
struct Publishing {
    pipeline: Pipeline,
    reader: Reader,
    /// The stream's last message when publishing started, if ours: the first event read may be
    /// in the stream in part, up to and including it.
    published_through: Option<String>,
    /// The checkpoint last saved, and when.
    saved: (Option<LogPosition>, Instant),
}

pub(super) struct Session<'a> {
    relay: &'a Relay,
    stream: Option<Stream>,
    publishing: Option<Publishing>,
    /// Kept across restarts of the reader, so cases need not be looked up again.
    streets: Arc<Mutex<Streets>>,
}

impl<'a> Session<'a> {
    pub fn new(relay: &'a Relay) -> Self {
        Session {
            relay,
            stream: None,
            publishing: None,
            streets: Arc::default(),
        }
    }

    pub async fn step(&mut self) -> Result<Step, RelayError> {
        let relay = self.relay;
        match relay.client.connection_state() {
            State::Connected => {}
            // The first connection is still being made (the client retries on its own): not a
            // failure worth a warning, only a wait.
            State::Pending => return Ok(Step::Connecting),
            State::Disconnected => return Err(RelayError::Disconnected),
        }
        let stream = match &mut self.stream {
            Some(stream) => stream,
            None => self
                .stream
                .insert(open_stream(&relay.jetstream, relay.config.stream_replicas).await?),
        };
        let publishing = match &mut self.publishing {
            Some(publishing) => publishing,
            None => {
                let started = start_at_end(relay, stream, self.streets.clone()).await?;
                self.publishing.insert(started)
            }
        };
        let acked_before = publishing.pipeline.acked_up_to();
        let (sent, idle) = match publishing.reader.next().await {
            Err(err) => (Err(err), false),
            Ok(batch) if batch.is_empty() => {
                let drained = publishing.pipeline.drain().await;
                (drained.map_err(RelayError::from), true)
            }
            Ok(mut batch) => {
                if let (Some(through), Some((_, first))) =
                    (publishing.published_through.take(), batch.first_mut())
                {
                    if let Some(published) = first.iter().position(|m| m.msg_id == through) {
                        first.drain(..=published);
                    }
                }
                (send(&mut publishing.pipeline, batch).await, false)
            }
        };
        let acked = publishing.pipeline.acked_up_to();
        if acked != acked_before {
            if let Some(position) = acked {
                relay.status.published(position);
            }
        }
        // The checkpoint is saved when the relay catches up and at most every CHECKPOINT_EVERY
        // while it is busy (or failing): a commit per batch would cost more than the batch. A
        // lagging checkpoint costs nothing on a restart, which goes on from the stream's end.
        let due = idle || sent.is_err() || publishing.saved.1.elapsed() >= CHECKPOINT_EVERY;
        let advanced = acked.filter(|_| due && acked != publishing.saved.0);
        if let Err(err) = sent {
            // Whatever went wrong (NATS restarted, the stream was deleted or refused an
            // expectation), the stream is reopened and its end read again before the next try.
            self.stream = None;
            self.publishing = None;
            save(relay, advanced).await?;
            return Err(err);
        }
        save(relay, advanced).await?;
        if let (Some(publishing), Some(_)) = (&mut self.publishing, advanced) {
            publishing.saved = (advanced, Instant::now());
        }
        Ok(if idle { Step::Idle } else { Step::Published })
    }
}

async fn send(pipeline: &mut Pipeline, batch: Batch) -> Result<(), RelayError> {
    for (position, messages) in batch {
        pipeline.send_event(position, messages).await?;
    }
    Ok(())
}

/// Stores the checkpoint, if it moved.
async fn save(relay: &Relay, advanced: Option<LogPosition>) -> Result<(), RelayError> {
    if let Some(position) = advanced {
        checkpoint::save(&relay.store, position).await?;
    }
    Ok(())
}

/// Where to go on, from the stream's last message: the stream, not the checkpoint, knows what was
/// published (the checkpoint lags behind a crash; NATS may have lost writes it acknowledged).
async fn start_at_end(
    relay: &Relay,
    stream: &mut Stream,
    streets: Arc<Mutex<Streets>>,
) -> Result<Publishing, RelayError> {
    let checkpoint = checkpoint::load(&relay.store).await?;
    let end = stream_end(stream).await?;
    let (read_after, published_through) = match end.relayed {
        // The cursor sits on (transaction, position), so one below the last message's event in
        // the same transaction reads that event first: it may be in the stream only in part.
        Some((position, msg_id)) => (
            LogPosition {
                position: position.position - 1,
                ..position
            },
            Some(msg_id),
        ),
        None if end.last_sequence == 0 => {
            if checkpoint != LogPosition::START {
                tracing::warn!(%checkpoint, "relay: stream is empty; publishing the whole log");
            }
            (LogPosition::START, None)
        }
        None => {
            tracing::warn!(%checkpoint, "relay: the stream's end is not ours; going on from the checkpoint");
            (checkpoint, None)
        }
    };
    tracing::info!(after = %read_after, through = ?published_through, "relay: publishing");
    let first = Expect::LastSequence(end.last_sequence);
    let store = relay.store.clone();
    Ok(Publishing {
        pipeline: Pipeline::new(relay.jetstream.clone(), relay.config.max_in_flight, first),
        reader: Reader::start(
            store,
            streets,
            relay.repeats.clone(),
            read_after,
            relay.config.batch_size,
        ),
        published_through,
        saved: (Some(checkpoint), Instant::now()),
    })
}
