//! The lists of DESIGN §6 after the scripted month, and read-your-writes.

use std::collections::HashSet;
use std::time::Duration;

use shaobao_domain::case::{PublishTask, TaskAction, TaskKind};
use shaobao_domain::{Actor, CaseAction};
use shaobao_projections::models::search::{search_cases, CaseFilter};
use shaobao_projections::models::{inbox, queue, volunteers};
use shaobao_projections::{NotCaughtUp, PageRequest, ProjectionsConfig};
use shaobao_tests::databases::TestStore;
use shaobao_tests::month::scripted_month;

use crate::support::*;

fn page(limit: u32) -> PageRequest {
    PageRequest { after: None, limit }
}

pub async fn queue_inbox_alerts_search_and_board_follow_the_cases(t: TestStore) {
    let mut w = World::new(t, 1.0);
    let projections = w.start(quick());
    let ids = scripted_month(&mut w).await;
    let g = &ids[6];
    let street = dispatcher("donghuamen");
    for title in ["清理占道杂物", "入户劝导"] {
        let task = PublishTask {
            title: title.into(),
            kind: TaskKind::Volunteering,
            points: 5,
        };
        w.act(g, &street, CaseAction::PublishTask(task)).await;
    }
    let volunteer = Actor::volunteer("v-001");
    w.act(
        g,
        &volunteer,
        CaseAction::Task {
            no: 1,
            action: TaskAction::Claim,
        },
    )
    .await;
    let done = TaskAction::Complete {
        summary: "已清理".into(),
    };
    w.act(
        g,
        &volunteer,
        CaseAction::Task {
            no: 1,
            action: done,
        },
    )
    .await;
    w.act(
        g,
        &street,
        CaseAction::Task {
            no: 1,
            action: TaskAction::Confirm { points: Some(8) },
        },
    )
    .await;
    caught_up(&projections, &w).await;
    let store = w.store();

    let open = queue::street_queue(store, "donghuamen", &page(50))
        .await
        .unwrap();
    assert_eq!(open.items.len(), 1, "only G is open: {open:#?}");
    let json = serde_json::to_value(&open).unwrap();
    assert_eq!(json["items"][0]["case_id"], g.as_str());
    assert_eq!(json["items"][0]["state"], "dispatched");
    assert_eq!(json["items"][0]["urgency"], "ordinary");
    assert_eq!(
        json["items"][0]["next_deadline"]["kind"], "contact",
        "contact (24 h) runs out before sign"
    );
    assert_eq!(json["items"][0]["holder"]["department"], "urban_management");
    assert!(json["next"].is_null());
    assert!(queue::street_queue(store, "jingshan", &page(50))
        .await
        .unwrap()
        .items
        .is_empty());

    let um = inbox::department_inbox(store, "urban_management", &page(50))
        .await
        .unwrap();
    assert_eq!(um.items.len(), 1, "{um:#?}");
    assert_eq!(
        (um.items[0].entry.as_str(), um.items[0].role.as_str()),
        ("case", "handling")
    );

    let all = |filter: CaseFilter| async move {
        search_cases(store, &filter, &page(100))
            .await
            .unwrap()
            .items
            .len()
    };
    assert_eq!(
        all(CaseFilter {
            street: Some("jingshan".into()),
            ..Default::default()
        })
        .await,
        4
    );
    assert_eq!(
        all(CaseFilter {
            state: Some("closed".into()),
            ..Default::default()
        })
        .await,
        6
    );
    assert_eq!(
        all(CaseFilter {
            department: Some("housing".into()),
            ..Default::default()
        })
        .await,
        3
    );
    assert_eq!(
        all(CaseFilter {
            text: Some("漏水".into()),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        all(CaseFilter {
            category: Some("noise".into()),
            channel: Some("hotline".into()),
            ..Default::default()
        })
        .await,
        3
    );
    let mut seen = HashSet::new();
    let mut request = page(2);
    loop {
        let result = search_cases(store, &CaseFilter::default(), &request)
            .await
            .unwrap();
        assert!(result.items.len() <= 2);
        for item in &result.items {
            assert!(seen.insert(item.case_id.clone()), "a case on two pages");
        }
        match result.next {
            Some(next) => request.after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, ids.iter().cloned().collect::<HashSet<_>>());
    let bad = PageRequest {
        after: Some("garbage".into()),
        limit: 2,
    };
    assert!(search_cases(store, &CaseFilter::default(), &bad)
        .await
        .is_err());

    let board = volunteers::board(store, &page(50)).await.unwrap();
    assert_eq!(board.items.len(), 1, "task 1 is taken: {board:#?}");
    assert_eq!(
        (board.items[0].task_no, board.items[0].title.as_str()),
        (2, "入户劝导")
    );
    let points = volunteers::points(store).await.unwrap();
    assert_eq!(
        (
            points.volunteers[0].claimant.as_str(),
            points.volunteers[0].points
        ),
        ("v-001", 8)
    );
    projections.shutdown().await;
}

pub async fn reads_wait_for_a_write_or_give_up(t: TestStore) {
    let mut w = World::new(t, 1.0);
    let projections = w.start(quick());
    let id = w.open("jingshan", "noise", "广场舞噪声").await;
    projections
        .wait_for(w.last, Duration::from_secs(20))
        .await
        .unwrap();
    let found = search_cases(w.store(), &CaseFilter::default(), &page(10))
        .await
        .unwrap();
    assert_eq!(
        found.items[0].case_id, id,
        "the write is visible once wait_for returns"
    );
    projections.shutdown().await;

    // Projectors that die at their first event never catch up: the wait gives up in time.
    let stalled = w.start(ProjectionsConfig {
        crash_after_events: Some(1),
        ..quick()
    });
    w.open("jingshan", "noise", "又一起").await;
    let waited = stalled.wait_for(w.last, Duration::from_millis(300)).await;
    assert_eq!(
        waited,
        Err(NotCaughtUp {
            position: w.last,
            waited: Duration::from_millis(300)
        })
    );
    stalled.shutdown().await;
}
