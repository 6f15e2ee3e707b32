//! Reads and the operational surface: history with metadata, masking, the global feed, the
//! organisation, the OpenAPI document, request ids and metrics.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use shaobao_services::clock::Clock;
use shaobao_tests::app::{department, TestApp, DEPARTMENT, STREET};

use crate::support::{case_path, complaint, open, step};

/// History items carry position, metadata (actor, command id, time, correlation id = the request
/// id) and hash; the handling department sees the requester, co-units see them masked, in the
/// case and in its history; streets' and departments' unmasked reads are in the access log.
pub async fn history_metadata_and_masking(app: TestApp) {
    let t = &app.tokens;
    let id = open(&app, &t.hotline).await;
    let dispatch = json!({"unit": {"department": DEPARTMENT}});
    let headers = [
        ("X-Request-Id", "req-dispatch-42"),
        ("Idempotency-Key", "d-1"),
    ];
    let dispatched = app
        .post_with(&case_path(&id, "dispatch"), &t.hotline, &dispatch, &headers)
        .await;
    assert_eq!(dispatched.status, 200, "{dispatched}");
    assert_eq!(dispatched.header("x-request-id"), Some("req-dispatch-42"));

    let history = app.get(&case_path(&id, "events"), &t.auditor).await;
    assert_eq!(history.status, 200, "{history}");
    assert_eq!(history.body["next"], Value::Null);
    let items = history.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let event = &items[1];
    assert_eq!(event["sequence"], 2);
    assert_eq!(event["event_type"], "CaseDispatched");
    assert_eq!(event["position"], dispatched.body["position"]);
    assert_eq!(event["metadata"]["correlation_id"], "req-dispatch-42");
    assert!(event["metadata"]["command_id"]
        .as_str()
        .unwrap()
        .ends_with(":d-1"));
    assert!(event["metadata"]["actor"]
        .as_str()
        .unwrap()
        .contains("hotline"));
    assert!(event["metadata"]["time"]
        .as_str()
        .unwrap()
        .starts_with("2026-03-02"));
    assert_eq!(event["hash"].as_str().unwrap().len(), 64);
    let phone =
        |body: &Value| body["items"][0]["payload"]["CaseOpened"]["requester"]["phone"].clone();
    assert_eq!(phone(&history.body), "13812341234");

    // The handling department must call the requester: it sees them, and its reads are logged.
    let as_department = app.get(&case_path(&id, "events"), &t.department).await;
    assert_eq!(phone(&as_department.body), "13812341234");
    let case = app.get(&format!("/api/v1/cases/{id}"), &t.department).await;
    assert_eq!(
        case.body["requester"],
        json!({"name": "王小明", "phone": "13812341234"})
    );
    let case = app.get(&format!("/api/v1/cases/{id}"), &t.dispatcher).await;
    assert_eq!(case.body["requester"]["phone"], "13812341234");
    // The hotline's everyday reads are not logged.
    app.get(&format!("/api/v1/cases/{id}"), &t.hotline).await;

    // Handed back and re-dispatched with a co-unit: the former handler and the co-unit now see
    // the requester masked, and nothing more is logged for them.
    step(&app, &t.department, &id, "sign", json!({})).await;
    let back = json!({"reason": "not_our_function", "note": "属住建职责"});
    step(&app, &t.department, &id, "return", back).await;
    step(
        &app,
        &t.hotline,
        &id,
        "return-decision",
        json!({"decision": "approve"}),
    )
    .await;
    let redispatch =
        json!({"unit": {"department": "housing"}, "co_units": [{"department": DEPARTMENT}]});
    step(&app, &t.hotline, &id, "dispatch", redispatch).await;
    let masked = json!({"name": "王**", "phone": "138****1234"});
    let case = app.get(&format!("/api/v1/cases/{id}"), &t.department).await;
    assert_eq!(case.body["requester"], masked, "a co-unit");
    let as_co_unit = app.get(&case_path(&id, "events"), &t.department).await;
    assert_eq!(phone(&as_co_unit.body), "138****1234");
    let housing = app.token(department("housing")).await;
    let case = app.get(&format!("/api/v1/cases/{id}"), &housing).await;
    assert_eq!(
        case.body["requester"]["phone"], "13812341234",
        "the new handler"
    );

    // The auditors' access log: the department's two reads, the dispatcher's, housing's; in order.
    let log = app
        .get(&format!("/api/v1/audit/access?case_id={id}"), &t.auditor)
        .await;
    assert_eq!(log.status, 200, "{log}");
    let reads: Vec<(String, String)> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["scope"].as_str().unwrap().to_string(),
                r["route"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected = [
        (DEPARTMENT, "GET /api/v1/cases/{id}/events"),
        (DEPARTMENT, "GET /api/v1/cases/{id}"),
        (STREET, "GET /api/v1/cases/{id}"),
        ("housing", "GET /api/v1/cases/{id}"),
    ]
    .map(|(scope, route)| (scope.to_string(), route.to_string()));
    assert_eq!(reads, expected);
    let first = &log.body["items"][0];
    assert_eq!(first["role"], "department");
    assert_eq!(first["case_id"], id.as_str());
    assert!(first["read_at"].as_str().unwrap().starts_with("2026-03-02"));
    let paged = app.get("/api/v1/audit/access?limit=1", &t.auditor).await;
    assert_eq!(paged.body["items"].as_array().unwrap().len(), 1);
    let next = paged.body["next"].as_str().expect("next page").to_string();
    let rest = app
        .get(&format!("/api/v1/audit/access?after={next}"), &t.auditor)
        .await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 3);
    for token in [&t.hotline, &t.dispatcher, &t.department, &t.admin] {
        let refused = app.get("/api/v1/audit/access", token).await;
        assert_eq!(refused.status, 403, "{refused}");
    }
    let bad = app.get("/api/v1/audit/access?limit=0", &t.auditor).await;
    assert_eq!(bad.error(), ("invalid_query", Some("limit")));

    let unauthenticated = app.get(&format!("/api/v1/cases/{id}"), "").await;
    assert_eq!(unauthenticated.status, 401);
    assert_eq!(unauthenticated.header("www-authenticate"), Some("Bearer"));
    assert!(app
        .get("/health/live", "")
        .await
        .header("x-request-id")
        .is_some());
}

/// The feed pages through every event in commit order, each page's `next` continuing the last.
pub async fn the_feed_pages_through_the_log_in_commit_order(app: TestApp) {
    let t = &app.tokens;
    let first = open(&app, &t.hotline).await;
    let second = open(&app, &t.hotline).await;
    step(
        &app,
        &t.hotline,
        &first,
        "dispatch",
        json!({"unit": {"street": STREET}}),
    )
    .await;
    step(&app, &t.dispatcher, &first, "sign", json!({})).await;
    let mut seen: Vec<Value> = Vec::new();
    let mut after = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    // On PostgreSQL the feed stops below the oldest open transaction on the server (other tests'
    // included), so poll until all four events have come.
    while seen.len() < 4 {
        assert!(Instant::now() < deadline, "feed stalled after {seen:?}");
        let page = app
            .get(&format!("/api/v1/events?limit=3{after}"), &t.admin)
            .await;
        assert_eq!(page.status, 200, "{page}");
        let items = page.body["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        match page.body["next"].as_str() {
            Some(next) => {
                assert_eq!(next, items.last().unwrap()["position"]);
                after = format!("&after={next}");
            }
            None => {
                assert!(items.is_empty());
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        seen.extend(items.iter().cloned());
    }
    let order: Vec<(&str, &str)> = seen
        .iter()
        .map(|e| {
            (
                e["aggregate_id"].as_str().unwrap(),
                e["event_type"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        order,
        [
            (first.as_str(), "CaseOpened"),
            (second.as_str(), "CaseOpened"),
            (first.as_str(), "CaseDispatched"),
            (first.as_str(), "CaseSigned"),
        ]
    );
}

/// `GET /org` for any role; the OpenAPI document lists every route with its body; Swagger UI;
/// metrics count requests by route template and commands by outcome.
pub async fn org_openapi_docs_and_metrics(app: TestApp) {
    let org = app.get("/api/v1/org", &app.tokens.volunteer).await;
    assert_eq!(org.status, 200, "{org}");
    let jingshan = &org.body["streets"][0];
    assert_eq!(jingshan["code"], STREET);
    assert!(jingshan["communities"][0]["grids"].is_array(), "{org}");
    assert_eq!(org.body["departments"][0]["code"], DEPARTMENT);
    let noise = &org.body["categories"][0];
    assert_eq!(
        (&noise["code"], &noise["default_urgency"]),
        (&json!("noise"), &json!("ordinary"))
    );

    let document = app.get("/api/v1/openapi.json", "").await;
    assert_eq!(document.status, 200);
    assert_eq!(document.body["openapi"], "3.1.0");
    let paths = document.body["paths"].as_object().unwrap();
    let schemas = document.body["components"]["schemas"].as_object().unwrap();
    let mut commands = vec!["/api/v1/cases".to_string(), "/api/v1/visits".to_string()];
    for action in [
        "answer",
        "dispatch",
        "sign",
        "contact",
        "return",
        "return-decision",
        "progress",
        "extension",
        "extension-decision",
        "resolution",
        "verification",
        "callback",
        "close",
        "reopen",
        "park",
        "unpark",
        "exclusion",
        "whistles",
        "tasks",
    ] {
        commands.push(format!("/api/v1/cases/{{id}}/{action}"));
    }
    for action in ["report-in", "decline", "action", "close"] {
        commands.push(format!("/api/v1/cases/{{id}}/whistles/{{no}}/{action}"));
    }
    for action in ["claim", "complete", "confirm"] {
        commands.push(format!("/api/v1/cases/{{id}}/tasks/{{no}}/{action}"));
    }
    // Community mobilisation (issue 16).
    let community = "/api/v1/communities/{community}";
    commands.push(format!("{community}/needs"));
    for action in ["claim", "deliver", "confirm", "withdraw"] {
        commands.push(format!("{community}/needs/{{no}}/{action}"));
    }
    commands.push(format!("{community}/resources"));
    commands.push(format!("{community}/resources/{{no}}/match"));
    commands.push("/api/v1/members".into());
    commands.push("/api/v1/members/{member}/move".into());
    commands.push("/api/v1/members/{member}/leave".into());
    for path in ["/api/v1/scores", "/api/v1/members/{member}"] {
        assert!(paths[path]["get"].is_object(), "{path} documented");
    }
    for path in &commands {
        let body = &paths[path.as_str()]["post"]["requestBody"]["content"]["application/json"];
        let reference = body["schema"]["$ref"]
            .as_str()
            .unwrap_or_else(|| panic!("{path}"));
        let name = reference.trim_start_matches("#/components/schemas/");
        assert!(
            schemas.contains_key(name),
            "{path}: {name} not in components"
        );
    }
    for path in [
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/events",
        "/api/v1/cases/{id}/state",
        "/api/v1/events",
        "/api/v1/org",
        "/health/live",
        "/health/ready",
        "/metrics",
    ] {
        assert!(paths[path]["get"].is_object(), "{path} missing");
    }
    // Every documented operation (other modules' too) says what it answers.
    for (path, item) in paths {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object();
            assert!(responses.is_some_and(|r| !r.is_empty()), "{method} {path}");
        }
    }
    let docs = app.get("/docs/", "").await;
    assert_eq!(docs.status, 200);
    assert!(docs.text.contains("swagger"), "{}", docs.text);

    open(&app, &app.tokens.hotline).await;
    let refused = app
        .post("/api/v1/cases", &app.tokens.auditor, &json!({}))
        .await;
    assert_eq!(refused.status, 403);
    let metrics = app.get("/metrics", "").await;
    assert_eq!(metrics.status, 200);
    for line in [
        r#"shaobao_http_requests_total{method="POST",route="/api/v1/cases",status="201"} 1"#,
        r#"shaobao_http_requests_total{method="POST",route="/api/v1/cases",status="403"} 1"#,
        r#"shaobao_http_requests_total{method="GET",route="/api/v1/org",status="200"} 1"#,
        r#"shaobao_commands_total{command="open",outcome="ok"} 1"#,
    ] {
        assert!(
            metrics.text.lines().any(|l| l == line),
            "{line} not in\n{}",
            metrics.text
        );
    }
    assert!(metrics
        .text
        .contains(r#"shaobao_http_request_duration_seconds_bucket{method="POST",route="/api/v1/cases",status="201",le="0.1"}"#));
    // Every token was looked up in the store once; repeats within a second came from memory.
    let lookups = |result: &str| {
        let prefix = format!(r#"shaobao_token_cache_lookups{{result="{result}"}} "#);
        let line = metrics.text.lines().find(|l| l.starts_with(&prefix));
        line.and_then(|l| l[prefix.len()..].parse::<u64>().ok())
    };
    assert!(lookups("miss").is_some_and(|n| n >= 1), "{}", metrics.text);
    assert!(lookups("hit").is_some(), "{}", metrics.text);
}

/// `/metrics` shows each read model's lag and the open cases by street and state; `/health/ready`
/// is ready (not degraded) once the read models have caught up.
pub async fn read_model_lag_and_open_cases_are_reported(app: TestApp) {
    let opened = app
        .post("/api/v1/cases", &app.tokens.hotline, &complaint(STREET))
        .await;
    assert_eq!(opened.status, 201, "{opened}");
    let position = opened.body["position"].as_str().unwrap().to_string();
    let queue = app
        .get(
            &format!("/api/v1/streets/{STREET}/queue?min_position={position}"),
            &app.tokens.hotline,
        )
        .await;
    assert_eq!(queue.status, 200, "{queue}");
    let metrics = app.get("/metrics", "").await;
    for line in [
        format!(r#"shaobao_open_cases{{state="received",street="{STREET}"}} 1"#),
        r#"shaobao_projection_lag_events{projection="queue"} 0"#.to_string(),
        r#"shaobao_projection_lag_seconds{projection="statistics"} 0"#.to_string(),
    ] {
        assert!(
            metrics.text.lines().any(|l| l == line),
            "{line} not in\n{}",
            metrics.text
        );
    }
    let ready = app.get("/health/ready", "").await;
    assert_eq!(
        (ready.status, &ready.body["status"]),
        (200, &json!("ready")),
        "{ready}"
    );
    // The deadline service's last pass, at the server's (manual) clock, once it has made one.
    let expected = format!(
        "shaobao_deadline_service_last_run_timestamp_seconds {}",
        app.clock.now().timestamp()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let metrics = app.get("/metrics", "").await;
        if metrics.text.lines().any(|l| l == expected) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{expected} not in\n{}",
            metrics.text
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A store that cannot be reached answers 503 (retry later), never 500.
pub async fn an_unreachable_store_answers_503(app: TestApp) {
    let id = open(&app, &app.tokens.hotline).await;
    app.state.store.close().await;
    let read = app
        .get(&format!("/api/v1/cases/{id}"), &app.tokens.hotline)
        .await;
    assert_eq!(
        (read.status, read.error().0),
        (503, "unavailable"),
        "{read}"
    );
    let write = app
        .post(&case_path(&id, "close"), &app.tokens.hotline, &json!({}))
        .await;
    assert_eq!(
        (write.status, write.error().0),
        (503, "unavailable"),
        "{write}"
    );
}
