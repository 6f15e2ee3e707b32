//! Replay: a rebuild from position 0 equals the live model, and readers running during rebuilds
//! (with commands still arriving) always see a whole model, old or new.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use shaobao_projections::models::search::{search_cases, CaseFilter};
use shaobao_projections::models::statistics::{statistics, GroupBy, Weights};
use shaobao_projections::models::{inbox, queue};
use shaobao_projections::{rebuild, verify, PageRequest, ProjectionName};
use shaobao_services::clock::Clock;
use shaobao_services::store::Store;
use shaobao_tests::databases::TestStore;
use shaobao_tests::month::scripted_month;

use crate::support::*;

/// Everything the lists and statistics show, as JSON.
async fn everything(store: &Store, now: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    let page = PageRequest {
        after: None,
        limit: 500,
    };
    let weights = Weights::default();
    serde_json::json!({
        "search": search_cases(store, &CaseFilter::default(), &page).await.unwrap(),
        "queue": queue::street_queue(store, "donghuamen", &page).await.unwrap(),
        "inbox": inbox::department_inbox(store, "urban_management", &page).await.unwrap(),
        "streets": statistics(store, GroupBy::Street, "2026-03", now, &weights).await.unwrap(),
        "departments": statistics(store, GroupBy::Department, "2026-03", now, &weights).await.unwrap(),
        "handling_streets": statistics(store, GroupBy::HandlingStreet, "2026-03", now, &weights).await.unwrap(),
    })
}

pub async fn a_rebuild_equals_the_live_model_and_readers_never_see_it_half_built(t: TestStore) {
    let mut w = World::new(t, 1.0);
    let projections = w.start(quick());
    scripted_month(&mut w).await;
    caught_up(&projections, &w).await;
    let now = w.clock.now();
    let live = everything(w.store(), now).await;
    assert!(verify(w.store(), &w.org).await.unwrap().is_clean());

    let mut reports = Vec::new();
    let report = rebuild(w.store(), &w.org, &ProjectionName::ALL, |p| reports.push(p))
        .await
        .unwrap();
    let last = reports.last().expect("progress reported");
    assert_eq!((last.done, last.total), (report.events, report.events));
    assert!(last.events_per_second > 0.0);
    assert_eq!(
        everything(w.store(), now).await,
        live,
        "rebuilt model equals the live one"
    );

    // Readers while rebuilds swap tables in and new cases keep arriving.
    let store = w.store().clone();
    let stop = Arc::new(AtomicBool::new(false));
    let reader = tokio::spawn({
        let stop = stop.clone();
        async move {
            let mut reads = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let page = PageRequest {
                    after: None,
                    limit: 500,
                };
                let found = search_cases(&store, &CaseFilter::default(), &page)
                    .await
                    .expect("read during swap");
                assert!(
                    found.items.len() >= 7,
                    "a half-built model: {} cases",
                    found.items.len()
                );
                reads += 1;
            }
            reads
        }
    });
    for round in 0..3 {
        w.open("qianmen", "noise", &format!("重建期间的新诉求 {round}"))
            .await;
        rebuild(w.store(), &w.org, &ProjectionName::ALL, |_| {})
            .await
            .unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    assert!(reader.await.unwrap() > 0);
    caught_up(&projections, &w).await;
    let found = search_cases(
        w.store(),
        &CaseFilter::default(),
        &PageRequest {
            after: None,
            limit: 500,
        },
    )
    .await
    .unwrap();
    assert_eq!(found.items.len(), 10);
    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(report.is_clean(), "{report:#?}");
    projections.shutdown().await;
}
