//! The harness itself: independent sessions side by side, Chinese text rendered, screenshots.

use std::time::Duration;

use shaobao_tests::app::spawn_app;
use shaobao_tests::browser::Driver;
use shaobao_tests::databases::Backend;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sessions_are_independent_browsers() {
    let Some(driver) = Driver::start().await else {
        return;
    };
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let base = app.url("");
    let (one, two) = tokio::join!(driver.open(&base), driver.open(&base));
    one.goto("/health/live").await;
    two.goto("/health/live").await;
    one.client
        .execute(
            "document.cookie = 'probe=one; path=/'; return null;",
            vec![],
        )
        .await
        .expect("set a cookie");
    assert!(one.cookie_header().await.contains("probe=one"));
    assert!(
        !two.cookie_header().await.contains("probe"),
        "the second browser sees the first one's cookie"
    );
    let fetched = two.fetch("GET", "/health/live", None).await;
    assert_eq!(fetched.status, 200, "{fetched:?}");

    // A CJK font is installed: Chinese renders as text, not boxes (checked by eye on the PNG).
    one.client
        .goto("data:text/html;charset=utf-8,<h1 id=t>哨报 · 街道吹哨、部门报到</h1>")
        .await
        .expect("data page");
    let heading = one.wait_for("#t", Duration::from_secs(5)).await;
    assert_eq!(heading.text().await.unwrap(), "哨报 · 街道吹哨、部门报到");
    let shot = one.screenshot("harness-chinese").await;
    assert!(std::fs::metadata(&shot)
        .map(|m| m.len() > 1000)
        .unwrap_or(false));
    one.close().await;
    two.close().await;
}
