//! Whole journeys through the API: the full life cycle with a whistle and a reopen, the return
//! paths, a household visit, and a volunteer task.

use serde_json::json;
use shaobao_tests::app::{department, TestApp, DEPARTMENT, STREET};

use crate::support::{case, case_path, event_types, open, step};

/// Hotline opens → dispatch to the street → sign → contact → whistle (lead + assist) → both report
/// in (an unsummoned department is refused) → actions → whistle closed with ratings → resolution →
/// verification → dissatisfied callback → reopen → resolution → verification → satisfied
/// callback → close.
pub async fn the_full_life_cycle(app: TestApp) {
    let t = &app.tokens;
    let housing = app.token(department("housing")).await;
    let market = app.token(department("market_regulation")).await;
    let id = open(&app, &t.hotline).await;
    step(
        &app,
        &t.hotline,
        &id,
        "dispatch",
        json!({"unit": {"street": STREET}}),
    )
    .await;
    step(&app, &t.dispatcher, &id, "sign", json!({})).await;
    let contact = json!({"channel": "phone", "note": "已电话联系"});
    step(&app, &t.dispatcher, &id, "contact", contact).await;
    let whistle = json!({"kind": "routine", "note": "夜间施工", "departments": [
        {"department": DEPARTMENT, "role": "lead"}, {"department": "housing", "role": "assist"}]});
    let blown = step(&app, &t.dispatcher, &id, "whistles", whistle).await;
    assert_eq!(blown["whistle_no"], 1);
    let on_site = json!({"mode": "on_site"});
    step(&app, &t.department, &id, "whistles/1/report-in", on_site).await;
    step(&app, &housing, &id, "whistles/1/report-in", json!({})).await;
    let stranger = app
        .post(&case_path(&id, "whistles/1/report-in"), &market, &json!({}))
        .await;
    assert_eq!(stranger.status, 403, "{stranger}");
    assert!(stranger.text.contains("not summoned"), "{stranger}");
    let act = json!({"summary": "责令停工", "evidence": ["photo-1.jpg"]});
    step(&app, &t.department, &id, "whistles/1/action", act).await;
    let act = json!({"summary": "约谈物业"});
    step(&app, &housing, &id, "whistles/1/action", act).await;
    let ratings = json!({"ratings": {DEPARTMENT: "good", "housing": "fair"}});
    step(&app, &t.dispatcher, &id, "whistles/1/close", ratings).await;
    let resolved = json!({"outcome": "resolved", "summary": "已停止夜间施工"});
    step(&app, &t.dispatcher, &id, "resolution", resolved.clone()).await;
    step(
        &app,
        &t.hotline,
        &id,
        "verification",
        json!({"accepted": true}),
    )
    .await;
    let unhappy = json!({"reached": true, "resolved": false, "satisfaction": "dissatisfied"});
    step(&app, &t.hotline, &id, "callback", unhappy).await;
    let reopen = json!({"reason": "居民反映仍有施工"});
    step(&app, &t.hotline, &id, "reopen", reopen).await;
    step(&app, &t.dispatcher, &id, "resolution", resolved).await;
    step(
        &app,
        &t.hotline,
        &id,
        "verification",
        json!({"accepted": true}),
    )
    .await;
    let happy = json!({"reached": true, "resolved": true, "satisfaction": "satisfied"});
    step(&app, &t.hotline, &id, "callback", happy).await;
    let closed = step(&app, &t.hotline, &id, "close", json!({})).await;

    let expected = [
        "CaseOpened",
        "CaseDispatched",
        "CaseSigned",
        "RequesterContacted",
        "WhistleBlown",
        "DepartmentReportedIn",
        "DepartmentReportedIn",
        "WhistleActionReported",
        "WhistleActionReported",
        "WhistleClosed",
        "ResolutionSubmitted",
        "ResolutionAccepted",
        "CallbackRecorded",
        "CaseReopened",
        "ResolutionSubmitted",
        "ResolutionAccepted",
        "CallbackRecorded",
        "CaseClosed",
    ];
    assert_eq!(event_types(&app, &id).await, expected);
    assert_eq!(closed["version"], expected.len());

    let now = case(&app, &id).await;
    assert_eq!(now["state"], "closed");
    assert_eq!(now["version"], expected.len());
    assert_eq!(now["handling_unit"], json!({"street": STREET}));
    let summoned = &now["whistles"][0]["departments"];
    assert_eq!(summoned[0]["department"], DEPARTMENT);
    assert_eq!(summoned[0]["role"], "lead");
    assert_eq!(summoned[0]["status"], "closed");
    assert_eq!(summoned[0]["rating"], "good");
    assert_eq!(summoned[1]["role"], "assist");
    assert_eq!(summoned[1]["rating"], "fair");
    assert!(summoned[1]["report_in_by"].is_string(), "{now}");
    assert_eq!(now["reopen_count"], 1);

    // Replayed at version 3 (signed) and 5 (whistle blown, nobody reported in yet).
    let signed = app
        .get(&case_path(&id, "state?version=3"), &app.tokens.auditor)
        .await;
    assert_eq!(signed.status, 200, "{signed}");
    assert_eq!(
        (&signed.body["state"], &signed.body["version"]),
        (&json!("signed"), &json!(3))
    );
    assert_eq!(signed.body["whistles"], json!([]));
    let whistled = app
        .get(&case_path(&id, "state?version=5"), &app.tokens.auditor)
        .await;
    assert_eq!(whistled.body["state"], "handling");
    assert_eq!(
        whistled.body["whistles"][0]["departments"][0]["status"],
        "summoned"
    );
}

/// Return → rejected (back to work); return → disputed → ruled (binding): no further return.
pub async fn a_rejected_return_and_a_ruled_dispute(app: TestApp) {
    let t = &app.tokens;
    let id = open(&app, &t.hotline).await;
    let to_department = json!({"unit": {"department": DEPARTMENT}});
    step(&app, &t.hotline, &id, "dispatch", to_department).await;
    step(&app, &t.department, &id, "sign", json!({})).await;
    let give_back = json!({"reason": "not_our_function", "note": "属物业管理范畴"});
    step(&app, &t.department, &id, "return", give_back.clone()).await;
    assert_eq!(case(&app, &id).await["state"], "return_pending");
    step(
        &app,
        &t.hotline,
        &id,
        "return-decision",
        json!({"decision": "reject"}),
    )
    .await;
    assert_eq!(case(&app, &id).await["state"], "signed");
    step(&app, &t.department, &id, "return", give_back.clone()).await;
    let dispute = json!({"decision": "dispute", "note": "报区级裁定"});
    step(&app, &t.hotline, &id, "return-decision", dispute).await;
    assert_eq!(case(&app, &id).await["state"], "disputed");
    let ruling = json!({"decision": "rule", "responsible": {"department": DEPARTMENT}});
    step(&app, &t.hotline, &id, "return-decision", ruling).await;
    let again = app
        .post(&case_path(&id, "return"), &t.department, &give_back)
        .await;
    assert_eq!(again.status, 409, "{again}");
    assert_eq!(again.error().0, "refused");
    assert!(again.text.contains("no further return"), "{again}");
    assert_eq!(
        event_types(&app, &id).await,
        [
            "CaseOpened",
            "CaseDispatched",
            "CaseSigned",
            "ReturnRequested",
            "ReturnRejected",
            "ReturnRequested",
            "DisputeRaised",
            "DisputeRuled",
        ]
    );
    assert_eq!(case(&app, &id).await["return_barred"], true);
}

/// A visit with three findings opens three linked cases; its retry opens nothing new.
pub async fn a_visit_opens_a_case_per_finding(app: TestApp) {
    let visit = json!({
    "street": STREET, "community": "jingshan-jixiang", "visitors": ["王网格", "李党员"],
    "households": 14, "findings": [
        {"category": "noise", "description": "夜间施工", "address": "吉祥胡同 12 号"},
        {"category": "street_vending", "description": "占道经营"},
        {"category": "property_management", "description": "楼道堆物", "urgency": "complex"},
    ]});
    let key = [("Idempotency-Key", "visit-2026-03-02")];
    let recorded = app
        .post_with("/api/v1/visits", &app.tokens.volunteer, &visit, &key)
        .await;
    assert_eq!(recorded.status, 201, "{recorded}");
    let case_ids = recorded.body["case_ids"].as_array().unwrap().clone();
    assert_eq!(case_ids.len(), 3);
    let visit_id = recorded.body["visit_id"].as_str().unwrap();
    for (i, case_id) in case_ids.iter().enumerate() {
        let opened = case(&app, case_id.as_str().unwrap()).await;
        assert_eq!(opened["channel"], "household_visit");
        assert_eq!(
            opened["source"],
            json!({"visit_id": visit_id, "finding": i})
        );
        assert_eq!(opened["location"]["community"], "jingshan-jixiang");
    }
    assert_eq!(
        case(&app, case_ids[2].as_str().unwrap()).await["urgency"],
        "complex"
    );
    let before = app.total_events().await;
    let retried = app
        .post_with("/api/v1/visits", &app.tokens.volunteer, &visit, &key)
        .await;
    assert_eq!((retried.status, &retried.body), (201, &recorded.body));
    assert_eq!(app.total_events().await, before);
}

/// The street publishes a task; a volunteer claims and completes it; the street confirms it.
pub async fn a_task_is_claimed_completed_and_confirmed(app: TestApp) {
    let t = &app.tokens;
    let id = open(&app, &t.hotline).await;
    let task = json!({"title": "帮独居老人清理楼道", "kind": "volunteering", "points": 10});
    let key = [("Idempotency-Key", "task-1")];
    let tasks = case_path(&id, "tasks");
    let published = app.post_with(&tasks, &t.dispatcher, &task, &key).await;
    assert_eq!(published.body["task_no"], 1, "{published}");
    // A retry answers the task it made, even after another task was published.
    let other = json!({"title": "调解邻里纠纷", "kind": "mediation", "points": 5});
    assert_eq!(
        step(&app, &t.dispatcher, &id, "tasks", other).await["task_no"],
        2
    );
    let retried = app.post_with(&tasks, &t.dispatcher, &task, &key).await;
    assert_eq!((retried.status, &retried.body), (200, &published.body));
    // The open task lets volunteers read the case, with the requester masked.
    let seen = app.get(&format!("/api/v1/cases/{id}"), &t.volunteer).await;
    assert_eq!(seen.status, 200, "{seen}");
    assert_eq!(
        seen.body["requester"],
        json!({"name": "王**", "phone": "138****1234"})
    );
    step(&app, &t.volunteer, &id, "tasks/1/claim", json!({})).await;
    let other = app.token(shaobao_tests::app::volunteer("gw-8")).await;
    let not_mine = app
        .post(
            &case_path(&id, "tasks/1/complete"),
            &other,
            &json!({"summary": "做完了"}),
        )
        .await;
    assert_eq!(not_mine.status, 403, "{not_mine}");
    let done = json!({"summary": "已清理完毕"});
    step(&app, &t.volunteer, &id, "tasks/1/complete", done).await;
    step(
        &app,
        &t.dispatcher,
        &id,
        "tasks/1/confirm",
        json!({"points": 12}),
    )
    .await;
    let task = &case(&app, &id).await["tasks"][0];
    assert_eq!(task["status"], "confirmed");
    assert_eq!(task["awarded_points"], 12);
    assert_eq!(task["claimant"]["member"], shaobao_tests::app::MEMBER);
    let types = event_types(&app, &id).await;
    assert_eq!(
        &types[1..],
        [
            "TaskPublished",
            "TaskPublished",
            "TaskClaimed",
            "TaskCompleted",
            "TaskConfirmed"
        ]
    );
}
