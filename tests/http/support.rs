//! Bodies and steps shared by the HTTP tests.

use serde_json::{json, Value};
use shaobao_tests::app::{TestApp, STREET};

/// A noise complaint in `street`, with a requester.
pub fn complaint(street: &str) -> Value {
    json!({
        "channel": "hotline",
        "kind": "complaint",
        "category": "noise",
        "description": "楼下商铺夜间施工噪声扰民",
        "location": {"street": street, "address": "吉祥胡同 12 号"},
        "requester": {"name": "王小明", "phone": "13812341234"},
    })
}

/// `/api/v1/cases/{id}/{action}` (`action` may be `whistles/1/report-in`).
pub fn case_path(id: &str, action: &str) -> String {
    format!("/api/v1/cases/{id}/{action}")
}

/// Opens a complaint in [`STREET`] as `token`; asserts 201 and returns the case id.
pub async fn open(app: &TestApp, token: &str) -> String {
    let opened = app.post("/api/v1/cases", token, &complaint(STREET)).await;
    assert_eq!(opened.status, 201, "open: {opened}");
    opened.body["case_id"]
        .as_str()
        .expect("case_id")
        .to_string()
}

/// Runs `action` on case `id` as `token` and asserts it succeeded; returns the answer.
pub async fn step(app: &TestApp, token: &str, id: &str, action: &str, body: Value) -> Value {
    let done = app.post(&case_path(id, action), token, &body).await;
    assert_eq!(done.status, 200, "{action}: {done}");
    assert_eq!(done.body["case_id"], id, "{action}: {done}");
    done.body
}

/// The case as the hotline sees it.
pub async fn case(app: &TestApp, id: &str) -> Value {
    let read = app
        .get(&format!("/api/v1/cases/{id}"), &app.tokens.hotline)
        .await;
    assert_eq!(read.status, 200, "{read}");
    read.body
}

/// The event types of case `id`, in order, as its history lists them.
pub async fn event_types(app: &TestApp, id: &str) -> Vec<String> {
    let history = app.get(&case_path(id, "events"), &app.tokens.auditor).await;
    assert_eq!(history.status, 200, "{history}");
    history.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|event| event["event_type"].as_str().unwrap().to_string())
        .collect()
}
