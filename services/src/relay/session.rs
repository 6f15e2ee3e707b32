//! One leadership term of the relay: find where the stream ends, then publish batch after batch.

use async_nats::connection::State;
use async_nats::jetstream::stream::Stream;

use super::feed::{messages_for, Outgoing};
use super::jetstream::{open_stream, publish_in_order, stream_end, Expect};
use super::streets::Streets;
use super::{checkpoint, Relay, RelayError};
use crate::store::{LogPosition, Store};

pub(super) enum Step {
    /// A batch went out (or part of it, then a failure was reported instead).
    Published,
    /// Nothing new in the log.
    Idle,
}

/// Where publishing goes on.
#[derive(Debug)]
struct Resume {
    /// Every event up to here is in the stream.
    after: LogPosition,
    /// The id of the stream's last message, when it is ours. If it belongs to the next event
    /// (published in part), that event's messages up to it are not sent again.
    tail: Option<String>,
    /// What the next message expects of the stream's end.
    expect: Expect,
}

/// Events read from the log, each with its messages.
type Batch = Vec<(LogPosition, Vec<Outgoing>)>;

pub(super) struct Session<'a> {
    relay: &'a Relay,
    stream: Option<Stream>,
    resume: Option<Resume>,
    streets: Streets,
    /// The batch after the one being published, read meanwhile.
    read_ahead: Option<Batch>,
}

impl<'a> Session<'a> {
    pub fn new(relay: &'a Relay) -> Self {
        Session {
            relay,
            stream: None,
            resume: None,
            streets: Streets::default(),
            read_ahead: None,
        }
    }

    pub async fn step(&mut self) -> Result<Step, RelayError> {
        let relay = self.relay;
        if relay.client.connection_state() != State::Connected {
            return Err(RelayError::Disconnected);
        }
        let stream = match &mut self.stream {
            Some(stream) => stream,
            None => self.stream.insert(open_stream(&relay.jetstream).await?),
        };
        let resume = match &mut self.resume {
            Some(resume) => resume,
            None => self.resume.insert(resume_at_end(&relay.store, stream).await?),
        };
        let mut batch = match self.read_ahead.take() {
            Some(batch) => batch,
            None => read_batch(relay, &mut self.streets, resume.after).await?,
        };
        let Some(&(last, _)) = batch.last() else {
            return Ok(Step::Idle);
        };
        if let (Some(tail), Some((_, first))) = (&resume.tail, batch.first_mut()) {
            if let Some(published) = first.iter().position(|m| &m.msg_id == tail) {
                first.drain(..=published);
            }
        }
        let sizes: Vec<(LogPosition, usize)> = batch.iter().map(|(p, m)| (*p, m.len())).collect();
        let messages: Vec<(Outgoing, LogPosition)> = batch
            .into_iter()
            .flat_map(|(position, messages)| messages.into_iter().map(move |m| (m, position)))
            .collect();
        let first = resume.expect.clone();
        // Reading the log and publishing take about as long as each other: overlap them.
        let (published, read_ahead) = tokio::join!(
            publish_in_order(&relay.jetstream, messages, first, relay.config.max_in_flight),
            read_batch(relay, &mut self.streets, last),
        );

        // The stream now holds the acknowledged prefix: remember that before anything can fail.
        if let Some(msg_id) = published.last_msg_id {
            resume.expect = Expect::LastMsgId(msg_id.clone());
            resume.tail = Some(msg_id);
        }
        let done = completed_events(&sizes, published.acked);
        if let Some(position) = done {
            resume.after = position;
        }
        if let Some(err) = published.failure {
            // Whatever went wrong (NATS restarted, the stream was deleted or refused an
            // expectation), the stream is reopened and its end read again before the next try.
            self.stream = None;
            self.resume = None;
            self.save(done).await?;
            return Err(err.into());
        }
        // A failed or empty read-ahead is simply read again next time.
        self.read_ahead = read_ahead.ok().filter(|batch| !batch.is_empty());
        self.save(done).await?;
        Ok(Step::Published)
    }

    async fn save(&self, done: Option<LogPosition>) -> Result<(), RelayError> {
        if let Some(position) = done {
            checkpoint::save(&self.relay.store, position).await?;
            self.relay.status.published(position);
        }
        Ok(())
    }
}

/// The events after `after` (a batch of them) with their messages.
async fn read_batch(
    relay: &Relay,
    streets: &mut Streets,
    after: LogPosition,
) -> Result<Batch, RelayError> {
    let events = relay
        .store
        .read_log(after, relay.config.batch_size)
        .await?;
    let mut batch = Vec::with_capacity(events.len());
    for event in &events {
        let street = streets.street_of(&relay.store, event).await?;
        batch.push((event.position, messages_for(event, street.as_deref())?));
    }
    Ok(batch)
}

/// The last event all of whose messages are among the first `acked`.
fn completed_events(sizes: &[(LogPosition, usize)], mut acked: usize) -> Option<LogPosition> {
    let mut done = None;
    for &(position, size) in sizes {
        if size > acked {
            break;
        }
        acked -= size;
        done = Some(position);
    }
    done
}

/// Where to go on, from the stream's last message: the stream, not the checkpoint, knows what was
/// published (the checkpoint lags behind a crash; NATS may have lost writes it acknowledged).
async fn resume_at_end(store: &Store, stream: &mut Stream) -> Result<Resume, RelayError> {
    let checkpoint = checkpoint::load(store).await?;
    let end = stream_end(stream).await?;
    let (after, tail) = match end.relayed {
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
    tracing::info!(%after, ?tail, "relay: publishing");
    Ok(Resume {
        after,
        tail,
        expect: Expect::LastSequence(end.last_sequence),
    })
}
