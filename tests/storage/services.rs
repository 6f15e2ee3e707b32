//! The case service on the real Case and Visit aggregates, on both stores.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use futures::future::join_all;
use shaobao_domain::case::{CaseKind, Channel, Dispatch, Location, OpenCase, Unit};
use shaobao_domain::visit::Finding;
use shaobao_domain::{Actor, CaseAction, CaseError, CaseState};
use shaobao_services::cases::{CaseService, Request, VisitOutcome, VisitReport};
use shaobao_services::clock::ManualClock;
use shaobao_services::command::{CommandError, CommandOutcome};
use shaobao_services::org_file::load_org;
use shaobao_services::store::LogPosition;
use shaobao_tests::databases::TestStore;

fn service(t: &TestStore) -> CaseService {
    let org = Arc::new(load_org(None, 1.0).expect("sample district"));
    // Monday 2 March 2026, 10:00 in Beijing: a working day, inside working hours.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap());
    CaseService::new(t.store.clone(), org, Arc::new(clock))
}

fn keyed(key: &str) -> Request {
    Request {
        idempotency_key: Some(key.into()),
        correlation_id: format!("corr-{key}"),
        expected_version: None,
    }
}

/// What a client sees of an outcome.
fn answer(o: &CommandOutcome) -> (String, i64, LogPosition) {
    (o.aggregate_id.clone(), o.version, o.position)
}

fn noise_complaint() -> OpenCase {
    OpenCase {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind: CaseKind::Complaint,
        category: "noise".into(),
        urgency: None,
        description: "楼下商铺夜间施工噪声扰民".into(),
        location: Location::street("jingshan"),
        requester: None,
        source: None,
    }
}

pub async fn a_case_is_opened_dispatched_signed_and_read_back_at_each_version(t: TestStore) {
    let service = service(&t);
    let hotline = Actor::hotline("op-1");
    let opened = service
        .open(&hotline, noise_complaint(), &keyed("open"))
        .await
        .unwrap();
    let id = opened.aggregate_id.clone();
    let dispatch = CaseAction::Dispatch(Dispatch {
        unit: Unit::Department("urban_management".into()),
        co_units: vec![],
    });
    service
        .execute(&id, &hotline, dispatch, &keyed("dispatch"))
        .await
        .unwrap();
    let department = Actor::department("urban_management", "um-desk");
    let signed = service
        .execute(&id, &department, CaseAction::Sign, &keyed("sign"))
        .await
        .unwrap();
    assert_eq!((opened.version, signed.version), (1, 3));

    let now = service.case(&id).await.unwrap().expect("case exists");
    assert_eq!(
        (now.version, now.aggregate.state()),
        (3, Some(CaseState::Signed))
    );
    let then = service.case_at(&id, Some(1)).await.unwrap().unwrap();
    assert_eq!(
        (then.version, then.aggregate.state()),
        (1, Some(CaseState::Received))
    );
    assert!(service.case("no-such-case").await.unwrap().is_none());

    let history = t.store.history("case", &id).await.unwrap();
    let types: Vec<&str> = history.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["CaseOpened", "CaseDispatched", "CaseSigned"]);
    assert_eq!(history[2].metadata["command_id"], "um-desk:sign");
    assert!(history[2].metadata["actor"]
        .as_str()
        .unwrap()
        .contains("urban_management"));
    assert_eq!(history[2].metadata["correlation_id"], "corr-sign");
    assert_eq!(history[2].metadata["time"], "2026-03-02T02:00:00+00:00");
}

pub async fn a_refusal_carries_the_domain_reason_and_appends_nothing(t: TestStore) {
    let service = service(&t);
    let hotline = Actor::hotline("op-1");
    let id = service
        .open(&hotline, noise_complaint(), &keyed("o"))
        .await
        .unwrap()
        .aggregate_id;
    let stranger = Actor::department("housing", "h-desk");
    let refused = service
        .execute(&id, &stranger, CaseAction::Sign, &keyed("s"))
        .await;
    match refused {
        Err(CommandError::Domain(err)) => {
            assert_eq!(err, CaseError::NotHandlingUnit { action: "sign" });
            assert_eq!(
                err.to_string(),
                "only the handling unit the case is dispatched to may sign"
            );
        }
        other => panic!("expected a domain refusal, got {other:?}"),
    }
    assert_eq!(t.store.history("case", &id).await.unwrap().len(), 1);
}

/// Twenty identical HTTP retries of "open" (same key, same actor) race: one case, one event.
pub async fn twenty_racing_identical_opens_make_one_case(t: TestStore) {
    let service = Arc::new(service(&t));
    let racers = (0..20).map(|_| {
        let service = service.clone();
        tokio::spawn(async move {
            service
                .open(&Actor::hotline("op-1"), noise_complaint(), &keyed("same"))
                .await
                .unwrap()
        })
    });
    let outcomes: Vec<_> = join_all(racers)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    assert!(outcomes.iter().all(|o| answer(o) == answer(&outcomes[0])));
    assert_eq!(outcomes.iter().filter(|o| !o.repeated).count(), 1);
    assert_eq!(
        t.store
            .history("case", &outcomes[0].aggregate_id)
            .await
            .unwrap()
            .len(),
        1
    );
    let mut other_body = noise_complaint();
    other_body.description = "另一件事".into();
    let reused = service
        .open(&Actor::hotline("op-1"), other_body, &keyed("same"))
        .await;
    assert!(
        matches!(reused, Err(CommandError::KeyReused(_))),
        "{reused:?}"
    );
}

pub async fn a_visit_with_three_findings_opens_three_linked_cases_once(t: TestStore) {
    let service = service(&t);
    let grid_worker = Actor::volunteer("gw-7");
    let finding = |category: &str, description: &str| Finding {
        category: category.into(),
        description: description.into(),
        address: Some("吉祥胡同 12 号".into()),
        urgency: None,
    };
    let report = VisitReport {
        street: "jingshan".into(),
        community: "jingshan-jixiang".into(),
        visitors: vec!["王网格".into(), "李党员".into()],
        households: 14,
        findings: vec![
            finding("noise", "夜间施工"),
            finding("street_vending", "占道经营"),
            finding("property_management", "楼道堆物"),
        ],
    };
    let first = service
        .record_visit(&grid_worker, report.clone(), &keyed("v"))
        .await
        .unwrap();
    let again = service
        .record_visit(&grid_worker, report, &keyed("v"))
        .await
        .unwrap();
    assert_eq!(
        answer(&first.visit),
        answer(&again.visit),
        "a retry answers the same visit"
    );
    let answers = |o: &VisitOutcome| o.cases.iter().map(answer).collect::<Vec<_>>();
    assert_eq!(answers(&first), answers(&again), "and the same cases");
    assert!(again.visit.repeated && again.cases.iter().all(|c| c.repeated));
    assert_eq!(first.cases.len(), 3);

    let visit_id = &first.visit.aggregate_id;
    for (i, opened) in first.cases.iter().enumerate() {
        let case = service
            .case(&opened.aggregate_id)
            .await
            .unwrap()
            .unwrap()
            .aggregate;
        let intake = case.intake().unwrap();
        assert_eq!(intake.channel, Channel::HouseholdVisit);
        let link = intake.source.as_ref().unwrap();
        assert_eq!(
            (link.visit_id.as_str(), link.finding),
            (visit_id.as_str(), i as u32)
        );
        assert_eq!(
            intake.location.community.as_deref(),
            Some("jingshan-jixiang")
        );
        let events = t.store.history("case", &opened.aggregate_id).await.unwrap();
        assert_eq!(events.len(), 1, "opened once");
    }
    let visit_events = t.store.history("visit", visit_id).await.unwrap();
    assert_eq!(visit_events.len(), 1);
    assert_eq!(visit_events[0].event_type, "VisitRecorded");
}
