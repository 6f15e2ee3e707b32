//! Idempotency-Key and If-Match over HTTP.

use futures::future::join_all;
use serde_json::json;
use shaobao_tests::app::{TestApp, DEPARTMENT, STREET};

use crate::support::{case_path, complaint, event_types, open};

/// Twenty identical dispatches with one key race: one event, twenty identical answers. Then the
/// same for opening a case.
pub async fn twenty_racing_identical_requests_append_once(app: TestApp) {
    let id = open(&app, &app.tokens.hotline).await;
    let dispatch = json!({"unit": {"department": DEPARTMENT}});
    let path = case_path(&id, "dispatch");
    let key = [("Idempotency-Key", "dispatch-once")];
    let racers = (0..20).map(|_| app.post_with(&path, &app.tokens.hotline, &dispatch, &key));
    let answers = join_all(racers).await;
    for answer in &answers {
        assert_eq!(answer.status, 200, "{answer}");
        assert_eq!(answer.body, answers[0].body);
    }
    assert_eq!(answers[0].body["version"], 2);
    assert_eq!(
        event_types(&app, &id).await,
        ["CaseOpened", "CaseDispatched"]
    );

    let before = app.total_events().await;
    let key = [("Idempotency-Key", "open-once")];
    let body = complaint(STREET);
    let racers = (0..20).map(|_| app.post_with("/api/v1/cases", &app.tokens.hotline, &body, &key));
    let opened = join_all(racers).await;
    for answer in &opened {
        assert_eq!(
            (answer.status, &answer.body),
            (201, &opened[0].body),
            "{answer}"
        );
    }
    assert_eq!(app.total_events().await, before + 1);

    // The same key for another request is refused, and appends nothing.
    let mut other = complaint(STREET);
    other["description"] = json!("另一件事");
    let reused = app
        .post_with("/api/v1/cases", &app.tokens.hotline, &other, &key)
        .await;
    assert_eq!(reused.status, 409, "{reused}");
    assert_eq!(reused.error().0, "idempotency_key_reused");
    assert_eq!(app.total_events().await, before + 1);
}

/// `If-Match`: a stale version answers 412 and appends nothing; the current one (plain or in the
/// quoted ETag form) goes through. The ETag of the case read is the version; `If-None-Match` with
/// it answers 304.
pub async fn if_match_guards_against_stale_writes(app: TestApp) {
    let t = &app.tokens;
    let id = open(&app, &t.hotline).await;
    let read = app.get(&format!("/api/v1/cases/{id}"), &t.hotline).await;
    let etag = read.header("etag").unwrap().to_string();
    assert_eq!(etag, "\"1\"");
    let dispatch = json!({"unit": {"department": DEPARTMENT}});
    let path = case_path(&id, "dispatch");
    let stale = app
        .post_with(&path, &t.hotline, &dispatch, &[("If-Match", "0")])
        .await;
    assert_eq!(stale.status, 412, "{stale}");
    assert_eq!(stale.error().0, "version_mismatch");
    assert_eq!(app.event_count(&id).await, 1);
    let current = app
        .post_with(&path, &t.hotline, &dispatch, &[("If-Match", &etag)])
        .await;
    assert_eq!(current.status, 200, "{current}");
    let sign = app
        .post_with(
            &case_path(&id, "sign"),
            &t.department,
            &json!({}),
            &[("If-Match", "2")],
        )
        .await;
    assert_eq!(sign.status, 200, "{sign}");
    let again = app
        .post_with(&path, &t.hotline, &dispatch, &[("If-Match", "2")])
        .await;
    assert_eq!(again.status, 412, "{again}");
    assert_eq!(app.event_count(&id).await, 3);

    let unchanged = app
        .get_with(
            &format!("/api/v1/cases/{id}"),
            &t.hotline,
            &[("If-None-Match", "\"3\"")],
        )
        .await;
    assert_eq!(unchanged.status, 304);
    assert_eq!(unchanged.header("etag"), Some("\"3\""));
    let changed = app
        .get_with(
            &format!("/api/v1/cases/{id}"),
            &t.hotline,
            &[("If-None-Match", &etag)],
        )
        .await;
    assert_eq!(changed.status, 200);
}

/// An `Idempotency-Key` names one request on one case: spent on one case, it is refused on another
/// (409, nothing appended) for the same caller; another caller's same key is theirs.
pub async fn a_key_spent_on_one_case_is_refused_on_another(app: TestApp) {
    let t = &app.tokens;
    let first = open(&app, &t.hotline).await;
    let second = open(&app, &t.hotline).await;
    let dispatch = json!({"unit": {"department": DEPARTMENT}});
    let key = [("Idempotency-Key", "morning-batch-1")];
    let done = app
        .post_with(&case_path(&first, "dispatch"), &t.hotline, &dispatch, &key)
        .await;
    assert_eq!(done.status, 200, "{done}");
    let reused = app
        .post_with(&case_path(&second, "dispatch"), &t.hotline, &dispatch, &key)
        .await;
    assert_eq!(reused.status, 409, "{reused}");
    assert_eq!(reused.error().0, "idempotency_key_reused");
    assert_eq!(event_types(&app, &second).await, ["CaseOpened"]);
    // The first case still answers its repeat as before.
    let repeat = app
        .post_with(&case_path(&first, "dispatch"), &t.hotline, &dispatch, &key)
        .await;
    assert_eq!((repeat.status, &repeat.body), (200, &done.body));
    let theirs = app
        .post_with(
            &case_path(&second, "dispatch"),
            &t.dispatcher,
            &dispatch,
            &key,
        )
        .await;
    assert_eq!(theirs.status, 200, "{theirs}");
}
