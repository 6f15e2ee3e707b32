//! Repeat warnings on `shaobao.alerts.<street>` (DESIGN §4, §6): the case that brings a place to
//! the repeat threshold raises one message, published right after its `CaseOpened`; later cases at
//! the same place and a relay restarted on a stream that ends with the warning publish none again,
//! whether the relay decides the cases one by one or a page of the log at a time.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use serde_json::json;
use shaobao_domain::case::{CaseKind, Channel, Location, OpenCase};
use shaobao_domain::Actor;
use shaobao_projections::models::hotspots::HotspotRepeatWarnings;
use shaobao_projections::{ProjectionName, Projections, ProjectionsConfig};
use shaobao_services::cases::{CaseService, Request};
use shaobao_services::clock::ManualClock;
use shaobao_services::org_file::load_org;
use shaobao_services::relay::{Relay, RelayStatus};
use shaobao_tests::nats::stream::{expected, stream_contents, Streamed};

use crate::support::{quick_relay, wait_until_published, Rig, SHORT_DUPLICATE_WINDOW};

const STREET: &str = "jingshan";
const ADDRESS: &str = "景山前街4号";

pub async fn a_place_reaching_the_threshold_warns_once(rig: Rig) {
    // A restart that published the warning again would not be hidden by the duplicate window.
    rig.shorten_duplicate_window().await;
    let org = Arc::new(load_org(None, 1.0).expect("sample district"));
    let threshold = org.hotspots.repeat_threshold as usize;
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap(),
    ));
    let cases = Arc::new(CaseService::new(
        rig.store().clone(),
        org.clone(),
        clock.clone(),
    ));
    shaobao_projections::prepare::ensure_built(rig.store(), &org)
        .await
        .unwrap();
    let projections = Projections::start(
        rig.store().clone(),
        cases.clone(),
        clock.clone(),
        org.clone(),
        ProjectionsConfig {
            projections: vec![ProjectionName::Hotspots],
            poll_interval: Duration::from_millis(20),
            deadline_service: false,
            merge_follower: false,
            ..ProjectionsConfig::default()
        },
    );
    let relay = |rig: &Rig| {
        let repeats = Arc::new(HotspotRepeatWarnings {
            store: rig.store().clone(),
            settings: org.hotspots,
        });
        let (store, url) = (rig.store().clone(), rig.nats.url());
        async move {
            let relay = Relay::connect(store, &url, quick_relay()).await.unwrap();
            let relay = relay.with_repeat_warnings(repeats);
            (relay.status(), tokio::spawn(relay.run()))
        }
    };
    // A case elsewhere, then `threshold` cases at one place, a day apart, differently worded;
    // all before the relay starts, so that one page of the log brings them all and one decision
    // covers them (later, a restarted relay decides a case at a time).
    let mut ids = vec![open(&cases, "景山后街1号", "路灯不亮").await];
    for day in 0..threshold {
        clock.advance(chrono::Duration::days(1));
        ids.push(open(&cases, ADDRESS, &format!("门口施工噪音第{day}次")).await);
    }
    let (status, task) = relay(&rig).await;
    let streamed = published(&rig, &status).await;
    let warnings = repeat_warnings(&streamed);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let crossing = &ids[threshold];
    let warning = &warnings[0];
    assert_eq!(warning.msg_id, format!("{crossing}:1:repeat"));
    let opened = rig.store().history("case", crossing).await.unwrap();
    let payload = &warning.payload;
    assert_eq!(
        (
            &payload["kind"],
            &payload["case_id"],
            &payload["position"],
            &payload["street"],
            &payload["category"],
            &payload["place"],
            &payload["count"],
            &payload["case_ids"],
            &payload["repeat_threshold"],
        ),
        (
            &json!("repeat"),
            &json!(crossing),
            &json!(opened[0].position.to_string()),
            &json!(STREET),
            &json!("noise"),
            &json!(ADDRESS),
            &json!(threshold),
            &json!(ids[1..]),
            &json!(threshold),
        ),
        "{payload}"
    );
    // Right after the case's own event.
    let at = streamed
        .iter()
        .position(|m| m.msg_id == warning.msg_id)
        .unwrap();
    assert_eq!(streamed[at - 1].msg_id, format!("{crossing}:1"));
    // The stream ends with the warning: a restarted relay goes on from it without sending it again.
    assert_eq!(streamed.last().unwrap().msg_id, warning.msg_id);

    task.abort();
    tokio::time::sleep(SHORT_DUPLICATE_WINDOW * 2).await;
    let (status, task) = relay(&rig).await;
    clock.advance(chrono::Duration::days(1));
    open(&cases, ADDRESS, "又在施工").await;
    let streamed = published(&rig, &status).await;
    assert_eq!(repeat_warnings(&streamed), warnings, "published once");
    task.abort();
    projections.shutdown().await;
}

/// The repeat warnings among `streamed`.
fn repeat_warnings(streamed: &[Streamed]) -> Vec<Streamed> {
    streamed
        .iter()
        .filter(|m| {
            m.subject == format!("shaobao.alerts.{STREET}") && m.payload["kind"] == "repeat"
        })
        .cloned()
        .collect()
}

/// Opens a noise complaint at `address`; returns its id.
async fn open(cases: &CaseService, address: &str, description: &str) -> String {
    let open = OpenCase {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind: CaseKind::Complaint,
        category: "noise".into(),
        urgency: None,
        description: description.into(),
        location: Location {
            address: Some(address.into()),
            ..Location::street(STREET)
        },
        requester: None,
        source: None,
    };
    let (hotline, request) = (Actor::hotline("op-1"), Request::default());
    let opened = cases.open(&hotline, open, &request).await;
    opened.expect("opened").aggregate_id
}

/// Waits until the relay has published the whole log; checks that the stream is the log plus
/// repeat warnings, and returns it.
async fn published(rig: &Rig, status: &RelayStatus) -> Vec<Streamed> {
    let log = wait_until_published(rig, status).await;
    let streamed = stream_contents(&rig.jetstream().await).await;
    let others: Vec<(String, String)> = streamed
        .iter()
        .filter(|m| m.payload["kind"] != "repeat")
        .map(|m| (m.subject.clone(), m.msg_id.clone()))
        .collect();
    assert_eq!(
        others,
        expected(&log),
        "the stream is the log, in order, once"
    );
    streamed
}
