//! Community mobilisation over HTTP: a need published, claimed, delivered and confirmed with
//! points; members registering before they claim; resources offered and matched; scores; bad
//! input refused with its field and nothing written; idempotent retries.

use serde_json::{json, Value};
use shaobao_tests::app::{department, dispatcher, volunteer, TestApp, MEMBER, OTHER_STREET};

use crate::support::{complaint, step};

const JX: &str = "jingshan-jixiang";

fn needs_of(community: &str) -> String {
    format!("/api/v1/communities/{community}/needs")
}

fn need_path(community: &str, no: u64, action: &str) -> String {
    format!("/api/v1/communities/{community}/needs/{no}/{action}")
}

/// Posts and asserts the status; returns the answer.
async fn expect(app: &TestApp, path: &str, token: &str, body: Value, status: u16) -> Value {
    let answer = app.post(path, token, &body).await;
    assert_eq!(answer.status, status, "{path}: {answer}");
    answer.body
}

pub async fn a_need_is_claimed_delivered_and_confirmed(app: TestApp) {
    let t = &app.tokens;
    let housing = app.token(department("housing")).await;

    // The street's dispatcher publishes; a retry with the same key answers the same need.
    let body = json!({"title": "修理独居老人家中水管", "kind": "practical", "points": 30,
        "description": "吉祥社区 3 号楼"});
    let key = [("Idempotency-Key", "need-water-pipe")];
    let first = app
        .post_with(&needs_of(JX), &t.dispatcher, &body, &key)
        .await;
    assert_eq!(first.status, 201, "{first}");
    assert_eq!(first.body["need_no"], 1);
    assert_eq!(first.body["community"], JX);
    let again = app
        .post_with(&needs_of(JX), &t.dispatcher, &body, &key)
        .await;
    assert_eq!(again.status, 201, "{again}");
    assert_eq!(again.body, first.body, "a retry answers the first outcome");
    let second = json!({"title": "楼道清扫", "kind": "volunteering", "points": 10});
    let published = expect(&app, &needs_of(JX), &t.dispatcher, second, 201).await;
    assert_eq!(published["need_no"], 2);

    // Who may not publish: another street's dispatcher, a unit, the hotline.
    let other = app.token(dispatcher(OTHER_STREET)).await;
    for token in [&other, &t.department, &t.hotline, &t.volunteer] {
        expect(&app, &needs_of(JX), token, body.clone(), 403).await;
    }
    // Readers only read.
    for token in [&t.auditor, &t.admin] {
        expect(&app, &needs_of(JX), token, body.clone(), 403).await;
    }

    // A unit claims need 1; a second claim is refused.
    expect(
        &app,
        &need_path(JX, 1, "claim"),
        &t.department,
        json!({}),
        200,
    )
    .await;
    let twice = app
        .post(&need_path(JX, 1, "claim"), &housing, &json!({}))
        .await;
    assert_eq!(twice.status, 409, "{twice}");
    assert!(twice.text.contains("already been claimed"), "{twice}");

    // A volunteer claims only after registering in the community.
    let unregistered = app
        .post(&need_path(JX, 2, "claim"), &t.volunteer, &json!({}))
        .await;
    assert_eq!(unregistered.status, 403, "{unregistered}");
    assert!(
        unregistered.text.contains("not registered"),
        "{unregistered}"
    );
    let registration = json!({"name": "王网格", "community": JX, "home_unit": "housing"});
    let registered = expect(
        &app,
        "/api/v1/members",
        &t.volunteer,
        registration.clone(),
        201,
    )
    .await;
    assert_eq!(registered["member"], MEMBER);
    let repeat = app
        .post("/api/v1/members", &t.volunteer, &registration)
        .await;
    assert_eq!(repeat.status, 409, "registered twice: {repeat}");
    expect(
        &app,
        &need_path(JX, 2, "claim"),
        &t.volunteer,
        json!({}),
        200,
    )
    .await;

    // The claimant delivers; only the claimant.
    let delivery = json!({"summary": "已更换水管", "evidence": ["photo-1.jpg"]});
    expect(
        &app,
        &need_path(JX, 1, "deliver"),
        &housing,
        delivery.clone(),
        403,
    )
    .await;
    expect(
        &app,
        &need_path(JX, 1, "deliver"),
        &t.department,
        delivery,
        200,
    )
    .await;

    // The street confirms: points recorded in the event; confirming twice is refused.
    let confirmed = expect(
        &app,
        &need_path(JX, 1, "confirm"),
        &t.dispatcher,
        json!({}),
        200,
    )
    .await;
    let again = app
        .post(&need_path(JX, 1, "confirm"), &t.dispatcher, &json!({}))
        .await;
    assert_eq!(again.status, 409, "{again}");
    assert!(again.text.contains("already been confirmed"), "{again}");

    // The volunteer delivers need 2; the street awards other points than published.
    let delivery = json!({"summary": "楼道已清扫"});
    expect(
        &app,
        &need_path(JX, 2, "deliver"),
        &t.volunteer,
        delivery,
        200,
    )
    .await;
    let last = expect(
        &app,
        &need_path(JX, 2, "confirm"),
        &t.dispatcher,
        json!({"points": 12}),
        200,
    )
    .await;

    // The list, as every reader but resident apps sees it.
    let position = last["position"].as_str().unwrap().to_string();
    assert!(confirmed["version"].as_i64().unwrap() < last["version"].as_i64().unwrap());
    let list_path = format!("{}?min_position={position}", needs_of(JX));
    let list = app.get(&list_path, &t.volunteer).await;
    assert_eq!(list.status, 200, "{list}");
    let items = list.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["no"], 1);
    assert_eq!(items[1]["status"], "confirmed");
    assert_eq!(items[1]["claimant"], json!({"unit": "urban_management"}));
    assert_eq!(items[1]["awarded_points"], 30);
    assert_eq!(items[0]["claimant"], json!({"member": MEMBER}));
    assert_eq!(items[0]["awarded_points"], 12);
    assert_eq!(app.get(&list_path, &t.intake).await.status, 403);
    let street = app
        .get(
            "/api/v1/streets/jingshan/needs?status=confirmed",
            &t.hotline,
        )
        .await;
    assert_eq!(
        street.body["items"].as_array().unwrap().len(),
        2,
        "{street}"
    );
    let mine = app
        .get(&format!("{}?mine=true", needs_of(JX)), &t.volunteer)
        .await;
    assert_eq!(mine.body["items"].as_array().unwrap().len(), 1, "{mine}");

    // Scores for the month: the unit's 30 and the member's 12.
    let scores = app
        .get("/api/v1/scores?unit=unit&period=2026-03", &t.department)
        .await;
    assert_eq!(scores.status, 200, "{scores}");
    assert_eq!(scores.body["items"][0]["id"], "urban_management");
    assert_eq!(scores.body["items"][0]["points"], 30);
    assert_eq!(scores.body["items"][0]["rank"], 1);
    let members = app
        .get("/api/v1/scores?unit=member&period=2026", &t.volunteer)
        .await;
    assert_eq!(members.status, 200, "{members}");
    assert_eq!(members.body["items"][0]["id"], MEMBER);
    assert_eq!(members.body["items"][0]["points"], 12);
    assert_eq!(members.body["items"][0]["tier"], "advanced");
    assert_eq!(members.body["summary"]["advanced"], 1);
    let year = app
        .get("/api/v1/scores?unit=unit&period=2026", &t.auditor)
        .await;
    assert_eq!(
        year.body["items"][0]["status"], "no_shared_resources",
        "{year}"
    );
    assert_eq!(year.body["scoring"]["unit_floor"], 60);

    // The member's registration.
    let me = app
        .get(&format!("/api/v1/members/{MEMBER}"), &t.volunteer)
        .await;
    assert_eq!(me.status, 200, "{me}");
    assert_eq!(me.body["community"], JX);
    let stranger = app.token(volunteer("someone-else")).await;
    assert_eq!(
        app.get(&format!("/api/v1/members/{MEMBER}"), &stranger)
            .await
            .status,
        403
    );
    let roster = app
        .get(&format!("/api/v1/communities/{JX}/members"), &t.dispatcher)
        .await;
    assert_eq!(
        roster.body["items"].as_array().unwrap().len(),
        1,
        "{roster}"
    );
    assert_eq!(
        app.get(&format!("/api/v1/communities/{JX}/members"), &other)
            .await
            .status,
        403
    );

    // Moving away: no more claims in the old community.
    let moved = json!({"community": "donghuamen-nanchizi"});
    expect(
        &app,
        &format!("/api/v1/members/{MEMBER}/move"),
        &t.volunteer,
        moved,
        200,
    )
    .await;
    let third = json!({"title": "陪同就医", "kind": "volunteering", "points": 5});
    expect(&app, &needs_of(JX), &t.dispatcher, third, 201).await;
    expect(
        &app,
        &need_path(JX, 3, "claim"),
        &t.volunteer,
        json!({}),
        403,
    )
    .await;
    let leave = format!("/api/v1/members/{MEMBER}/leave");
    expect(&app, &leave, &t.volunteer, json!({"reason": "搬家"}), 200).await;
    expect(&app, &leave, &t.volunteer, json!({}), 404).await;
}

pub async fn resources_are_offered_and_matched_and_case_tasks_score(app: TestApp) {
    let t = &app.tokens;
    let water = app.token(department("water_supply")).await;
    let resources = format!("/api/v1/communities/{JX}/resources");
    let offer = json!({"title": "管网义务检修", "capacity": 1});
    let offered = expect(&app, &resources, &water, offer.clone(), 201).await;
    assert_eq!(offered["resource_no"], 1);
    expect(&app, &resources, &t.dispatcher, offer, 403).await;
    let need = json!({"title": "老旧管网检修", "kind": "practical", "points": 20});
    expect(&app, &needs_of(JX), &t.dispatcher, need.clone(), 201).await;
    expect(&app, &needs_of(JX), &t.dispatcher, need, 201).await;
    let matching = format!("{resources}/1/match");
    expect(&app, &matching, &t.department, json!({"need_no": 1}), 403).await;
    expect(&app, &matching, &t.dispatcher, json!({"need_no": 1}), 200).await;
    let full = app.post(&matching, &water, &json!({"need_no": 2})).await;
    assert_eq!(full.status, 409, "{full}");
    expect(
        &app,
        &need_path(JX, 1, "deliver"),
        &water,
        json!({"summary": "已检修"}),
        200,
    )
    .await;
    expect(
        &app,
        &need_path(JX, 1, "confirm"),
        &t.dispatcher,
        json!({}),
        200,
    )
    .await;
    let list = app.get(&resources, &t.department).await;
    assert_eq!(list.status, 200, "{list}");
    // Lists may lag: wait for the last write.
    let last = expect(
        &app,
        &need_path(JX, 2, "withdraw"),
        &t.dispatcher,
        json!({"reason": "合并"}),
        200,
    )
    .await;
    let at = last["position"].as_str().unwrap();
    let list = app
        .get(&format!("{resources}?min_position={at}"), &t.department)
        .await;
    assert_eq!(list.body["items"][0]["matched"], 1, "{list}");
    assert_eq!(list.body["items"][0]["matched_needs"], json!([1]));
    let available = app
        .get(&format!("{resources}?available=true"), &t.department)
        .await;
    assert_eq!(available.body["items"], json!([]), "{available}");

    // A confirmed case task counts for its claimant too.
    let opened = app
        .post("/api/v1/cases", &t.hotline, &complaint("jingshan"))
        .await;
    let id = opened.body["case_id"].as_str().unwrap().to_string();
    let task = json!({"title": "入户核实", "kind": "practical", "points": 7});
    step(&app, &t.dispatcher, &id, "tasks", task).await;
    step(&app, &water, &id, "tasks/1/claim", json!({})).await;
    step(
        &app,
        &water,
        &id,
        "tasks/1/complete",
        json!({"summary": "已核实"}),
    )
    .await;
    let done = step(&app, &t.dispatcher, &id, "tasks/1/confirm", json!({})).await;
    let at = done["position"].as_str().unwrap();
    let scores = app
        .get(
            &format!("/api/v1/scores?unit=unit&period=2026-H1&street=jingshan&min_position={at}"),
            &t.hotline,
        )
        .await;
    assert_eq!(scores.status, 200, "{scores}");
    let water_row = &scores.body["items"][0];
    assert_eq!(water_row["id"], "water_supply");
    assert_eq!(water_row["points"], 27);
    assert_eq!(water_row["need_points"], 20);
    assert_eq!(water_row["task_points"], 7);
    assert!(
        water_row.get("status").is_none(),
        "a street's ranking is not judged"
    );
}

pub async fn bad_community_input_is_refused_with_its_field(app: TestApp) {
    let t = &app.tokens;
    let before = app.total_events().await;
    let cases: Vec<(&str, Value, u16, Option<&str>)> = vec![
        (
            "/api/v1/communities/jingshan-jixiang/needs",
            json!({"title": "x", "kind": "practical", "points": "many"}),
            400,
            Some("points"),
        ),
        (
            "/api/v1/communities/jingshan-jixiang/needs",
            json!({"title": " ", "kind": "practical", "points": 3}),
            400,
            Some("title"),
        ),
        (
            "/api/v1/communities/jingshan-jixiang/needs",
            json!({"title": "x", "kind": "party", "points": 3}),
            400,
            Some("kind"),
        ),
        (
            "/api/v1/communities/jingshan-jixiang/needs",
            json!({"title": "x", "kind": "practical", "points": 0}),
            400,
            Some("points"),
        ),
        (
            "/api/v1/communities/jingshan-jixiang/needs",
            json!({"title": "x", "kind": "practical", "points": 3, "deadline": "2020-01-01T00:00:00Z"}),
            400,
            Some("deadline"),
        ),
        (
            "/api/v1/communities/jingshan-jixiang/needs",
            json!({"title": "x", "kind": "practical", "points": 3, "colour": "red"}),
            400,
            Some("colour"),
        ),
        (
            "/api/v1/communities/nowhere/needs",
            json!({"title": "x", "kind": "practical", "points": 3}),
            404,
            Some("community"),
        ),
        (
            "/api/v1/communities/jingshan-jixiang/needs/9/claim",
            json!({}),
            404,
            None,
        ),
        (
            "/api/v1/communities/jingshan-jixiang/needs/x/claim",
            json!({}),
            400,
            Some("no"),
        ),
        (
            "/api/v1/members",
            json!({"member": "m-9", "name": "李", "community": "nowhere"}),
            400,
            Some("community"),
        ),
        (
            "/api/v1/members",
            json!({"member": "m-9", "name": "李", "community": "jingshan-jixiang", "home_unit": "ghost"}),
            400,
            Some("home_unit"),
        ),
        (
            "/api/v1/members",
            json!({"member": "a b", "name": "李", "community": "jingshan-jixiang"}),
            400,
            Some("member"),
        ),
        (
            "/api/v1/members",
            json!({"name": "李", "community": "jingshan-jixiang"}),
            400,
            Some("member"),
        ),
    ];
    for (path, body, status, field) in cases {
        let token = if path.contains("/members") {
            &t.dispatcher
        } else if path.ends_with("claim") {
            &t.department
        } else {
            &t.dispatcher
        };
        let answer = app.post(path, token, &body).await;
        assert_eq!(answer.status, status, "{path} {body}: {answer}");
        assert_eq!(answer.error().1, field, "{path} {body}: {answer}");
    }
    let queries = [
        ("/api/v1/scores?unit=street&period=2026", "unit"),
        ("/api/v1/scores?unit=unit&period=2026-13", "period"),
        (
            "/api/v1/scores?unit=unit&period=2026&street=atlantis",
            "street",
        ),
        (
            "/api/v1/communities/jingshan-jixiang/needs?status=lost",
            "status",
        ),
        ("/api/v1/scores?period=2026", "unit"),
    ];
    for (path, field) in queries {
        let answer = app.get(path, &t.hotline).await;
        assert_eq!(answer.status, 400, "{path}: {answer}");
        assert_eq!(answer.error().1, Some(field), "{path}: {answer}");
    }
    assert_eq!(app.total_events().await, before, "refusals write nothing");
}
