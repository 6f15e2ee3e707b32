//! Case search: every filter, and paging.

use serde_json::{json, Value};
use shaobao_tests::app::{TestApp, DEPARTMENT, OTHER_STREET, STREET};

use super::{after, case_id, dispatched, ids, open_with, read};
use crate::support::{complaint, step};

/// Search by street, department, state, category, channel, opening time and text, and page
/// through it.
pub async fn case_search_filters_and_pages(app: TestApp) {
    let t = &app.tokens;
    let early = case_id(&dispatched(&app, STREET, DEPARTMENT).await);
    let manhole = case_id(
        &open_with(
            &app,
            &json!({
                "channel": "walk_in", "kind": "report", "category": "street_vending",
                "description": "路口井盖松动", "location": {"street": STREET},
            }),
        )
        .await,
    );
    app.clock.advance(chrono::Duration::days(1));
    let mut later = Vec::new();
    for street in [STREET, OTHER_STREET, OTHER_STREET] {
        later.push(case_id(&open_with(&app, &complaint(street)).await));
    }
    let last = step(
        &app,
        &t.hotline,
        &later[2],
        "dispatch",
        json!({"unit": {"department": "housing"}}),
    )
    .await;
    let search = |query: &str| {
        let path = after(&format!("/api/v1/cases?{query}"), &last);
        let app = &app;
        async move { read(app, &path, &app.tokens.hotline).await }
    };
    let count = |list: &Value| list["items"].as_array().unwrap().len();

    assert_eq!(count(&search("").await), 5);
    assert_eq!(count(&search("street=jingshan").await), 3);
    assert_eq!(
        ids(&search("category=street_vending").await),
        [manhole.as_str()]
    );
    assert_eq!(ids(&search("channel=walk_in").await), [manhole.as_str()]);
    assert_eq!(
        ids(&search("q=%E4%BA%95%E7%9B%96").await),
        [manhole.as_str()],
        "井盖"
    );
    assert_eq!(ids(&search("q=Manhole-none").await), Vec::<&str>::new());
    assert_eq!(
        ids(&search(&format!("q={}", &early[early.len() - 6..])).await),
        [early.as_str()]
    );
    let in_state = search("state=dispatched").await;
    let mut dispatched_ids = ids(&in_state);
    dispatched_ids.sort_unstable();
    let mut expected = vec![early.as_str(), later[2].as_str()];
    expected.sort_unstable();
    assert_eq!(dispatched_ids, expected);
    assert_eq!(
        ids(&search("department=housing").await),
        [later[2].as_str()]
    );
    let between_the_days = "2026-03-03T00:00:00Z";
    assert_eq!(count(&search(&format!("from={between_the_days}")).await), 3);
    assert_eq!(
        count(&search(&format!("until={between_the_days}")).await),
        2
    );
    let later_here = format!("from={between_the_days}&street=jingshan");
    assert_eq!(ids(&search(&later_here).await), [later[0].as_str()]);

    // Newest first, two at a time: every case once, in the order of the single page.
    let everything = ids(&search("").await)
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let mut paged = Vec::new();
    let mut query = "limit=2".to_string();
    loop {
        let page = search(&query).await;
        assert!(count(&page) <= 2, "{page}");
        paged.extend(ids(&page).into_iter().map(str::to_string));
        let Some(next) = page["next"].as_str() else {
            break;
        };
        let token: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        query = format!("limit=2&page={token}");
    }
    assert_eq!(paged, everything);
    let mut first_day = everything[3..].to_vec();
    first_day.sort_unstable();
    let mut opened_first = vec![manhole.clone(), early.clone()];
    opened_first.sort_unstable();
    assert_eq!(first_day, opened_first, "the first day's cases come last");

    let bad = app.get("/api/v1/cases?page=not-a-token", &t.hotline).await;
    assert_eq!(
        (bad.status, bad.error()),
        (400, ("invalid_query", Some("page"))),
        "{bad}"
    );
}
