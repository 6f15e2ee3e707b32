//! POST and GET requests: the round trip in both formats, filters, pages, notes, privacy and
//! retries.

use chrono::Duration;
use serde_json::{json, Value};
use shaobao_tests::app::TestApp;

use crate::support::{elements, get, listing, post, report, same_document, valid};

const REQUESTS: [(&str, &str); 1] = [("service_requests", "request")];

/// `GET requests/{id}.json`, checked against the schema; the one request in it.
async fn by_id(app: &TestApp, id: &str, query: &str) -> Value {
    let answer = get(app, &format!("requests/{id}.json?{query}")).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let requests = answer.json();
    valid("service_requests", &requests);
    assert_eq!(requests.as_array().unwrap().len(), 1, "{requests}");
    requests[0].clone()
}

/// The ids in a JSON request list, in order.
fn ids(answer: &crate::support::Answer) -> Vec<String> {
    let requests = answer.json();
    valid("service_requests", &requests);
    let list = requests.as_array().unwrap();
    list.iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_string())
        .collect()
}

async fn hotline(app: &TestApp, id: &str, action: &str, body: Value) {
    let done = app
        .post(
            &format!("/api/v1/cases/{id}/{action}"),
            &app.tokens.hotline,
            &body,
        )
        .await;
    assert_eq!(done.status, 200, "{action}: {done}");
}

pub async fn a_request_round_trips_in_json_and_xml(app: TestApp) {
    let key = app.tokens.intake.clone();
    let posted = post(
        &app,
        "requests.json",
        &[
            ("api_key", &key),
            ("service_code", "noise"),
            ("lat", "39.9290"),
            ("long", "116.4010"),
            ("address_string", "吉祥胡同 12 号"),
            ("attribute[urgency]", "emergency"),
            ("description", "广场舞音响噪声"),
            ("account_id", "acc-1"),
        ],
        &[],
    )
    .await;
    assert_eq!(posted.status, 200, "{posted:?}");
    let answer = posted.json();
    valid("posted", &answer);
    let id = answer[0]["service_request_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(answer[0]["account_id"], "acc-1");
    let notice = answer[0]["service_notice"].as_str().unwrap();
    assert!(
        notice.contains("紧急 emergency") && notice.contains("2h"),
        "{notice}"
    );

    // The same over XML, a minute later, located by address_id this time.
    app.clock.advance(Duration::minutes(1));
    let posted = post(
        &app,
        "requests.xml",
        &[
            ("api_key", &key),
            ("service_code", "heating"),
            ("address_id", "qianmen-caochang"),
        ],
        &[],
    )
    .await;
    assert_eq!(posted.status, 200, "{posted:?}");
    let document = posted.xml();
    assert_eq!(
        document.root_element().tag_name().name(),
        "service_requests"
    );
    let request = elements(document.root_element()).next().unwrap();
    let fields: Vec<&str> = elements(request).map(|e| e.tag_name().name()).collect();
    assert_eq!(
        fields,
        ["service_request_id", "service_notice", "account_id"]
    );
    let xml_id = elements(request)
        .next()
        .unwrap()
        .text()
        .unwrap()
        .to_string();
    assert_eq!(
        by_id(&app, &xml_id, "").await["address_id"],
        "qianmen-caochang"
    );

    let request = by_id(&app, &id, "").await;
    assert_eq!(request["status"], "open");
    assert_eq!(request["status_notes"], "received");
    assert_eq!(request["service_code"], "noise");
    assert_eq!(request["service_name"], "噪声扰民");
    assert_eq!(request["description"], "广场舞音响噪声");
    assert_eq!(request["address"], "吉祥胡同 12 号");
    assert_eq!(request["address_id"], "jingshan", "located by its point");
    assert_eq!(
        (request["lat"].clone(), request["long"].clone()),
        (json!(39.929), json!(116.401))
    );
    assert_eq!(request["requested_datetime"], "2026-03-02T10:00:00+08:00");
    assert_eq!(request["updated_datetime"], "2026-03-02T10:00:00+08:00");
    assert_eq!(
        request["agency_responsible"],
        Value::Null,
        "not dispatched yet"
    );
    assert_eq!(request["expected_datetime"], Value::Null);

    app.clock.advance(Duration::minutes(4));
    hotline(
        &app,
        &id,
        "dispatch",
        json!({"unit": {"department": "urban_management"}}),
    )
    .await;
    let request = by_id(&app, &id, "").await;
    assert_eq!(request["status_notes"], "dispatched");
    assert_eq!(request["agency_responsible"], "区城管执法局");
    assert_eq!(request["updated_datetime"], "2026-03-02T10:05:00+08:00");
    // Emergency: resolve within 2 h of dispatch.
    assert_eq!(request["expected_datetime"], "2026-03-02T12:05:00+08:00");

    let xml = get(&app, &format!("requests/{id}.xml")).await;
    assert_eq!(xml.status, 200, "{xml:?}");
    same_document(&xml.xml(), "service_requests", &REQUESTS, &json!([request]));

    // The read model follows the log in order: once the later request is listed, both are.
    let listed = listing(&app, "json", "status=open", &xml_id).await;
    assert_eq!(ids(&listed), [xml_id.as_str(), id.as_str()]);
    let xml = get(&app, "requests.xml?status=open").await;
    let json = get(&app, "requests.json?status=open").await.json();
    same_document(&xml.xml(), "service_requests", &REQUESTS, &json);

    let token = get(&app, &format!("tokens/{id}.json")).await;
    assert_eq!(token.status, 200, "{token:?}");
    let token = token.json();
    valid("token", &token);
    assert_eq!(token, json!([{"service_request_id": id, "token": id}]));
    let xml = get(&app, &format!("tokens/{id}.xml")).await;
    same_document(&xml.xml(), "service_requests", &REQUESTS, &token);
}

pub async fn filters_select_by_status_service_and_date(app: TestApp) {
    let key = app.tokens.intake.clone();
    let question = report(
        &app,
        &key,
        &[
            ("service_code", "policy_inquiry"),
            ("attribute[kind]", "consultation"),
        ],
    )
    .await;
    let noise = report(&app, &key, &[]).await;
    hotline(&app, &question, "answer", json!({"note": "已电话答复"})).await;
    assert_eq!(by_id(&app, &question, "").await["status"], "closed");

    let closed = listing(&app, "json", "status=closed", &question).await;
    assert_eq!(ids(&closed), [question.as_str()]);
    let open = listing(&app, "json", "status=open", &noise).await;
    assert_eq!(ids(&open), [noise.as_str()]);
    let both = listing(&app, "json", "status=open,closed", &question).await;
    assert_eq!(ids(&both).len(), 2);
    let xml = listing(&app, "xml", "status=closed", &question).await;
    let json = get(&app, "requests.json?status=closed").await.json();
    same_document(&xml.xml(), "service_requests", &REQUESTS, &json);

    let inquiries = listing(&app, "json", "service_code=policy_inquiry", &question).await;
    assert_eq!(ids(&inquiries), [question.as_str()]);
    let either = listing(&app, "json", "service_code=noise,policy_inquiry", &noise).await;
    assert_eq!(ids(&either).len(), 2);

    let window = "start_date=2026-03-02T09:00:00%2B08:00&end_date=2026-03-02T02:00:00Z";
    assert_eq!(ids(&listing(&app, "json", window, &noise).await).len(), 2);
    for outside in [
        "start_date=2026-03-02T10:00:01%2B08:00",
        "end_date=2026-03-01",
        "end_date=2025-12-01",
    ] {
        let answer = get(&app, &format!("requests.json?{outside}")).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert!(ids(&answer).is_empty(), "{outside}: {answer:?}");
    }
    // The default window is the last 90 days.
    app.clock.advance(Duration::days(91));
    let later = get(&app, "requests.json").await;
    assert!(ids(&later).is_empty(), "{later:?}");
}

pub async fn id_lists_and_pages(app: TestApp) {
    let key = app.tokens.intake.clone();
    let mut opened = Vec::new();
    for _ in 0..3 {
        opened.push(report(&app, &key, &[]).await);
        app.clock.advance(Duration::minutes(1));
    }
    let [first, second, third] = [&opened[0], &opened[1], &opened[2]];
    listing(&app, "json", "", third).await;
    let page = |n: u32| format!("requests.json?page_size=2&page={n}");
    let newest = get(&app, &page(1)).await;
    assert_eq!(
        ids(&newest),
        [third.as_str(), second.as_str()],
        "newest first"
    );
    assert_eq!(ids(&get(&app, &page(2)).await), [first.as_str()]);
    assert!(ids(&get(&app, &page(3)).await).is_empty());

    // An id list overrides every other filter and keeps its order; unknown ids are left out.
    let query =
        format!("service_request_id={first},nope,{third}&status=closed&service_code=heating");
    let answer = get(&app, &format!("requests.json?{query}")).await;
    assert_eq!(ids(&answer), [first.as_str(), third.as_str()]);
}

pub async fn history_comes_as_notes_with_extensions(app: TestApp) {
    let id = report(&app, &app.tokens.intake.clone(), &[]).await;
    hotline(
        &app,
        &id,
        "dispatch",
        json!({"unit": {"street": "jingshan"}}),
    )
    .await;
    assert!(by_id(&app, &id, "").await.get("notes").is_none());
    let request = by_id(&app, &id, "extensions=true").await;
    let notes = request["notes"].as_array().unwrap();
    let types: Vec<&str> = notes.iter().map(|n| n["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["CaseOpened", "CaseDispatched"]);
    assert_eq!(notes[0]["datetime"], "2026-03-02T10:00:00+08:00");
    assert_eq!(notes[1]["description"], "派单 dispatched to 景山街道");

    let items = [("service_requests", "request"), ("notes", "note")];
    let xml = get(&app, &format!("requests/{id}.xml?extensions=true")).await;
    same_document(&xml.xml(), "service_requests", &items, &json!([request]));
    let listed = listing(&app, "json", "extensions=true", &id).await.json();
    assert_eq!(listed[0]["notes"], request["notes"]);
}

pub async fn contact_details_never_appear_in_reads(app: TestApp) {
    let contact = [
        ("first_name", "小明"),
        ("last_name", "王"),
        ("phone", "13812341234"),
        ("email", "xiaoming@example.cn"),
        ("device_id", "device-4711"),
    ];
    let id = report(&app, &app.tokens.intake.clone(), &contact).await;
    // Kept for the handling unit to call back…
    let case = app
        .get(&format!("/api/v1/cases/{id}"), &app.tokens.hotline)
        .await;
    assert_eq!(
        case.body["requester"],
        json!({"name": "王小明", "phone": "13812341234"}),
        "{case}"
    );
    // …and never shown to the public.
    listing(&app, "json", "", &id).await;
    for path in [
        format!("requests/{id}.json"),
        format!("requests/{id}.xml?extensions=true"),
        format!("requests.json?extensions=true&service_request_id={id}"),
        "requests.xml".to_string(),
        format!("tokens/{id}.json"),
    ] {
        let answer = get(&app, &path).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert!(answer.text.contains(&id), "{path}: {answer:?}");
        for secret in ["小明", "13812341234", "xiaoming", "device-4711"] {
            assert!(
                !answer.text.contains(secret),
                "{path} shows {secret}: {}",
                answer.text
            );
        }
    }
}

/// Only cases opened through Open311 are service requests: a hotline case is neither listed nor
/// found by id (DESIGN §1 "Public interfaces … list only cases opened through them").
pub async fn only_cases_opened_through_open311_are_listed(app: TestApp) {
    let hotline_case = json!({
        "channel": "hotline", "kind": "complaint", "category": "noise",
        "description": "热线受理的噪声投诉", "location": {"street": "jingshan"},
    });
    let opened = app
        .post("/api/v1/cases", &app.tokens.hotline, &hotline_case)
        .await;
    assert_eq!(opened.status, 201, "{opened}");
    let by_phone = opened.body["case_id"].as_str().unwrap().to_string();
    let reported = report(&app, &app.tokens.intake.clone(), &[]).await;
    let listed = listing(&app, "json", "", &reported).await;
    assert_eq!(ids(&listed), [reported.as_str()]);
    let by_ids = get(
        &app,
        &format!("requests.json?service_request_id={by_phone},{reported}"),
    )
    .await;
    assert_eq!(ids(&by_ids), [reported.as_str()]);
    for path in [
        format!("requests/{by_phone}.json"),
        format!("tokens/{by_phone}.json"),
    ] {
        let answer = get(&app, &path).await;
        assert_eq!(answer.status, 404, "{path}: {answer:?}");
    }
}

pub async fn a_retry_with_the_same_idempotency_key_opens_one_case(app: TestApp) {
    let key = app.tokens.intake.clone();
    let form = [
        ("api_key", key.as_str()),
        ("service_code", "noise"),
        ("address_id", "jingshan"),
    ];
    let retry = [("Idempotency-Key", "app-7f3a-report-1")];
    let first = post(&app, "requests.json", &form, &retry).await.json();
    let again = post(&app, "requests.json", &form, &retry).await.json();
    assert_eq!(first, again);
    let id = first[0]["service_request_id"].as_str().unwrap();
    assert_eq!(app.event_count(id).await, 1);
    let other = post(
        &app,
        "requests.json",
        &form,
        &[("Idempotency-Key", "app-7f3a-report-2")],
    )
    .await;
    assert_ne!(other.json()[0]["service_request_id"], id);
    assert_eq!(app.total_events().await, 2);
}
