//! The district screens on PostgreSQL: the browser tests of each screen run on SQLite, and a query
//! both stores accept may still differ in the types PostgreSQL gives back (a `CASE … THEN 1`
//! is a 4-byte integer there), which only a read on PostgreSQL shows.

use serde_json::json;
use shaobao_tests::databases::Backend;

use crate::support::{seeded_case, Console, HOTLINE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_district_screen_answers_on_postgresql() {
    let Some(console) = Console::start_on(Backend::Postgres).await else {
        return;
    };
    seeded_case(&console.app, json!({"department": "urban_management"})).await;
    seeded_case(&console.app, json!({"street": "jingshan"})).await;
    let (browser, _) = console.signed_in(&HOTLINE).await;
    for path in [
        "/queue/jingshan",
        "/alerts",
        "/cases",
        "/stats",
        "/stats?group_by=department",
        "/stats?group_by=category&unit=noise",
        "/stats.csv",
        "/map",
        "/map/data",
        "/map/data?category=noise",
        "/wall",
        "/wall/data",
        "/board",
    ] {
        let page = browser.fetch("GET", path, None).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
    }
    let wall: serde_json::Value =
        serde_json::from_str(&browser.fetch("GET", "/wall/data", None).await.body).unwrap();
    assert_eq!(wall["open"]["open"], 2, "{wall}");
    browser.goto("/wall").await;
    browser.screenshot("pg-wall").await;
    browser.close().await;
}
