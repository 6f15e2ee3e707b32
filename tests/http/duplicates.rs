//! 并单 merge, unmerge and closing with the primary; 类案 tags; proactive cases — over HTTP.

use serde_json::{json, Value};
use shaobao_tests::app::{dispatcher, TestApp, DEPARTMENT, OTHER_STREET, STREET};

use crate::support::{case, case_path, complaint, event_types, open, step};

/// Takes case `id` from received to closed (dispatch to the department, sign, contact, resolve,
/// verify, a satisfied callback, close).
async fn close_after_callback(app: &TestApp, id: &str) {
    let t = &app.tokens;
    let dispatch = json!({"unit": {"department": DEPARTMENT}});
    step(app, &t.hotline, id, "dispatch", dispatch).await;
    step(app, &t.department, id, "sign", json!({})).await;
    step(
        app,
        &t.department,
        id,
        "contact",
        json!({"channel": "phone"}),
    )
    .await;
    let resolved = json!({"outcome": "resolved", "summary": "已处理"});
    step(app, &t.department, id, "resolution", resolved).await;
    step(
        app,
        &t.hotline,
        id,
        "verification",
        json!({"accepted": true}),
    )
    .await;
    let happy = json!({"reached": true, "resolved": true, "satisfaction": "satisfied"});
    step(app, &t.hotline, id, "callback", happy).await;
    step(app, &t.hotline, id, "close", json!({})).await;
}

fn error(response: &shaobao_tests::app::TestResponse) -> (u16, Value) {
    (response.status, response.body["error"].clone())
}

/// Two duplicates merged into a primary, one unmerged again; closing the primary closes the
/// other exactly once, with `via_primary`; the primary lists every attached requester.
pub async fn merged_duplicates_close_with_their_primary(app: TestApp) {
    let t = &app.tokens;
    let primary = open(&app, &t.hotline).await;
    let first = open(&app, &t.hotline).await;
    let second = open(&app, &t.hotline).await;
    let into = json!({"into": primary, "note": "同一工地"});
    step(&app, &t.dispatcher, &first, "merge", into.clone()).await;
    step(&app, &t.hotline, &second, "merge", into).await;
    assert_eq!(case(&app, &first).await["state"], "merged");
    let listed = case(&app, &primary).await;
    assert_eq!(
        listed["duplicates"].as_array().unwrap().len(),
        2,
        "{listed}"
    );
    assert_eq!(listed["duplicates"][0]["requester"]["name"], "王小明");

    // A merged case takes nothing but unmerge.
    let refused = app
        .post(
            &case_path(&second, "dispatch"),
            &t.hotline,
            &json!({"unit": {"street": STREET}}),
        )
        .await;
    assert_eq!(refused.status, 409, "{refused}");
    step(
        &app,
        &t.hotline,
        &second,
        "unmerge",
        json!({"note": "并错了"}),
    )
    .await;
    assert_eq!(case(&app, &second).await["state"], "received");
    let listed = case(&app, &primary).await;
    assert_eq!(
        listed["duplicates"].as_array().unwrap().len(),
        1,
        "{listed}"
    );
    assert_eq!(
        event_types(&app, &primary).await[1..],
        [
            "DuplicateAttached",
            "DuplicateAttached",
            "DuplicateDetached"
        ]
    );

    close_after_callback(&app, &primary).await;
    let closed = case(&app, &first).await;
    assert_eq!(closed["state"], "closed", "{closed}");
    assert_eq!(
        event_types(&app, &first).await,
        ["CaseOpened", "CaseMerged", "CaseClosed"]
    );
    let history = app.get(&case_path(&first, "events"), &t.auditor).await;
    assert_eq!(
        history.body["items"][2]["payload"]["CaseClosed"]["via_primary"],
        primary.as_str(),
        "{history}"
    );
    assert_eq!(case(&app, &second).await["state"], "received");
    // Volume counts the merged duplicate; no rate does.
    let month = shaobao_projections::time::month_of(shaobao_tests::app::start_of_tests());
    let position = history.body["items"][2]["position"]
        .as_str()
        .unwrap()
        .to_string();
    let stats = app
        .get(
            &format!("/api/v1/stats?group_by=street&month={month}&min_position={position}"),
            &t.hotline,
        )
        .await;
    let row = &stats.body["items"][0];
    assert_eq!(
        (row["cases"].clone(), row["duplicates"].clone()),
        (json!(3), json!(1)),
        "{stats}"
    );
    assert_eq!(row["dispatched"], 1, "{stats}");
    // No unmerge once the primary closed; no second close.
    let late = app
        .post(&case_path(&first, "unmerge"), &t.hotline, &json!({}))
        .await;
    assert_eq!(late.status, 409, "{late}");
}

/// Every refusal of a merge says why, with its status.
pub async fn merges_are_refused_with_reasons(app: TestApp) {
    let t = &app.tokens;
    let primary = open(&app, &t.hotline).await;
    let duplicate = open(&app, &t.hotline).await;
    let merge = |into: &str| json!({ "into": into });
    let attempt = |token: &str, id: &str, body: Value| {
        let (token, path) = (token.to_string(), case_path(id, "merge"));
        let app = &app;
        async move { error(&app.post(&path, &token, &body).await) }
    };

    let (status, err) = attempt(&t.hotline, &duplicate, merge(&duplicate)).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (400, Some("into")),
        "{err}"
    );
    let unknown = "6a6a6a6a-0000-4000-8000-000000000009";
    let (status, err) = attempt(&t.hotline, &duplicate, merge(unknown)).await;
    assert_eq!(
        (status, err["field"].as_str()),
        (400, Some("into")),
        "{err}"
    );
    let (status, err) = attempt(&t.hotline, &duplicate, json!({"into": primary, "x": 1})).await;
    assert_eq!(status, 400, "{err}");

    // Another street's case: its dispatcher may not merge into it.
    let mut elsewhere = complaint(OTHER_STREET);
    elsewhere["location"]["address"] = json!("正义路 1 号");
    let other = app.post("/api/v1/cases", &t.hotline, &elsewhere).await;
    let other = other.body["case_id"].as_str().unwrap().to_string();
    let (status, err) = attempt(&t.dispatcher, &duplicate, merge(&other)).await;
    assert_eq!(status, 403, "{err}");
    assert!(
        err["message"].as_str().unwrap().contains(OTHER_STREET),
        "{err}"
    );
    let other_dispatcher = app.token(dispatcher(OTHER_STREET)).await;
    let (status, _) = attempt(&other_dispatcher, &duplicate, merge(&primary)).await;
    assert_eq!(status, 403);
    let (status, _) = attempt(&t.department, &duplicate, merge(&primary)).await;
    assert_eq!(status, 403);

    // Into a merged case, and back into one's own duplicate (a cycle).
    step(&app, &t.hotline, &duplicate, "merge", merge(&primary)).await;
    let third = open(&app, &t.hotline).await;
    let (status, err) = attempt(&t.hotline, &third, merge(&duplicate)).await;
    assert_eq!(status, 409, "{err}");
    let (status, err) = attempt(&t.hotline, &primary, merge(&duplicate)).await;
    assert_eq!(status, 409, "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("duplicate"),
        "{err}"
    );

    // Into a closed case.
    let closed = open(&app, &t.hotline).await;
    close_after_callback(&app, &closed).await;
    let (status, err) = attempt(&t.hotline, &third, merge(&closed)).await;
    assert_eq!(status, 409, "{err}");
    assert!(err["message"].as_str().unwrap().contains("closed"), "{err}");
}

/// Tags from the vocabulary; unknown tags name their field. Proactive cases have no requester and
/// well-formed related cases.
pub async fn tags_and_proactive_cases(app: TestApp) {
    let t = &app.tokens;
    let id = open(&app, &t.hotline).await;
    let tags = json!({"add": ["elderly", "hutong"]});
    step(&app, &t.dispatcher, &id, "tags", tags).await;
    step(&app, &t.hotline, &id, "tags", json!({"remove": ["hutong"]})).await;
    assert_eq!(case(&app, &id).await["tags"], json!(["elderly"]));
    let unknown = app
        .post(
            &case_path(&id, "tags"),
            &t.hotline,
            &json!({"add": ["elderly", "vip"]}),
        )
        .await;
    assert_eq!(unknown.status, 400, "{unknown}");
    assert_eq!(unknown.error().1, Some("add[1]"), "{unknown}");

    let mut proactive = complaint(STREET);
    proactive["channel"] = json!("proactive");
    proactive["kind"] = json!("report");
    proactive.as_object_mut().unwrap().remove("requester");
    proactive["related_cases"] = json!([id]);
    let opened = app.post("/api/v1/cases", &t.dispatcher, &proactive).await;
    assert_eq!(opened.status, 201, "{opened}");
    let read = case(&app, opened.body["case_id"].as_str().unwrap()).await;
    assert_eq!(
        (read["channel"].clone(), read["related_cases"].clone()),
        (json!("proactive"), json!([id]))
    );

    let month = shaobao_projections::time::month_of(shaobao_tests::app::start_of_tests());
    let position = opened.body["position"].as_str().unwrap();
    let stats = app
        .get(
            &format!("/api/v1/stats?group_by=street&month={month}&min_position={position}"),
            &t.hotline,
        )
        .await;
    assert_eq!(stats.status, 200, "{stats}");
    let row = &stats.body["items"][0];
    assert_eq!(
        (row["cases"].clone(), row["proactive"].clone()),
        (json!(1), json!(1)),
        "{stats}"
    );

    proactive["related_cases"] = json!([id, "case-12"]);
    let malformed = app.post("/api/v1/cases", &t.dispatcher, &proactive).await;
    assert_eq!(malformed.status, 400, "{malformed}");
    assert_eq!(malformed.error().1, Some("related_cases[1]"), "{malformed}");
    proactive["related_cases"] = json!("not a list");
    let malformed = app.post("/api/v1/cases", &t.dispatcher, &proactive).await;
    assert_eq!(malformed.status, 400, "{malformed}");
    assert_eq!(malformed.error().1, Some("related_cases"), "{malformed}");
}

/// Opens a noise complaint at `address` with `description` in [`STREET`]; returns (id, position).
async fn open_at(app: &TestApp, address: &str, description: &str) -> (String, String) {
    let mut body = complaint(STREET);
    body["location"]["address"] = json!(address);
    body["location"]["community"] = json!("jingshan-jixiang");
    body["description"] = json!(description);
    let opened = app.post("/api/v1/cases", &app.tokens.hotline, &body).await;
    assert_eq!(opened.status, 201, "{opened}");
    let id = opened.body["case_id"].as_str().unwrap().to_string();
    (id, opened.body["position"].as_str().unwrap().to_string())
}

/// The finder ranks the repeats of one place first, with reasons; the same three cases are a
/// hot spot and this month's topic; a draft without category or street is refused by field.
pub async fn similar_cases_hot_spots_and_monthly_topics(app: TestApp) {
    let t = &app.tokens;
    let (first, _) = open_at(&app, "吉祥胡同12号", "楼下商铺夜间施工噪声扰民").await;
    let (second, _) = open_at(&app, "吉祥胡同 十二号", "商铺晚上施工噪声很大").await;
    let (third, _) = open_at(&app, "吉祥胡同１２号", "夜里施工噪声扰民睡不着").await;
    let mut elsewhere = complaint(STREET);
    elsewhere["category"] = json!("road_damage");
    elsewhere["location"]["address"] = json!("景山前街 3 号");
    elsewhere["description"] = json!("路面塌陷");
    let other = app.post("/api/v1/cases", &t.hotline, &elsewhere).await;
    let last = other.body["position"].as_str().unwrap().to_string();

    let similar = app
        .get(
            &format!("/api/v1/cases/{first}/similar?min_position={last}"),
            &t.dispatcher,
        )
        .await;
    assert_eq!(similar.status, 200, "{similar}");
    let items = similar.body["items"].as_array().unwrap();
    let ids: Vec<&str> = items
        .iter()
        .map(|i| i["case_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 2, "{similar}");
    assert!(
        ids.contains(&second.as_str()) && ids.contains(&third.as_str()),
        "{similar}"
    );
    for item in items {
        let score = item["score"].as_f64().unwrap();
        assert!((0.6..=1.0).contains(&score), "{item}");
        let reasons = item["reasons"].to_string();
        assert!(
            reasons.contains("same_category") && reasons.contains("same_address"),
            "{item}"
        );
    }

    let draft = json!({"category": "noise", "description": "吉祥胡同夜间施工噪声",
        "location": {"street": STREET, "address": "吉祥胡同12号"}});
    let found = app
        .post("/api/v1/cases/similar?limit=2", &t.hotline, &draft)
        .await;
    assert_eq!(found.status, 200, "{found}");
    assert_eq!(found.body["items"].as_array().unwrap().len(), 2, "{found}");
    let no_category = json!({"description": "噪声", "location": {"street": STREET}});
    let refused = app
        .post("/api/v1/cases/similar", &t.hotline, &no_category)
        .await;
    assert_eq!(
        (refused.status, refused.error().1),
        (400, Some("category")),
        "{refused}"
    );
    let no_street = json!({"category": "noise", "description": "噪声"});
    let refused = app
        .post("/api/v1/cases/similar", &t.hotline, &no_street)
        .await;
    assert_eq!(
        (refused.status, refused.error().1),
        (400, Some("location.street")),
        "{refused}"
    );
    let other_street = json!({"category": "noise", "location": {"street": OTHER_STREET}});
    let refused = app
        .post("/api/v1/cases/similar", &t.dispatcher, &other_street)
        .await;
    assert_eq!(refused.status, 403, "{refused}");

    let spots = app.get("/api/v1/hotspots", &t.dispatcher).await;
    assert_eq!(spots.status, 200, "{spots}");
    let clusters = spots.body["items"].as_array().unwrap();
    assert_eq!(clusters.len(), 1, "{spots}");
    assert_eq!(clusters[0]["count"], 3);
    assert_eq!(clusters[0]["category"], "noise");
    let mut members: Vec<&str> = clusters[0]["case_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|id| id.as_str().unwrap())
        .collect();
    members.sort();
    let mut expected = [first.as_str(), second.as_str(), third.as_str()];
    expected.sort();
    assert_eq!(members, expected);
    let alerts = app.get("/api/v1/alerts", &t.dispatcher).await;
    assert_eq!(alerts.status, 200, "{alerts}");
    let first_alert = &alerts.body["items"][0];
    assert_eq!(first_alert["kind"], "repeat", "{alerts}");
    assert_eq!(first_alert["repeat"]["count"], 3, "{alerts}");
    let departments = app.get("/api/v1/alerts", &t.department).await;
    assert!(!departments.text.contains("repeat"), "{departments}");
    let all = app.get("/api/v1/hotspots?min_count=1", &t.hotline).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 2, "{all}");

    let month = shaobao_projections::time::month_of(shaobao_tests::app::start_of_tests());
    let topics = app
        .get(
            &format!("/api/v1/hotspots/monthly?month={month}&street={STREET}"),
            &t.hotline,
        )
        .await;
    assert_eq!(topics.status, 200, "{topics}");
    let street = &topics.body["items"][0];
    assert_eq!(street["categories"][0]["key"], "noise", "{topics}");
    assert_eq!(street["categories"][0]["count"], 3);
    assert_eq!(street["categories"][0]["change"], 3);
    assert_eq!(street["places"][0]["count"], 3, "{topics}");
    let bad = app
        .get("/api/v1/hotspots/monthly?month=2026-13", &t.hotline)
        .await;
    assert_eq!((bad.status, bad.error().1), (400, Some("month")), "{bad}");
}
