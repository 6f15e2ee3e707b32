//! `/audit/cases/{id}`: an auditor sees a case as it stood at any version (the API's
//! `state?version=N`) and a chain mark per event — which turns to broken for an event altered in
//! the database behind the log's back.

use shaobao_domain::CaseAction;
use shaobao_services::store::Store;
use shaobao_tests::app::DEPARTMENT;
use shaobao_tests::browser::{Browser, WAIT};
use shaobao_tests::script::{complaint, department, dispatch, hotline, to_department};
use shaobao_tests::script::{ApiDesk, Desk};

use crate::stats::scroll_to;
use crate::support::{Console, AUDITOR};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_auditor_sees_the_state_at_each_version_and_the_chain_per_event() {
    let Some(console) = Console::start().await else {
        return;
    };
    let app = &console.app;
    let mut desk = ApiDesk::new(app);
    let id = desk
        .open_case(complaint("jingshan", "noise", "审计视图：开、派、签"))
        .await;
    desk.act(&id, &hotline(), dispatch(to_department(DEPARTMENT)))
        .await;
    desk.act(&id, &department(DEPARTMENT), CaseAction::Sign)
        .await;
    assert_eq!(app.event_count(&id).await, 3, "opened, dispatched, signed");

    let (browser, _) = console.signed_in(&AUDITOR).await;
    for (version, state) in [(3, "signed"), (2, "dispatched"), (1, "received")] {
        let api = app
            .get(
                &format!("/api/v1/cases/{id}/state?version={version}"),
                &app.tokens.auditor,
            )
            .await;
        assert_eq!(api.status, 200, "{api}");
        assert_eq!(api.body["state"], state, "the API at version {version}");
        let shown = state_at(&browser, &id, version).await;
        assert_eq!(shown, state, "the page at version {version}");
        let chain = chain_marks(&browser).await;
        assert_eq!(
            chain,
            [(1, "ok"), (2, "ok"), (3, "ok")].map(own),
            "chain marks"
        );
        if version == 3 {
            browser.screenshot("i12-audit-v3").await;
        }
    }

    // Someone with SQL access rewrites the dispatch's metadata: that event alone is marked.
    tamper(
        &app.state.store,
        &format!(
            "DROP TRIGGER events_no_update; \
             UPDATE events SET metadata = json_set(metadata, '$.request_hash', 'forged') \
             WHERE aggregate_id = '{id}' AND sequence = 2"
        ),
    )
    .await;
    assert_eq!(state_at(&browser, &id, 3).await, "signed");
    let chain = chain_marks(&browser).await;
    assert_eq!(
        chain,
        [(1, "ok"), (2, "broken"), (3, "ok")].map(own),
        "chain marks after the dispatch was altered"
    );
    scroll_to(&browser, "tr[data-chain=\"broken\"]").await;
    browser.screenshot("i12-audit-broken").await;
    browser.close().await;
}

fn own((sequence, mark): (u64, &str)) -> (u64, String) {
    (sequence, mark.to_string())
}

/// Opens the case at `version`; the state the page shows for it.
async fn state_at(browser: &Browser, id: &str, version: u64) -> String {
    browser
        .goto(&format!("/audit/cases/{id}?version={version}"))
        .await;
    let css = format!("[data-state-at-version][data-version=\"{version}\"]");
    let badge = browser.wait_for(&css, WAIT).await;
    badge
        .attr("data-state-at-version")
        .await
        .expect("attr")
        .unwrap_or_default()
}

/// `(data-sequence, data-chain)` of the history's rows, in page order.
async fn chain_marks(browser: &Browser) -> Vec<(u64, String)> {
    let mut marks = Vec::new();
    for row in browser.all("tr[data-sequence]").await {
        let attr = |name: &'static str| {
            let row = row.clone();
            async move { row.attr(name).await.expect("attr").unwrap_or_default() }
        };
        let sequence = attr("data-sequence").await.parse().expect("a sequence");
        marks.push((sequence, attr("data-chain").await));
    }
    marks
}

/// Raw SQL on the server's SQLite store.
async fn tamper(store: &Store, sql: &str) {
    match store {
        Store::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
        Store::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(drop),
    }
    .unwrap_or_else(|e| panic!("{sql}: {e}"));
}
