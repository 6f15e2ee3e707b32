//! What a person sees when the console refuses: a field's error beside the field, and a warning
//! instead of an action when the case changed since the page was loaded.

use serde_json::json;
use shaobao_tests::app::{DEPARTMENT, STREET};
use shaobao_tests::browser::WAIT;

use crate::support::{expect_case_state, open_case, Console, DISPATCHER};

/// An intake without a description (the browser's own check switched off) comes back with the
/// error beside the description field and nothing written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_field_is_marked_beside_it() {
    let Some(console) = Console::start().await else {
        return;
    };
    let (browser, _) = console.signed_in(&DISPATCHER).await;
    browser.goto("/intake").await;
    browser.wait_for("form[data-action=\"open\"]", WAIT).await;
    browser
        .client
        .execute(
            "document.querySelectorAll('form').forEach(f => f.noValidate = true); return null;",
            vec![],
        )
        .await
        .expect("switch off the browser's validation");
    browser
        .submit_form(
            "open",
            &[
                ("channel", "hotline"),
                ("kind", "complaint"),
                ("category", "noise"),
                ("description", ""),
                ("location.street", STREET),
            ],
        )
        .await;
    let error = browser
        .wait_for(".field-error[data-field=\"description\"]", WAIT)
        .await;
    assert!(!error.text().await.unwrap_or_default().trim().is_empty());
    assert_eq!(console.app.total_events().await, 0, "nothing was written");
    browser.screenshot("d-field-error").await;
    browser.close().await;
}

/// The dispatcher's page is loaded, then the hotline dispatches the case through the API: the
/// dispatcher's dispatch from the old page is not carried out and the page says why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_from_a_stale_page_warns() {
    let Some(console) = Console::start().await else {
        return;
    };
    let (browser, _) = console.signed_in(&DISPATCHER).await;
    let id = open_case(&browser, "过期页面检查").await;
    let app = &console.app;
    let path = format!("/api/v1/cases/{id}/dispatch");
    let body = json!({"unit": {"street": STREET}});
    let done = app.post(&path, &app.tokens.hotline, &body).await;
    assert_eq!(done.status, 200, "{done}");

    let unit = format!("department:{DEPARTMENT}");
    browser.submit_form("dispatch", &[("unit", &unit)]).await;
    browser.wait_for(".stale-warning", WAIT).await;
    assert_eq!(
        app.event_count(&id).await,
        2,
        "the stale dispatch wrote nothing"
    );
    browser.screenshot("d-stale-warning").await;
    browser.goto(&format!("/cases/{id}")).await;
    expect_case_state(&browser, "dispatched").await;
    browser.close().await;
}
