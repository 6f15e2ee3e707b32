//! Failures: NATS killed while commands run, the relay killed mid-batch, the stream lost, two
//! relays at once. Each ends with the stream equal to the log, in order, once.
//!
//! Most run on a stream whose duplicate window is one second and wait it out, so that what keeps
//! repeats and gaps out is the relay's ordering, not JetStream's deduplication.

use std::time::{Duration, Instant};

use shaobao_services::relay::{RelayConfig, RelayStatus, STREAM_NAME};
use shaobao_services::store::Store;
use shaobao_tests::nats::workload::case_life;

use crate::support::{assert_stream_is_the_log, quick_relay, Rig, SHORT_DUPLICATE_WINDOW};
use shaobao_tests::nats::stream::{expected, messages_in_stream, whole_log};

pub async fn commands_succeed_while_nats_is_down_and_the_stream_catches_up(mut rig: Rig) {
    rig.shorten_duplicate_window().await;
    let (status, relay) = rig.spawn_relay().await;
    let jetstream = rig.jetstream().await;
    let service = rig.service.clone();
    let burst = tokio::spawn(async move {
        for n in 0..30 {
            case_life(&service, n).await;
        }
    });
    wait_until("the relay publishes", || async {
        messages_in_stream(&jetstream).await >= 10
    })
    .await;
    rig.nats.kill();

    // Commands go on succeeding (case_life panics on any failure) while nothing can be published.
    burst.await.expect("burst during the outage");
    rig.cases(30..40).await;
    wait_until("the relay sees the outage and its lag", || async {
        let report = status.report();
        !report.connected && report.lag_events.unwrap_or(0) > 0
    })
    .await;
    // Past the window, the restarted server no longer knows its last message id.
    tokio::time::sleep(SHORT_DUPLICATE_WINDOW * 2).await;

    rig.nats.restart().await;
    rig.cases(40..45).await;
    assert_stream_is_the_log(&rig, &status).await;
    relay.abort();
}

pub async fn a_relay_aborted_mid_batch_resumes_without_gaps_or_duplicates(rig: Rig) {
    rig.shorten_duplicate_window().await;
    rig.cases(0..150).await;
    let total = expected(&whole_log(rig.store()).await).len();
    let jetstream = rig.jetstream().await;
    for quarter in 1..=3 {
        let (_, relay) = rig.spawn_relay().await;
        let target = total * quarter / 4;
        wait_until("the relay publishes", || async {
            messages_in_stream(&jetstream).await >= target
        })
        .await;
        relay.abort();
        let _ = relay.await;
        let held = messages_in_stream(&jetstream).await;
        assert!(held < total, "aborted mid-way ({held} of {total} messages)");
        tokio::time::sleep(SHORT_DUPLICATE_WINDOW * 2).await;
    }
    // A last relay takes over while commands keep coming.
    let (status, relay) = rig.spawn_relay().await;
    rig.cases(150..160).await;
    assert_stream_is_the_log(&rig, &status).await;
    relay.abort();
}

pub async fn a_lost_stream_is_published_again_from_the_log(rig: Rig) {
    let (status, relay) = rig.spawn_relay().await;
    rig.cases(0..6).await;
    assert_stream_is_the_log(&rig, &status).await;
    let jetstream = rig.jetstream().await;
    jetstream.delete_stream(STREAM_NAME).await.unwrap();

    // The next publish finds no stream: the relay creates it and starts over from the log.
    rig.cases(6..8).await;
    assert_stream_is_the_log(&rig, &status).await;
    relay.abort();
}

/// The second relay looks at the log only every two duplicate windows: when it does, what it
/// would publish went out long ago, beyond deduplication.
pub async fn two_relays_at_once_still_publish_each_event_once(rig: Rig) {
    rig.shorten_duplicate_window().await;
    let (first, first_task) = rig.spawn_relay().await;
    let slow = RelayConfig {
        poll_interval: SHORT_DUPLICATE_WINDOW * 2,
        ..quick_relay()
    };
    let (second, second_task) = rig.spawn_relay_with(slow).await;
    let leaders = |a: &RelayStatus, b: &RelayStatus| {
        usize::from(a.report().leader) + usize::from(b.report().leader)
    };
    // On SQLite (one node) both lead and race each other; on PostgreSQL the lease picks one.
    let racing = matches!(rig.store(), Store::Sqlite(_));
    let most = if racing { 2 } else { 1 };
    wait_until("the relays take the lead", || async {
        leaders(&first, &second) == most
    })
    .await;
    // Both have read where the (empty) stream ends before anything is published.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let service = rig.service.clone();
    let burst = tokio::spawn(async move {
        for n in 0..30 {
            case_life(&service, n).await;
        }
    });
    while !burst.is_finished() {
        assert!(leaders(&first, &second) <= most, "at most {most} leaders");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    burst.await.unwrap();
    assert_eq!(leaders(&first, &second), most, "leaders");
    tokio::time::sleep(SHORT_DUPLICATE_WINDOW * 3).await;
    assert_stream_is_the_log(&rig, &first).await;
    assert_stream_is_the_log(&rig, &second).await;
    first_task.abort();
    second_task.abort();
}

async fn wait_until<F, Fut>(what: &str, mut condition: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}
