//! Pipelined publishing: messages go out in log order with a bounded window of acknowledgements
//! outstanding, across batches, and the pipeline keeps track of how far JetStream acknowledged.

use std::collections::VecDeque;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use async_nats::jetstream::context::PublishError;
use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::publish::PublishAck;
use async_nats::jetstream::Context;

use super::feed::Outgoing;
use super::jetstream::Expect;
use crate::store::LogPosition;

type AckFuture = Pin<Box<dyn Future<Output = Result<PublishAck, PublishError>> + Send>>;

struct InFlight {
    /// Set on the last message of an event: once it is acknowledged, the log is in the stream up
    /// to this position.
    completes: Option<LogPosition>,
    ack: AckFuture,
}

pub(crate) struct Pipeline {
    jetstream: Context,
    max_in_flight: usize,
    in_flight: VecDeque<InFlight>,
    /// What the next message expects of the stream's end.
    expect: Expect,
    /// Every event up to here is acknowledged in full.
    acked_up_to: Option<LogPosition>,
}

impl Pipeline {
    /// A pipeline whose first message expects `first`.
    pub fn new(jetstream: Context, max_in_flight: usize, first: Expect) -> Self {
        Pipeline {
            jetstream,
            max_in_flight,
            in_flight: VecDeque::with_capacity(max_in_flight),
            expect: first,
            acked_up_to: None,
        }
    }

    pub fn acked_up_to(&self) -> Option<LogPosition> {
        self.acked_up_to
    }

    /// Sends the messages of the event at `position`, first waiting for the oldest
    /// acknowledgements while the window is full. After an error the pipeline is spent: the
    /// stream's end must be read again.
    pub async fn send_event(
        &mut self,
        position: LogPosition,
        messages: Vec<Outgoing>,
    ) -> Result<(), PublishError> {
        for message in messages {
            if self.in_flight.len() >= self.max_in_flight {
                self.await_oldest().await?;
            }
            let publish = PublishMessage::build()
                .message_id(&message.msg_id)
                .payload(message.payload);
            let publish = match &self.expect {
                Expect::LastSequence(sequence) => publish.expected_last_sequence(*sequence),
                Expect::LastMsgId(msg_id) => publish.expected_last_message_id(msg_id),
            };
            let ack = self
                .jetstream
                .send_publish(message.subject, publish)
                .await?;
            self.expect = Expect::LastMsgId(message.msg_id);
            self.in_flight.push_back(InFlight {
                completes: None,
                ack: ack.into_future(),
            });
        }
        // An event whose messages are all in the stream already completes with the one before.
        match self.in_flight.back_mut() {
            Some(last) => last.completes = Some(position),
            None => self.acked_up_to = Some(position),
        }
        Ok(())
    }

    /// Waits for every outstanding acknowledgement.
    pub async fn drain(&mut self) -> Result<(), PublishError> {
        while !self.in_flight.is_empty() {
            self.await_oldest().await?;
        }
        Ok(())
    }

    async fn await_oldest(&mut self) -> Result<(), PublishError> {
        let Some(oldest) = self.in_flight.pop_front() else {
            return Ok(());
        };
        match oldest.ack.await {
            Ok(_) => {
                if let Some(position) = oldest.completes {
                    self.acked_up_to = Some(position);
                }
                Ok(())
            }
            Err(err) => {
                self.in_flight.clear();
                Err(err)
            }
        }
    }
}
