//! A normal run: the stream is the log, the relay reports itself caught up, and each department
//! follows exactly its own work with a durable consumer.

use std::time::{Duration, Instant};

use async_nats::jetstream::consumer::pull::Config;
use async_nats::jetstream::consumer::{AckPolicy, PullConsumer};
use futures::StreamExt;
use serde_json::Value;
use shaobao_services::relay::{DepartmentNotice, RelayStatus, STREAM_NAME};
use shaobao_services::store::LoggedEvent;

use shaobao_tests::nats::stream::{given_work, whole_log};

use crate::support::{assert_stream_is_the_log, Rig};

pub async fn the_stream_holds_the_log_once_in_log_order(rig: Rig) {
    let (status, relay) = rig.spawn_relay().await;
    rig.cases(0..12).await;
    assert_stream_is_the_log(&rig, &status).await;

    let report = wait_for_no_lag(&status).await;
    assert!(report.connected && report.leader, "{report:?}");
    assert!(report.last_publish_at.is_some(), "{report:?}");
    assert_eq!(report.last_error, None);
    // Not even a warning at start-up (the first connection is awaited, not reported as lost).
    assert_eq!(report.failures, 0, "{report:?}");
    relay.abort();
}

pub async fn a_department_follows_its_work_with_a_durable_consumer(rig: Rig) {
    let (status, relay) = rig.spawn_relay().await;
    rig.cases(0..6).await;
    assert_stream_is_the_log(&rig, &status).await;
    let jetstream = rig.jetstream().await;
    let stream = jetstream.get_stream(STREAM_NAME).await.unwrap();
    let config = |department: &str| Config {
        durable_name: Some(format!("{department}-agent")),
        filter_subject: format!("shaobao.whistles.{department}"),
        ack_policy: AckPolicy::Explicit,
        ..Default::default()
    };
    for department in ["urban_management", "housing"] {
        let consumer: PullConsumer = stream.create_consumer(config(department)).await.unwrap();
        let log = whole_log(rig.store()).await;
        let notices = receive_all(&consumer, &work_of(department, &log)).await;
        assert!(!notices.is_empty(), "{department} has work");
    }

    // The durable consumer remembers what it acknowledged: later work only.
    let before = whole_log(rig.store()).await.len();
    rig.cases(6..9).await;
    assert_stream_is_the_log(&rig, &status).await;
    let log = whole_log(rig.store()).await;
    let consumer: PullConsumer = stream.get_consumer("urban_management-agent").await.unwrap();
    let later = receive_all(&consumer, &work_of("urban_management", &log[before..])).await;
    assert!(!later.is_empty(), "later work arrives");
    relay.abort();
}

/// What `department` is given in `log`: (event, the department's entry in its JSON body).
fn work_of<'a>(department: &str, log: &'a [LoggedEvent]) -> Vec<(&'a LoggedEvent, &'a Value)> {
    let mine = |event: &'a LoggedEvent| {
        let entry = given_work(event)
            .into_iter()
            .find(|entry| entry["department"] == department);
        entry.map(|entry| (event, entry))
    };
    log.iter().filter_map(mine).collect()
}

/// Receives and acknowledges `work.len()` notices, checks each against its event, then checks
/// that nothing else is pending.
async fn receive_all(
    consumer: &PullConsumer,
    work: &[(&LoggedEvent, &Value)],
) -> Vec<DepartmentNotice> {
    let mut messages = consumer.messages().await.unwrap();
    let mut notices = Vec::new();
    for (event, entry) in work {
        let next = tokio::time::timeout(Duration::from_secs(10), messages.next()).await;
        let message = next.expect("a notice").unwrap().unwrap();
        let notice: DepartmentNotice = serde_json::from_slice(&message.payload).unwrap();
        let json: Value = serde_json::from_slice(&message.payload).unwrap();
        let body = &event.payload[&event.event_type];
        assert_eq!(
            (notice.case_id.as_str(), notice.sequence, notice.position),
            (event.aggregate_id.as_str(), event.sequence, event.position)
        );
        assert_eq!(json["event_type"], event.event_type);
        match event.event_type.as_str() {
            "CaseDispatched" => {
                for deadline in ["sign_by", "contact_by", "resolve_by", "return_until"] {
                    assert_eq!(json[deadline], body[deadline], "{deadline}");
                }
                let role = if entry == &&body["unit"] {
                    "handling_unit"
                } else {
                    "co_unit"
                };
                assert_eq!(json["role"], role);
            }
            _ => {
                assert_eq!(json["whistle_no"], body["no"]);
                assert_eq!(json["report_in_by"], entry["report_in_by"]);
                assert_eq!(json["role"], entry["role"]);
            }
        }
        message.ack().await.unwrap();
        notices.push(notice);
    }
    let mut consumer = consumer.clone();
    let info = consumer.info().await.unwrap();
    assert_eq!(info.num_pending, 0, "nothing else for this department");
    notices
}

/// The report once the relay has counted no lag (it counts about once a second).
async fn wait_for_no_lag(status: &RelayStatus) -> shaobao_services::relay::RelayReport {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let report = status.report();
        if report.lag_events == Some(0) {
            return report;
        }
        assert!(Instant::now() < deadline, "lag never reached 0: {report:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
