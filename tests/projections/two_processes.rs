//! Two server processes (two pools, two runtimes) on one database: every deadline step is recorded
//! once, the survivor takes over when the other dies, the projections stay exact, and one
//! process's commits wake the other's projectors.

use std::sync::Arc;
use std::time::Duration;

use shaobao_domain::CaseAction;
use shaobao_projections::models::search::{search_cases, CaseFilter};
use shaobao_projections::{verify, PageRequest, Projections, ProjectionsConfig};
use shaobao_services::cases::Request;
use shaobao_services::clock::Clock;
use shaobao_services::store::{LogPosition, Store};
use shaobao_tests::databases::TestStore;

use crate::deadlines::{handling, ladder_events, until_ladder, with_deadlines, SCALE};
use crate::support::*;

pub async fn deadlines_fire_once_and_projections_stay_exact_with_two_processes(t: TestStore) {
    let mut w = World::new(t, SCALE);
    let other = w.other_process().await;
    let first = w.start(with_deadlines());
    let second = Projections::start(
        other.store().clone(),
        other.clone(),
        w.clock.clone(),
        w.org.clone(),
        with_deadlines(),
    );
    let start = w.clock.now();
    let mut ids = Vec::new();
    for i in 0..6 {
        let id = handling(&mut w).await;
        // Half the commands of the second half go through the other process.
        if i % 2 == 1 {
            let note = CaseAction::Progress(shaobao_domain::case::Progress {
                note: "跟进".into(),
                evidence: vec![],
            });
            let outcome = other
                .execute(
                    &id,
                    &department("urban_management"),
                    note,
                    &Request::default(),
                )
                .await
                .unwrap();
            w.last = outcome.position;
        }
        ids.push(id);
    }
    w.clock
        .advance(start + chrono::Duration::milliseconds(500_000) - w.clock.now());
    for id in &ids {
        until_ladder(&w, id, 1).await;
    }
    // The first process dies; the second takes over its leases.
    first.shutdown().await;
    w.clock
        .advance(start + chrono::Duration::milliseconds(750_000) - w.clock.now());
    for id in &ids {
        until_ladder(&w, id, 4).await;
    }
    crate::deadlines::settle().await;
    for id in &ids {
        let names: Vec<_> = ladder_events(&w, id)
            .await
            .into_iter()
            .map(|(n, _, _)| n)
            .collect();
        assert_eq!(
            names,
            [
                "DeadlineApproaching",
                "DeadlineBreached",
                "ReminderIssued",
                "DistrictSupervision"
            ],
            "{id}"
        );
    }
    w.last = w
        .store()
        .history("case", &ids[5])
        .await
        .unwrap()
        .last()
        .unwrap()
        .position;
    second
        .wait_for(w.last, std::time::Duration::from_secs(20))
        .await
        .unwrap();
    let all = search_cases(
        w.store(),
        &CaseFilter::default(),
        &PageRequest {
            after: None,
            limit: 100,
        },
    )
    .await
    .unwrap();
    assert_eq!(all.items.len(), 6);
    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(report.is_clean(), "{report:#?}");
    second.shutdown().await;
    drop(Arc::clone(&other));
}

/// Given a process whose projectors idle on a long poll, when another process commits a command,
/// then they catch up at once: the committing process announced it (PostgreSQL LISTEN/NOTIFY;
/// SQLite serves one process, so there is no one to announce to).
pub async fn a_commit_in_another_process_wakes_the_projectors_at_once(t: TestStore) {
    if !matches!(t.store, Store::Postgres(_)) {
        return;
    }
    let w = World::new(t, 1.0);
    let projecting = w.start(ProjectionsConfig {
        poll_interval: Duration::from_secs(600),
        ..quick()
    });
    projecting
        .wait_for(LogPosition::START, Duration::from_secs(20))
        .await
        .expect("projectors built");
    let other = w.other_process().await;
    let announcing = Projections::start(
        other.store().clone(),
        other.clone(),
        w.clock.clone(),
        w.org.clone(),
        ProjectionsConfig {
            projections: vec![],
            merge_follower: false,
            ..quick()
        },
    );
    let opened = other
        .open(
            &hotline(),
            complaint("jingshan", "noise", "夜间施工噪声"),
            &Request::default(),
        )
        .await
        .unwrap();
    projecting
        .wait_for(opened.position, Duration::from_secs(5))
        .await
        .expect("woken by the other process, long before the next poll");
    announcing.shutdown().await;
    projecting.shutdown().await;
}
