//! The read models over HTTP (DESIGN §4, §6): street queue, department inbox, alerts, statistics,
//! rankings, case search and the volunteer board; what each role sees of them; and
//! `min_position`, which makes a read right after a command see that command. Which role may call
//! which route at all is in the role × endpoint matrix (`matrix.rs`).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shaobao_tests::app::{TestApp, DEPARTMENT, MEMBER, STREET};

use crate::support::{complaint, step};

mod scope;
mod search;

pub use scope::each_role_reads_only_its_own_part;
pub use search::case_search_filters_and_pages;

on_both_stores!(
    read_models::each_read_model_shows_a_command_read_right_after_it,
    read_models::each_role_reads_only_its_own_part,
    read_models::case_search_filters_and_pages,
    read_models::a_malformed_min_position_is_refused,
    read_models::the_openapi_document_types_every_read_model,
);

/// `path` with `min_position` = the `position` of a command's answer.
fn after(path: &str, answer: &Value) -> String {
    let separator = if path.contains('?') { '&' } else { '?' };
    let position = answer["position"].as_str().expect("position token");
    format!("{path}{separator}min_position={position}")
}

/// `GET path` as `token`; asserts 200 and returns the body.
async fn read(app: &TestApp, path: &str, token: &str) -> Value {
    let answer = app.get(path, token).await;
    assert_eq!(answer.status, 200, "{path}: {answer}");
    answer.body
}

/// The `case_id`s of a list's items, in order.
fn ids(list: &Value) -> Vec<&str> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["case_id"].as_str().expect("case_id"))
        .collect()
}

/// Opens `body` as the hotline; returns the answer.
async fn open_with(app: &TestApp, body: &Value) -> Value {
    let opened = app.post("/api/v1/cases", &app.tokens.hotline, body).await;
    assert_eq!(opened.status, 201, "{opened}");
    opened.body
}

/// A case in `street` dispatched by the hotline to `department`; returns the dispatch's answer.
async fn dispatched(app: &TestApp, street: &str, department: &str) -> Value {
    let opened = open_with(app, &complaint(street)).await;
    let id = opened["case_id"].as_str().expect("case_id");
    let to = json!({"unit": {"department": department}});
    step(app, &app.tokens.hotline, id, "dispatch", to).await
}

fn case_id(answer: &Value) -> String {
    answer["case_id"].as_str().expect("case_id").to_string()
}

/// Every read route and list, each read right after the command that changed it.
pub async fn each_read_model_shows_a_command_read_right_after_it(app: TestApp) {
    let t = &app.tokens;
    let opened = open_with(&app, &complaint(STREET)).await;
    let id = opened["case_id"].as_str().unwrap();
    let queue = read(
        &app,
        &after("/api/v1/streets/jingshan/queue", &opened),
        &t.dispatcher,
    )
    .await;
    assert_eq!(ids(&queue), [id]);
    let item = &queue["items"][0];
    assert_eq!(
        (&item["state"], &item["urgency"]),
        (&json!("received"), &json!("ordinary"))
    );
    assert_eq!(
        item["next_deadline"],
        Value::Null,
        "no clock runs before dispatch"
    );
    let found = read(&app, &after("/api/v1/cases", &opened), &t.auditor).await;
    assert_eq!(ids(&found), [id]);
    assert_eq!(found["next"], Value::Null);

    let to = json!({"unit": {"department": DEPARTMENT}});
    let dispatch = step(&app, &t.hotline, id, "dispatch", to).await;
    let inbox = format!("/api/v1/departments/{DEPARTMENT}/inbox");
    let inbox = read(&app, &after(&inbox, &dispatch), &t.department).await;
    assert_eq!(ids(&inbox), [id]);
    let entry = &inbox["items"][0];
    assert_eq!(
        (&entry["entry"], &entry["role"], &entry["status"]),
        (&json!("case"), &json!("handling"), &json!("dispatched"))
    );
    let queue = read(
        &app,
        &after("/api/v1/streets/jingshan/queue", &dispatch),
        &t.hotline,
    )
    .await;
    let item = &queue["items"][0];
    assert_eq!(item["state"], "dispatched");
    assert_eq!(item["holder"], json!({"department": DEPARTMENT}));
    assert_eq!(
        item["next_deadline"], entry["deadline"],
        "the soonest clock, in both"
    );
    assert!(
        ["sign", "contact", "resolve"].contains(&item["next_deadline"]["kind"].as_str().unwrap())
    );

    let task = json!({"title": "清理楼道杂物", "kind": "practical", "points": 5});
    let published = step(&app, &t.dispatcher, id, "tasks", task).await;
    let board = read(
        &app,
        &after("/api/v1/volunteers/board", &published),
        &t.volunteer,
    )
    .await;
    assert_eq!(ids(&board), [id]);
    assert_eq!(
        (&board["items"][0]["task_no"], &board["items"][0]["points"]),
        (&json!(1), &json!(5))
    );
    step(&app, &t.volunteer, id, "tasks/1/claim", json!({})).await;
    step(
        &app,
        &t.volunteer,
        id,
        "tasks/1/complete",
        json!({"summary": "已清理"}),
    )
    .await;
    let confirmed = step(
        &app,
        &t.dispatcher,
        id,
        "tasks/1/confirm",
        json!({"points": 8}),
    )
    .await;
    let board = read(
        &app,
        &after("/api/v1/volunteers/board", &confirmed),
        &t.volunteer,
    )
    .await;
    assert!(
        ids(&board).is_empty(),
        "a confirmed task is no longer claimable"
    );
    assert_eq!(
        board["points"]["volunteers"],
        json!([{"claimant": MEMBER, "points": 8, "tasks": 1}])
    );

    for (group, key, value) in [
        ("street", "street", STREET),
        ("department", "department", DEPARTMENT),
        ("category", "category", "noise"),
    ] {
        let path = format!("/api/v1/stats?group_by={group}&month=2026-03");
        let stats = read(&app, &after(&path, &confirmed), &t.hotline).await;
        let row = &stats["items"][0];
        assert_eq!(
            (&row[key], &row["cases"], &row["dispatched"]),
            (&json!(value), &json!(1), &json!(1)),
            "{stats}"
        );
        assert_eq!(stats["weights"], default_weights(), "{stats}");
    }
    // Streets as handling unit: none here (the case went to a department), still an answer.
    let path = "/api/v1/stats?group_by=handling_street&month=2026-03";
    let stats = read(&app, &after(path, &confirmed), &t.hotline).await;
    assert_eq!(
        (&stats["items"], &stats["weights"]),
        (&json!([]), &default_weights())
    );
    let path = "/api/v1/rankings?unit=department&month=2026-03";
    let rankings = read(&app, &after(path, &confirmed), &t.auditor).await;
    let row = &rankings["items"][0];
    assert_eq!(row["department"], DEPARTMENT);
    assert!(
        row.get("rank").is_some() && row.get("composite_score").is_some(),
        "{row}"
    );
    assert_eq!(rankings["weights"], default_weights());

    // Past the sign-for deadline (2 working hours): the deadline service raises the alert.
    app.clock.advance(chrono::Duration::hours(3));
    let alert = wait_for_alert(&app, id).await;
    assert_eq!(
        (&alert["kind"], &alert["deadline"]),
        (&json!("breached"), &json!("sign"))
    );
    assert_eq!(alert["street"], STREET);
}

/// Polls `/alerts` (as the hotline) until case `id` has one; the deadline service runs on its own.
async fn wait_for_alert(app: &TestApp, id: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let alerts = read(app, "/api/v1/alerts", &app.tokens.hotline).await;
        let items = alerts["items"].as_array().expect("items");
        if let Some(alert) = items.iter().find(|a| a["case_id"] == id) {
            return alert.clone();
        }
        assert!(Instant::now() < deadline, "no alert for {id}: {alerts}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A malformed `min_position` is bad input on every read route, never a wait or a 5xx.
pub async fn a_malformed_min_position_is_refused(app: TestApp) {
    let opened = open_with(&app, &complaint(STREET)).await;
    for path in [
        "/api/v1/streets/jingshan/queue",
        "/api/v1/departments/urban_management/inbox",
        "/api/v1/alerts",
        "/api/v1/stats?group_by=street&month=2026-03",
        "/api/v1/rankings?unit=street&month=2026-03",
        "/api/v1/cases",
        "/api/v1/volunteers/board",
    ] {
        let separator = if path.contains('?') { '&' } else { '?' };
        for token in ["soon", "12", "-1-1"] {
            let answer = app
                .get(
                    &format!("{path}{separator}min_position={token}"),
                    &app.tokens.auditor,
                )
                .await;
            assert_eq!(
                (answer.status, answer.error()),
                (400, ("invalid_query", Some("min_position"))),
                "{path} {token}: {answer}"
            );
        }
        // The same read with the real token waits for the write and answers.
        read(&app, &after(path, &opened), &app.tokens.auditor).await;
    }
}

/// Each read route documents its answer as a schema (not an untyped object): a list of items
/// with their fields.
pub async fn the_openapi_document_types_every_read_model(app: TestApp) {
    let document = read(&app, "/api/v1/openapi.json", "").await;
    for (path, field) in [
        ("/api/v1/streets/{street}/queue", "next_deadline"),
        ("/api/v1/departments/{department}/inbox", "whistle_no"),
        ("/api/v1/alerts", "supervision"),
        ("/api/v1/stats", "satisfaction_rate"),
        ("/api/v1/rankings", "rank"),
        ("/api/v1/cases", "handling_unit"),
        ("/api/v1/volunteers/board", "task_no"),
    ] {
        let answer = &document["paths"][path]["get"]["responses"]["200"]["content"];
        let reference = answer["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}: {answer}"));
        let name = reference.trim_start_matches("#/components/schemas/");
        let items = &document["components"]["schemas"][name]["properties"]["items"];
        assert_eq!(items["type"], "array", "{path}: {name} {items}");
        // Generic lists carry their item inline, others refer to it.
        let item = match items["items"]["$ref"].as_str() {
            Some(reference) => {
                let name = reference.trim_start_matches("#/components/schemas/");
                document["components"]["schemas"][name].to_string()
            }
            None => items["items"].to_string(),
        };
        assert!(item.contains(&format!("\"{field}\"")), "{path}: {item}");
    }
}

/// The DESIGN §4 weights, which the sample district's `[weights]` states.
fn default_weights() -> Value {
    json!({"response": 0.1, "resolution": 0.45, "satisfaction": 0.45, "basically_satisfied": 0.8})
}
