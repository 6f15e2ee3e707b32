//! A projector killed inside a batch transaction resumes from its checkpoint without applying any
//! event twice.

use shaobao_projections::log;
use shaobao_projections::models::search::{search_cases, CaseFilter};
use shaobao_projections::{checkpoint, verify, PageRequest, ProjectionName, ProjectionsConfig};
use shaobao_services::store::LogPosition;
use shaobao_tests::databases::TestStore;

use crate::support::*;

pub async fn a_projector_killed_mid_batch_resumes_without_double_counting(t: TestStore) {
    let mut w = World::new(t, 1.0);
    // Checkpoints first (a projector without one would rebuild instead of catching up).
    let first = w.start(quick());
    caught_up(&first, &w).await;
    first.shutdown().await;
    for i in 0..20 {
        let id = w.open("jingshan", "noise", &format!("噪声 {i}")).await;
        w.act(&id, &hotline(), dispatch(to_department("urban_management")))
            .await;
        w.act(
            &id,
            &department("urban_management"),
            shaobao_domain::CaseAction::Sign,
        )
        .await;
        w.act(&id, &department("urban_management"), contact()).await;
    }
    // Batches of 25: the first two commit, the third (events 51–75) dies before its commit.
    let crashing = ProjectionsConfig {
        batch_size: 25,
        crash_after_events: Some(60),
        ..quick()
    };
    let projections = w.start(crashing);
    let fiftieth = log::read(w.store(), LogPosition::START, 50)
        .await
        .unwrap()
        .last()
        .unwrap()
        .position;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    for name in ProjectionName::ALL {
        loop {
            let at = checkpoint::load(w.store(), name)
                .await
                .unwrap()
                .map(|c| c.position);
            if at == Some(fiftieth) {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{name} stuck at {at:?}"
            );
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    for name in ProjectionName::ALL {
        let at = checkpoint::load(w.store(), name)
            .await
            .unwrap()
            .unwrap()
            .position;
        assert_eq!(at, fiftieth, "{name} committed nothing after the crash");
    }
    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(
        report.is_clean(),
        "rows match the checkpoint exactly: {report:#?}"
    );
    projections.shutdown().await;

    let restarted = w.start(quick());
    caught_up(&restarted, &w).await;
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
    assert_eq!(all.items.len(), 20);
    let report = verify(w.store(), &w.org).await.unwrap();
    assert!(report.is_clean(), "{report:#?}");
    restarted.shutdown().await;
}
