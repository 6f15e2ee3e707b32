//! What each role sees of the read models, whatever it asks for.

use serde_json::Value;
use shaobao_tests::app::{dispatcher, TestApp, DEPARTMENT, OTHER_STREET, STREET};

use super::{after, case_id, dispatched, ids, read, wait_for_alert};

/// A dispatcher sees its street, a department what it handles, whatever they ask for; the
/// hotline and the auditor see everything.
pub async fn each_role_reads_only_its_own_part(app: TestApp) {
    let t = &app.tokens;
    let here = case_id(&dispatched(&app, STREET, DEPARTMENT).await);
    let last = dispatched(&app, OTHER_STREET, "housing").await;
    let there = case_id(&last);
    let other_dispatcher = app.token(dispatcher(OTHER_STREET)).await;
    let both = {
        let mut both = vec![here.as_str(), there.as_str()];
        both.sort_unstable();
        both
    };
    let sorted = |list: &Value| {
        let mut found: Vec<String> = ids(list).into_iter().map(str::to_string).collect();
        found.sort_unstable();
        found
    };
    for token in [&t.hotline, &t.auditor, &t.admin] {
        assert_eq!(
            sorted(&read(&app, &after("/api/v1/cases", &last), token).await),
            both
        );
    }
    for (token, own) in [(&t.dispatcher, &here), (&other_dispatcher, &there)] {
        for path in [
            "/api/v1/cases",
            "/api/v1/cases?street=jingshan",
            "/api/v1/cases?street=donghuamen",
        ] {
            assert_eq!(
                ids(&read(&app, &after(path, &last), token).await),
                [own.as_str()],
                "{path}"
            );
        }
    }
    for path in ["/api/v1/cases", "/api/v1/cases?department=housing"] {
        let found = read(&app, &after(path, &last), &t.department).await;
        assert_eq!(ids(&found), [here.as_str()], "{path}");
    }
    let queue = read(
        &app,
        &after("/api/v1/streets/donghuamen/queue", &last),
        &other_dispatcher,
    )
    .await;
    assert_eq!(ids(&queue), [there.as_str()]);
    let inbox = read(
        &app,
        &after("/api/v1/departments/housing/inbox", &last),
        &t.hotline,
    )
    .await;
    assert_eq!(ids(&inbox), [there.as_str()]);

    // Both cases breach their sign-for deadline: each party sees its own alert only.
    app.clock.advance(chrono::Duration::hours(3));
    wait_for_alert(&app, &here).await;
    wait_for_alert(&app, &there).await;
    let alerts = |token: &str, query: &str| {
        let path = format!("/api/v1/alerts{query}");
        let token = token.to_string();
        let app = &app;
        async move { read(app, &path, &token).await }
    };
    assert_eq!(
        ids(&alerts(&t.dispatcher, "?street=donghuamen").await),
        [here.as_str()]
    );
    assert_eq!(ids(&alerts(&other_dispatcher, "").await), [there.as_str()]);
    assert_eq!(
        ids(&alerts(&t.department, "?department=housing").await),
        [here.as_str()]
    );
    assert_eq!(
        ids(&alerts(&t.hotline, "?street=donghuamen").await),
        [there.as_str()]
    );
    assert_eq!(
        alerts(&t.auditor, "").await["items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
