//! The deadline service on a compressed SLA (scale 0.001, rounded to whole seconds: the 7-day
//! resolve deadline is 605 s, approaching from 484 s, district supervision follows the breach after
//! 86 s, city supervision after 432 s) and a manual
//! clock: approaching → breached → reminder → supervision, each once and in order; nothing while
//! the case is parked.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use shaobao_domain::case::{DeadlineRef, Park, ParkReason, SupervisionLevel};
use shaobao_domain::{CaseAction, CaseEvent};
use shaobao_projections::models::deadlines::{alerts, AlertFilter};
use shaobao_projections::{PageRequest, ProjectionsConfig};
use shaobao_services::clock::Clock;
use shaobao_tests::databases::TestStore;

use crate::support::*;

pub const SCALE: f64 = 0.001;

pub fn with_deadlines() -> ProjectionsConfig {
    ProjectionsConfig {
        deadline_service: true,
        ..quick()
    }
}

fn millis(n: i64) -> chrono::Duration {
    chrono::Duration::milliseconds(n)
}

/// The deadline events of a case: (name, deadline, due time).
pub async fn ladder_events(w: &World, id: &str) -> Vec<(String, DeadlineRef, DateTime<Utc>)> {
    w.events(id)
        .await
        .into_iter()
        .filter_map(|e| {
            let name = match &e {
                CaseEvent::SupervisionIssued {
                    level: SupervisionLevel::District,
                    ..
                } => "DistrictSupervision",
                CaseEvent::SupervisionIssued { .. } => "CitySupervision",
                other => other.name(),
            };
            match e {
                CaseEvent::DeadlineApproaching {
                    deadline, due_at, ..
                }
                | CaseEvent::DeadlineBreached {
                    deadline, due_at, ..
                }
                | CaseEvent::ReminderIssued {
                    deadline, due_at, ..
                }
                | CaseEvent::SupervisionIssued {
                    deadline, due_at, ..
                } => Some((name.to_string(), deadline, due_at)),
                _ => None,
            }
        })
        .collect()
}

/// Waits until the case has `n` deadline events.
pub async fn until_ladder(
    w: &World,
    id: &str,
    n: usize,
) -> Vec<(String, DeadlineRef, DateTime<Utc>)> {
    let give_up = Instant::now() + Duration::from_secs(20);
    loop {
        let events = ladder_events(w, id).await;
        if events.len() >= n {
            return events;
        }
        assert!(Instant::now() < give_up, "only {events:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A settle period: long enough for several service ticks.
pub async fn settle() {
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Dispatched to urban management, signed at +1 s and contacted at +2 s: only resolve runs.
pub async fn handling(w: &mut World) -> String {
    let id = w.open("jingshan", "noise", "夜间施工").await;
    w.act(&id, &hotline(), dispatch(to_department("urban_management")))
        .await;
    w.advance(millis(1000));
    w.act(
        &id,
        &department("urban_management"),
        shaobao_domain::CaseAction::Sign,
    )
    .await;
    w.advance(millis(1000));
    w.act(&id, &department("urban_management"), contact()).await;
    id
}

pub async fn the_ladder_fires_in_order_exactly_once(t: TestStore) {
    let mut w = World::new(t, SCALE);
    let projections = w.start(with_deadlines());
    let start = w.clock.now();
    let id = handling(&mut w).await;
    let due = start + millis(605_000);
    let at = |ms| start + millis(ms);
    let advance_to = |to: DateTime<Utc>| w.clock.advance(to - w.clock.now());
    advance_to(at(480_000));
    settle().await;
    assert!(
        ladder_events(&w, &id).await.is_empty(),
        "nothing before 80% of the window"
    );
    advance_to(at(485_000));
    until_ladder(&w, &id, 1).await;
    advance_to(at(605_000));
    until_ladder(&w, &id, 3).await;
    advance_to(at(605_000 + 86_000));
    until_ladder(&w, &id, 4).await;
    advance_to(at(605_000 + 432_000));
    let events = until_ladder(&w, &id, 5).await;
    advance_to(at(2_000_000));
    settle().await;
    let names: Vec<_> = ladder_events(&w, &id)
        .await
        .into_iter()
        .map(|(n, d, due_at)| {
            assert_eq!((d, due_at), (DeadlineRef::Resolve, due));
            n
        })
        .collect();
    assert_eq!(
        names,
        [
            "DeadlineApproaching",
            "DeadlineBreached",
            "ReminderIssued",
            "DistrictSupervision",
            "CitySupervision"
        ],
        "{events:?}"
    );
    w.last = w
        .store()
        .history("case", &id)
        .await
        .unwrap()
        .last()
        .unwrap()
        .position;
    caught_up(&projections, &w).await;
    let page = PageRequest {
        after: None,
        limit: 10,
    };
    let raised = alerts(
        w.store(),
        &AlertFilter {
            street: Some("jingshan".into()),
            department: None,
        },
        &page,
    )
    .await
    .unwrap();
    let json = serde_json::to_value(&raised).unwrap();
    assert_eq!(json["items"][0]["case_id"], id.as_str());
    assert_eq!(
        (
            json["items"][0]["kind"].as_str(),
            json["items"][0]["deadline"].as_str()
        ),
        (Some("breached"), Some("resolve"))
    );
    assert_eq!(json["items"][0]["supervision"], "city");
    let by_department = AlertFilter {
        street: None,
        department: Some("urban_management".into()),
    };
    assert_eq!(
        alerts(w.store(), &by_department, &page)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    projections.shutdown().await;
}

pub async fn nothing_fires_while_parked_and_unparking_moves_the_deadline(t: TestStore) {
    let mut w = World::new(t, SCALE);
    let projections = w.start(with_deadlines());
    let start = w.clock.now();
    let id = handling(&mut w).await;
    w.clock.advance(start + millis(100_000) - w.clock.now());
    let park = Park {
        reason: ParkReason::Funding,
        review_at: start + chrono::Duration::days(30),
    };
    w.act(&id, &hotline(), CaseAction::Park(park)).await;
    w.clock.advance(start + millis(700_000) - w.clock.now());
    settle().await;
    assert!(
        ladder_events(&w, &id).await.is_empty(),
        "the clock is paused while parked"
    );
    w.act(
        &id,
        &hotline(),
        CaseAction::Unpark(shaobao_domain::case::Note { note: None }),
    )
    .await;
    // Paused 600 s: due 1205 s, approaching from 600 + 0.8 × 605 = 1084 s.
    let due = start + millis(1_205_000);
    w.clock.advance(start + millis(1_080_000) - w.clock.now());
    settle().await;
    assert!(
        ladder_events(&w, &id).await.is_empty(),
        "the window moved with the pause"
    );
    w.clock.advance(start + millis(1_090_000) - w.clock.now());
    let events = until_ladder(&w, &id, 1).await;
    assert_eq!(
        events[0],
        ("DeadlineApproaching".to_string(), DeadlineRef::Resolve, due)
    );
    w.clock.advance(start + millis(1_210_000) - w.clock.now());
    let events = until_ladder(&w, &id, 3).await;
    assert_eq!(
        events[1],
        ("DeadlineBreached".to_string(), DeadlineRef::Resolve, due)
    );
    projections.shutdown().await;
}
