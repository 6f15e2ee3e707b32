//! The relay benchmark: the relay publishing the whole log (reading the store, ordering and
//! deduplication headers, checkpoints) against a raw pipelined publish of the same messages with
//! `Nats-Msg-Id` only, on the same NATS server, in one run.
//!
//! The two sides alternate (raw, relay, raw, relay…) on a freshly created stream each time,
//! because the disks of small machines are noisy: only figures measured side by side compare.

use std::collections::VecDeque;
use std::future::IntoFuture;
use std::time::{Duration, Instant};

use async_nats::jetstream::message::PublishMessage;
use async_nats::jetstream::Context;
use serde::Serialize;

use super::feed::{messages_for, Outgoing};
use super::jetstream::stream_config;
use super::log_page::read_page;
use super::streets::Streets;
use super::{Relay, RelayConfig, RelayError, STREAM_NAME};
use crate::store::{LogPosition, Store};

/// The figures of one run; rates are medians over the rounds.
#[derive(Debug, Clone, Serialize)]
pub struct RelayBenchReport {
    /// Events in the log, all published by each round.
    pub events: usize,
    /// Messages they make (events, department notices, alerts).
    pub messages: usize,
    pub rounds: usize,
    pub relay_events_per_sec: f64,
    pub raw_events_per_sec: f64,
    pub raw_messages_per_sec: f64,
    /// Reading the log and making its messages alone, on one task, nothing published: what the
    /// relay's reader can feed at most.
    pub read_events_per_sec: f64,
    /// relay ÷ raw.
    pub ratio: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum RelayBenchError {
    #[error(transparent)]
    Relay(#[from] RelayError),
    #[error("NATS: {0}")]
    Nats(String),
    #[error("the relay did not publish the log within {0:?}")]
    Stalled(Duration),
}

/// A round that takes longer than this is reported as stalled.
const ROUND_LIMIT: Duration = Duration::from_secs(300);

/// Publishes the whole log of `store` `rounds` times each way to the NATS server at `nats_url`,
/// whose stream `SHAOBAO` it deletes and recreates between rounds: use a server of its own. The
/// relay runs with `config`.
pub async fn compare_relay_with_raw_publish(
    store: &Store,
    nats_url: &str,
    config: &RelayConfig,
    rounds: usize,
) -> Result<RelayBenchReport, RelayBenchError> {
    let nats_error = |e: &dyn std::fmt::Display| RelayBenchError::Nats(e.to_string());
    let client = async_nats::connect(nats_url)
        .await
        .map_err(|e| nats_error(&e))?;
    let jetstream = async_nats::jetstream::new(client);
    let (messages, last) = whole_log_as_messages(store, config.batch_size).await?;
    let events = count_events(store).await?;
    let (mut relay_rates, mut raw_rates, mut read_rates) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = Instant::now();
        whole_log_as_messages(store, config.batch_size).await?;
        read_rates.push(events as f64 / started.elapsed().as_secs_f64());

        recreate_stream(&jetstream, false).await?;
        let raw = publish_raw(&jetstream, &messages, config.max_in_flight).await?;
        raw_rates.push(events as f64 / raw.as_secs_f64());

        recreate_stream(&jetstream, true).await?;
        let relayed = relay_whole_log(store, nats_url, config, last).await?;
        relay_rates.push(events as f64 / relayed.as_secs_f64());
    }
    let (relay, raw) = (median(&mut relay_rates), median(&mut raw_rates));
    Ok(RelayBenchReport {
        events,
        messages: messages.len(),
        rounds,
        relay_events_per_sec: relay,
        raw_events_per_sec: raw,
        raw_messages_per_sec: raw * messages.len() as f64 / events as f64,
        read_events_per_sec: median(&mut read_rates),
        ratio: relay / raw,
    })
}

/// Every message the relay makes of the log, read `batch_size` events at a time as the relay
/// does, and the log's last position.
async fn whole_log_as_messages(
    store: &Store,
    batch_size: u32,
) -> Result<(Vec<Outgoing>, LogPosition), RelayError> {
    let mut streets = Streets::default();
    let (mut messages, mut cursor) = (Vec::new(), LogPosition::START);
    loop {
        let page = read_page(store, cursor, batch_size).await?;
        let Some(last) = page.last() else { break };
        cursor = last.position;
        for event in page {
            let street = streets.street_of(store, &event).await?;
            messages.extend(messages_for(event, street.as_deref(), None)?);
        }
    }
    Ok((messages, cursor))
}

async fn count_events(store: &Store) -> Result<usize, RelayError> {
    Ok(store.count_after(LogPosition::START).await? as usize)
}

/// Deletes the stream; creates it again unless the relay is to do that itself.
async fn recreate_stream(jetstream: &Context, leave_to_relay: bool) -> Result<(), RelayBenchError> {
    // A missing stream is the wanted state: ignore the "not found".
    let _ = jetstream.delete_stream(STREAM_NAME).await;
    if !leave_to_relay {
        jetstream
            .create_stream(stream_config(1))
            .await
            .map_err(|e| RelayBenchError::Nats(e.to_string()))?;
    }
    Ok(())
}

/// The baseline: publish with `Nats-Msg-Id`, as many acknowledgements in flight as the relay.
async fn publish_raw(
    jetstream: &Context,
    messages: &[Outgoing],
    max_in_flight: usize,
) -> Result<Duration, RelayBenchError> {
    let nats_error = |e: &dyn std::fmt::Display| RelayBenchError::Nats(e.to_string());
    let started = Instant::now();
    let mut in_flight = VecDeque::with_capacity(max_in_flight);
    for message in messages {
        if in_flight.len() == max_in_flight {
            let oldest: async_nats::jetstream::context::PublishAckFuture =
                in_flight.pop_front().expect("window is full");
            oldest.await.map_err(|e| nats_error(&e))?;
        }
        let publish = PublishMessage::build()
            .message_id(&message.msg_id)
            .payload(message.payload.clone());
        let ack = jetstream
            .send_publish(message.subject.clone(), publish)
            .await
            .map_err(|e| nats_error(&e))?;
        in_flight.push_back(ack);
    }
    for ack in in_flight {
        ack.into_future().await.map_err(|e| nats_error(&e))?;
    }
    Ok(started.elapsed())
}

/// Runs a relay on an empty stream from a checkpoint at the start, and times it from taking the
/// lease (connecting and a previous round's lease are not the relay's speed) until its checkpoint
/// reaches `last`. The relay starts once its client is connected.
async fn relay_whole_log(
    store: &Store,
    nats_url: &str,
    config: &RelayConfig,
    last: LogPosition,
) -> Result<Duration, RelayBenchError> {
    super::checkpoint::save(store, LogPosition::START)
        .await
        .map_err(RelayError::from)?;
    let relay = Relay::connect(store.clone(), nats_url, config.clone()).await?;
    let status = relay.status();
    let limit = Instant::now() + ROUND_LIMIT;
    // The client connects in the background: a relay started before would take its first step
    // without a connection, and wait out the back-off.
    while !status.report().connected {
        if Instant::now() > limit {
            return Err(RelayBenchError::Stalled(ROUND_LIMIT));
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let task = tokio::spawn(relay.run());
    let outcome = async {
        let mut started = None;
        loop {
            let report = status.report();
            let now = Instant::now();
            if now > limit {
                return Err(RelayBenchError::Stalled(ROUND_LIMIT));
            }
            match started {
                None if report.leader => started = Some(now),
                Some(started) if report.published_up_to == last => return Ok(now - started),
                _ => {}
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    let elapsed = outcome.await;
    task.abort();
    elapsed
}

fn median(rates: &mut [f64]) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates.get(rates.len() / 2).copied().unwrap_or(0.0)
}
