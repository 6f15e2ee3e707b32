//! A merge and a close interrupted between their two streams (the process dies right after the
//! first commit) are completed by the merge follower of the next process, each step once.

use std::sync::Arc;
use std::time::{Duration, Instant};

use shaobao_domain::case::{MergeCase, Satisfaction};
use shaobao_domain::{CaseAction, CaseEvent};
use shaobao_services::cases::{CaseService, Request};
use shaobao_tests::databases::TestStore;

use crate::support::*;

const STREET: &str = "jingshan";

/// Polls `w`'s case `id` until `done` holds for its events (at most 20 s).
async fn until(w: &World, id: &str, what: &str, done: impl Fn(&[CaseEvent]) -> bool) {
    let started = Instant::now();
    while !done(&w.events(id).await) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what}: {:?}",
            w.events(id).await
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn count(events: &[CaseEvent], name: &str) -> usize {
    events.iter().filter(|e| e.name() == name).count()
}

pub async fn an_interrupted_merge_and_close_are_completed_once(t: TestStore) {
    let mut w = World::new(t, 1.0);
    // The process that dies after each command's own commit.
    let dying = Arc::new(
        CaseService::new(w.store().clone(), w.org.clone(), w.clock.clone())
            .interrupted_after_first_commit(),
    );
    let primary = w.open(STREET, "noise", "夜间施工噪声扰民").await;
    let duplicate = w.open(STREET, "noise", "工地晚上施工太吵").await;
    let merge = CaseAction::merge(MergeCase {
        into: primary.clone(),
        note: Some("同一工地".into()),
    });
    dying
        .execute(&duplicate, &hotline(), merge, &Request::default())
        .await
        .expect("merge");
    assert_eq!(count(&w.events(&duplicate).await, "CaseMerged"), 1);
    assert_eq!(count(&w.events(&primary).await, "DuplicateAttached"), 0);

    // The next process: its merge follower attaches the duplicate.
    let projections = w.start(quick());
    until(&w, &primary, "attached", |e| {
        count(e, "DuplicateAttached") == 1
    })
    .await;

    // The primary runs its course; its close dies before the duplicate's.
    let unit = department("urban_management");
    w.act(
        &primary,
        &hotline(),
        dispatch(to_department("urban_management")),
    )
    .await;
    w.act(&primary, &unit, CaseAction::Sign).await;
    w.act(&primary, &unit, contact()).await;
    w.act(&primary, &unit, resolve()).await;
    w.act(&primary, &hotline(), accept()).await;
    w.act(&primary, &hotline(), reached(true, Satisfaction::Satisfied))
        .await;
    projections.shutdown().await;
    dying
        .execute(&primary, &hotline(), close(), &Request::default())
        .await
        .expect("close");
    assert_eq!(count(&w.events(&duplicate).await, "CaseClosed"), 0);

    // Two processes start; the duplicate closes with its primary exactly once.
    let first = w.start(quick());
    let other = w.other_process().await;
    let second = shaobao_projections::Projections::start(
        other.store().clone(),
        other.clone(),
        w.clock.clone(),
        w.org.clone(),
        quick(),
    );
    until(&w, &duplicate, "closed with its primary", |e| {
        count(e, "CaseClosed") == 1
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    first.shutdown().await;
    second.shutdown().await;
    let events = w.events(&duplicate).await;
    assert_eq!(count(&events, "CaseClosed"), 1, "{events:?}");
    match events.last() {
        Some(CaseEvent::CaseClosed { via_primary, .. }) => {
            assert_eq!(via_primary.as_deref(), Some(primary.as_str()))
        }
        other => panic!("last event {other:?}"),
    }
    assert_eq!(count(&w.events(&primary).await, "DuplicateAttached"), 1);
}
