//! Bad input: a clear 4xx naming the field, never a 5xx, never a write.

use serde_json::{json, Value};
use shaobao_tests::app::{TestApp, STREET};

use crate::support::{case_path, complaint, open, step};

struct Bad {
    what: &'static str,
    /// `hotline` (default for writes), `dispatcher` (of the street), `auditor` (default for reads).
    caller: &'static str,
    method: &'static str,
    path: String,
    body: String,
    headers: Vec<(&'static str, String)>,
    status: u16,
    code: &'static str,
    field: Option<&'static str>,
}

/// `POST path body` expecting `status`, `code` and `field`.
fn post(
    what: &'static str,
    path: &str,
    body: impl ToString,
    status: u16,
    code: &'static str,
    field: Option<&'static str>,
) -> Bad {
    Bad {
        what,
        caller: "hotline",
        method: "POST",
        path: path.to_string(),
        body: body.to_string(),
        headers: Vec::new(),
        status,
        code,
        field,
    }
}

fn get(
    what: &'static str,
    path: &str,
    status: u16,
    code: &'static str,
    field: Option<&'static str>,
) -> Bad {
    Bad {
        method: "GET",
        caller: "auditor",
        ..post(what, path, "", status, code, field)
    }
}

/// The complaint body with one change.
fn complaint_with(change: impl FnOnce(&mut Value)) -> String {
    let mut body = complaint(STREET);
    change(&mut body);
    body.to_string()
}

pub async fn bad_input_is_refused_with_its_field_and_writes_nothing(app: TestApp) {
    let t = &app.tokens;
    // `received` is still waiting for dispatch; `id` is signed for by the street.
    let received = open(&app, &t.hotline).await;
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
    let cases = "/api/v1/cases";
    let unknown_field = complaint_with(|b| b["colour"] = json!("red"));
    let unknown_nested = complaint_with(|b| b["location"]["floor"] = json!(3));
    let missing = complaint_with(|b| drop(b.as_object_mut().unwrap().remove("description")));
    let huge = complaint_with(|b| b["description"] = json!("噪".repeat(30_000)));
    let whistle = |department: &str| json!({"kind": "routine", "departments": [{"department": department, "role": "lead"}]});
    let visit = json!({"street": STREET, "community": "jingshan-jixiang", "visitors": ["王网格"],
        "households": 2, "findings": [{"category": "noise", "description": "夜间施工"},
                                      {"category": "ufo_sighting", "description": "不明飞行物"}]});
    // A proactive case relating an existing case and one that was never opened.
    let unrelated = complaint_with(|b| {
        b["channel"] = json!("proactive");
        b["kind"] = json!("report");
        b.as_object_mut().unwrap().remove("requester");
        b["related_cases"] = json!([received, "00000000-0000-4000-8000-000000000000"]);
    });
    let table = vec![
        post(
            "related case that does not exist",
            cases,
            unrelated,
            400,
            "unknown_reference",
            Some("related_cases[1]"),
        ),
        post(
            "malformed JSON",
            cases,
            r#"{"channel": "#,
            400,
            "invalid_json",
            None,
        ),
        post(
            "trailing garbage",
            cases,
            format!("{} x", complaint(STREET)),
            400,
            "invalid_json",
            None,
        ),
        post("not an object", cases, "[1, 2]", 400, "invalid_body", None),
        post(
            "wrong type",
            cases,
            complaint_with(|b| b["urgency"] = json!(5)),
            400,
            "invalid_body",
            Some("urgency"),
        ),
        post(
            "wrong nested type",
            cases,
            complaint_with(|b| b["location"] = json!({"street": STREET, "lat": "north"})),
            400,
            "invalid_body",
            Some("location.lat"),
        ),
        post(
            "unknown field",
            cases,
            unknown_field,
            400,
            "invalid_body",
            Some("colour"),
        ),
        post(
            "unknown nested field",
            cases,
            unknown_nested,
            400,
            "invalid_body",
            Some("location.floor"),
        ),
        post(
            "missing field",
            cases,
            missing,
            400,
            "invalid_body",
            Some("description"),
        ),
        post(
            "unknown enum value",
            cases,
            complaint_with(|b| b["channel"] = json!("fax")),
            400,
            "invalid_body",
            Some("channel"),
        ),
        post(
            "unknown street",
            cases,
            complaint_with(|b| b["location"]["street"] = json!("atlantis")),
            400,
            "unknown_reference",
            Some("location.street"),
        ),
        post(
            "unknown category",
            cases,
            complaint_with(|b| b["category"] = json!("ufo_sighting")),
            400,
            "unknown_reference",
            Some("category"),
        ),
        post(
            "description of 4001 chars",
            cases,
            complaint_with(|b| b["description"] = json!("噪".repeat(4001))),
            400,
            "invalid",
            Some("description"),
        ),
        post(
            "NUL in the description",
            cases,
            complaint_with(|b| b["description"] = json!("施工\u{0}噪声")),
            400,
            "invalid",
            Some("description"),
        ),
        post(
            "escape sequence in the requester's name",
            cases,
            complaint_with(|b| b["requester"]["name"] = json!("王\u{1b}[31m小明")),
            400,
            "invalid",
            Some("requester.name"),
        ),
        post(
            "bell in a return note",
            &case_path(&id, "return"),
            json!({"reason": "other", "note": "不归我们\u{7}"}),
            400,
            "invalid",
            Some("note"),
        ),
        post(
            "blank description",
            cases,
            complaint_with(|b| b["description"] = json!("  ")),
            400,
            "invalid",
            Some("description"),
        ),
        post(
            "body over 64 KiB",
            cases,
            huge,
            413,
            "payload_too_large",
            None,
        ),
        post(
            "unknown department (dispatch)",
            &case_path(&received, "dispatch"),
            json!({"unit": {"department": "ministry_of_magic"}}),
            400,
            "unknown_reference",
            Some("unit"),
        ),
        post(
            "unknown unit kind",
            &case_path(&received, "dispatch"),
            json!({"unit": {"village": "x"}}),
            400,
            "invalid_body",
            Some("unit"),
        ),
        Bad {
            caller: "dispatcher",
            ..post(
                "unknown department (whistle)",
                &case_path(&id, "whistles"),
                whistle("ministry_of_magic"),
                400,
                "unknown_reference",
                Some("departments[0].department"),
            )
        },
        post(
            "unknown finding category",
            "/api/v1/visits",
            &visit,
            400,
            "unknown_reference",
            Some("findings[1].category"),
        ),
        post(
            "whistle number not a number",
            &case_path(&id, "whistles/one/report-in"),
            "{}",
            400,
            "invalid_path",
            Some("no"),
        ),
        post(
            "no such whistle",
            &case_path(&id, "whistles/9/report-in"),
            "{}",
            404,
            "not_found",
            None,
        ),
        post(
            "no such case",
            &case_path("no-such-case", "sign"),
            "{}",
            404,
            "not_found",
            None,
        ),
        post(
            "unknown field on a bodiless command",
            &case_path(&id, "sign"),
            json!({"when": "now"}),
            400,
            "invalid_body",
            Some("when"),
        ),
        Bad {
            headers: vec![("If-Match", "three".into())],
            ..post(
                "bad If-Match",
                &case_path(&id, "progress"),
                json!({"note": "x"}),
                400,
                "invalid_header",
                Some("If-Match"),
            )
        },
        Bad {
            headers: vec![("Idempotency-Key", "k".repeat(201))],
            ..post(
                "overlong Idempotency-Key",
                &case_path(&id, "progress"),
                json!({"note": "x"}),
                400,
                "invalid_header",
                Some("Idempotency-Key"),
            )
        },
        get(
            "bad position token",
            "/api/v1/events?after=yesterday",
            400,
            "invalid_query",
            Some("after"),
        ),
        get(
            "limit 0",
            "/api/v1/events?limit=0",
            400,
            "invalid_query",
            Some("limit"),
        ),
        get(
            "limit not a number",
            "/api/v1/events?limit=many",
            400,
            "invalid_query",
            Some("limit"),
        ),
        get(
            "version missing",
            &case_path(&id, "state"),
            400,
            "invalid_query",
            Some("version"),
        ),
        get(
            "version not a number",
            &case_path(&id, "state?version=latest"),
            400,
            "invalid_query",
            Some("version"),
        ),
        get(
            "version 0",
            &case_path(&id, "state?version=0"),
            400,
            "invalid_query",
            Some("version"),
        ),
        get(
            "version beyond the case",
            &case_path(&id, "state?version=99"),
            404,
            "not_found",
            Some("version"),
        ),
        get("unknown route", "/api/v1/nowhere", 404, "not_found", None),
        Bad {
            method: "PUT",
            ..post("wrong method", cases, "{}", 405, "method_not_allowed", None)
        },
    ];
    let before = app.total_events().await;
    let mut failures = Vec::new();
    for bad in &table {
        let token = match bad.caller {
            "dispatcher" => &t.dispatcher,
            "auditor" => &t.auditor,
            _ => &t.hotline,
        };
        let headers: Vec<(&str, &str)> =
            bad.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let method = bad.method.parse().unwrap();
        let response = app
            .request(method, &bad.path, token, bad.body.clone(), &headers)
            .await;
        let (code, field) = response.error();
        if (response.status, code, field) != (bad.status, bad.code, bad.field) {
            failures.push(format!(
                "{}: expected {} {} {:?}, got {response}",
                bad.what, bad.status, bad.code, bad.field
            ));
        }
        assert_eq!(
            app.total_events().await,
            before,
            "{} wrote an event",
            bad.what
        );
    }
    println!("bad-input table: {} cases", table.len());
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // Line breaks (as browsers send them) and tabs are text, stored as written.
    let lines = "第一行\r\n第二行\t完";
    let mut body = complaint(STREET);
    body["description"] = json!(lines);
    let opened = app.post(cases, &t.hotline, &body).await;
    assert_eq!(opened.status, 201, "{opened}");
    let id = opened.body["case_id"].as_str().unwrap();
    let read = app.get(&format!("{cases}/{id}"), &t.hotline).await;
    assert_eq!(read.body["description"], lines);
}
