//! 双向需求清单 in the browser: the street's dispatcher publishes a need of a community on
//! `/board`, a resident unit's clerk claims and delivers it from the board, the dispatcher (whose
//! board shows the delivery without a reload) confirms it, and the unit's points appear in the
//! statistics page's ranking. A member reports to their community on the board and may then
//! claim there. Each step is a form the domain offered on that row, found by its hooks
//! (`form[data-action][data-community][data-need-no]`).

use shaobao_tests::app::DEPARTMENT;
use shaobao_tests::browser::{Browser, WAIT};
use shaobao_tests::databases::Backend;

use crate::support::{hidden_value, Console, DISPATCHER, HOUSING_CLERK, URBAN_CLERK, VOLUNTEER};

const COMMUNITY: &str = "jingshan-jixiang";

fn need_row(no: u32, status: &str) -> String {
    format!("tr[data-need-no=\"{no}\"][data-community=\"{COMMUNITY}\"][data-status=\"{status}\"]")
}

fn need_form(action: &str, no: u32) -> String {
    format!("form[data-action=\"{action}\"][data-community=\"{COMMUNITY}\"][data-need-no=\"{no}\"]")
}

/// Submits a step's form on need `no` and waits for the row to show `status`.
async fn step(browser: &Browser, action: &str, no: u32, fields: &[(&str, &str)], status: &str) {
    browser.submit_form_at(&need_form(action, no), fields).await;
    let row = need_row(no, status);
    if browser.try_wait_for(&row, WAIT).await.is_none() {
        let errors = browser.visible_errors().await;
        browser.screenshot(&format!("board-{action}-failed")).await;
        panic!("after {action} need {no} is not {status}{errors}");
    }
}

/// The forms offered on need `no`'s row, by their hook.
async fn offered(browser: &Browser, no: u32) -> Vec<String> {
    let css = format!("form[data-community=\"{COMMUNITY}\"][data-need-no=\"{no}\"]");
    let mut hooks = Vec::new();
    for form in browser.all(&css).await {
        hooks.push(
            form.attr("data-action")
                .await
                .ok()
                .flatten()
                .unwrap_or_default(),
        );
    }
    hooks
}

async fn claim_to_confirm(backend: Backend) {
    let Some(console) = Console::start_on(backend).await else {
        return;
    };
    let (dispatcher, _) = console.signed_in(&DISPATCHER).await;
    dispatcher.goto("/board").await;
    dispatcher
        .submit_form(
            "needs",
            &[
                ("community", COMMUNITY),
                ("title", "为独居老人楼道更换声控灯"),
                ("kind", "practical"),
                ("points", "20"),
                ("description", "吉祥胡同 3 号楼，共 12 盏"),
            ],
        )
        .await;
    dispatcher.wait_for(&need_row(1, "open"), WAIT).await;
    // The street publishes and withdraws; it does not claim its own need.
    assert_eq!(offered(&dispatcher, 1).await, ["withdraw"]);

    let (clerk, _) = console.signed_in(&URBAN_CLERK).await;
    clerk.goto(&format!("/board?community={COMMUNITY}")).await;
    clerk.wait_for(&need_row(1, "open"), WAIT).await;
    assert_eq!(offered(&clerk, 1).await, ["claim"]);
    step(&clerk, "claim", 1, &[], "claimed").await;
    let claimant = clerk
        .text_of(&need_row(1, "claimed"))
        .await
        .unwrap_or_default();
    assert!(claimant.contains("城管"), "claimant not shown: {claimant}");
    step(
        &clerk,
        "deliver",
        1,
        &[("summary", "已更换 12 盏声控灯")],
        "delivered",
    )
    .await;
    // Confirming is the street's: the clerk is offered nothing more.
    assert!(offered(&clerk, 1).await.is_empty());
    clerk.screenshot("board-unit-delivered").await;

    // The dispatcher's board shows the delivery by itself (live refresh, no reload).
    if dispatcher
        .try_wait_for(&need_row(1, "delivered"), WAIT)
        .await
        .is_none()
    {
        dispatcher.goto("/board").await;
        panic!("the dispatcher's board did not show the delivery without a reload");
    }
    assert_eq!(offered(&dispatcher, 1).await, ["confirm"]);
    dispatcher.screenshot("board-dispatcher-delivered").await;
    step(&dispatcher, "confirm", 1, &[], "confirmed").await;
    dispatcher.screenshot("board-dispatcher-confirmed").await;

    // The unit's 20 points rank it first for the month.
    dispatcher.goto("/stats").await;
    let unit_row = format!("[data-scores=\"unit\"] tr[data-id=\"{DEPARTMENT}\"]");
    let row = dispatcher.wait_for(&unit_row, WAIT).await;
    assert_eq!(
        row.attr("data-points").await.unwrap().as_deref(),
        Some("20")
    );
    assert_eq!(row.attr("data-rank").await.unwrap().as_deref(), Some("1"));
    // 20 points in the year so far: under the floor of 60.
    assert_eq!(
        row.attr("data-status").await.unwrap().as_deref(),
        Some("no_shared_resources")
    );
    // The units without a point this year are counted, not listed.
    let idle = dispatcher
        .wait_for("[data-scores=\"unit\"] [data-idle]", WAIT)
        .await;
    assert_eq!(idle.attr("data-idle").await.unwrap().as_deref(), Some("15"));
    dispatcher
        .client
        .execute(
            "document.getElementById('scores').scrollIntoView(); return null;",
            vec![],
        )
        .await
        .expect("scroll to the scores");
    dispatcher.screenshot("board-stats-unit-ranking").await;
    dispatcher.close().await;
    clerk.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_need_goes_from_claim_to_confirm_on_sqlite() {
    claim_to_confirm(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_need_goes_from_claim_to_confirm_on_postgres() {
    claim_to_confirm(Backend::Postgres).await;
}

/// A volunteer who has not reported anywhere sees only the registration form; once registered
/// in the community they claim its need, and a member of another community may not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_registers_on_the_board_and_claims_in_their_community() {
    let Some(console) = Console::start().await else {
        return;
    };
    let published = console
        .app
        .post(
            &format!("/api/v1/communities/{COMMUNITY}/needs"),
            &console.app.tokens.dispatcher,
            &serde_json::json!({"title": "周六社区义诊帮忙", "kind": "volunteering", "points": 5}),
        )
        .await;
    assert_eq!(published.status, 201, "{published}");

    let (member, home) = console.signed_in(&VOLUNTEER).await;
    assert!(home.starts_with("/board"), "{home}");
    assert!(member.all("tr[data-need-no]").await.is_empty());
    member
        .submit_form("register", &[("community", COMMUNITY), ("name", "周网格")])
        .await;
    member.wait_for(&need_row(1, "open"), WAIT).await;
    assert_eq!(offered(&member, 1).await, ["claim"]);
    step(&member, "claim", 1, &[], "claimed").await;
    let row = member
        .text_of(&need_row(1, "claimed"))
        .await
        .unwrap_or_default();
    assert!(row.contains("gw-7"), "{row}");
    member.screenshot("board-member-claimed").await;

    // The same board in English, after the language switch.
    member.goto("/lang/en").await;
    member.goto("/board").await;
    let heading = member.text_of("section.community-needs h2").await;
    assert_eq!(heading.as_deref(), Some("Community needs"));
    let row = member
        .text_of(&need_row(1, "claimed"))
        .await
        .unwrap_or_default();
    assert!(
        row.contains("Claimed") && row.contains("Volunteering"),
        "{row}"
    );
    member.screenshot("board-member-english").await;
    member.close().await;
}

/// A need someone else claimed offers no claim button; a claim posted anyway (an old page) is
/// refused with the domain's reason, and a post without the session's CSRF token is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_on_a_taken_need_is_refused_with_the_reason() {
    let Some(console) = Console::start().await else {
        return;
    };
    let app = &console.app;
    let needs = format!("/api/v1/communities/{COMMUNITY}/needs");
    let body = serde_json::json!({"title": "调解邻里漏水纠纷", "kind": "mediation", "points": 6});
    let published = app.post(&needs, &app.tokens.dispatcher, &body).await;
    assert_eq!(published.status, 201, "{published}");
    let claimed = app
        .post(
            &format!("{needs}/1/claim"),
            &app.tokens.department,
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(claimed.status, 200, "{claimed}");

    let (housing, _) = console.signed_in(&HOUSING_CLERK).await;
    housing.goto(&format!("/board?community={COMMUNITY}")).await;
    housing.wait_for(&need_row(1, "claimed"), WAIT).await;
    assert!(offered(&housing, 1).await.is_empty());

    let page = housing.fetch("GET", "/board", None).await;
    let csrf = hidden_value(&page.body, "csrf_token").expect("the board's CSRF token");
    let claim = format!("/communities/{COMMUNITY}/needs/1/claim");
    let refused = housing
        .fetch("POST", &claim, Some(&[("csrf_token", csrf.as_str())]))
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(
        refused.body.contains("need 1 has already been claimed"),
        "{}",
        refused.body
    );
    let forged = housing
        .fetch("POST", &claim, Some(&[("csrf_token", "forged")]))
        .await;
    assert_eq!(forged.status, 403);
    housing.close().await;
}

/// 资源清单: a unit offers a resource to the community on the board and matches it to the
/// community's open need, which the need's row then shows claimed by the unit; the resource
/// shows one of its two places taken.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_offers_a_resource_and_matches_it_to_a_need() {
    let Some(console) = Console::start().await else {
        return;
    };
    let app = &console.app;
    let needs = format!("/api/v1/communities/{COMMUNITY}/needs");
    let body = serde_json::json!({"title": "宣讲垃圾分类新规", "kind": "policy_talk", "points": 4});
    let published = app.post(&needs, &app.tokens.dispatcher, &body).await;
    assert_eq!(published.status, 201, "{published}");

    let (clerk, _) = console.signed_in(&URBAN_CLERK).await;
    clerk.goto(&format!("/board?community={COMMUNITY}")).await;
    clerk
        .submit_form(
            "resources",
            &[
                ("community", COMMUNITY),
                ("title", "法律咨询进社区"),
                ("capacity", "2"),
            ],
        )
        .await;
    let resource = format!("tr[data-resource-no=\"1\"][data-community=\"{COMMUNITY}\"]");
    clerk.wait_for(&resource, WAIT).await;
    let matching = format!(
        "form[data-action=\"match\"][data-community=\"{COMMUNITY}\"][data-resource-no=\"1\"]"
    );
    clerk.submit_form_at(&matching, &[("need_no", "1")]).await;
    clerk.wait_for(&need_row(1, "claimed"), WAIT).await;
    let row = clerk.text_of(&resource).await.unwrap_or_default();
    assert!(row.contains("1 / 2"), "{row}");
    // No open need is left to match it to.
    assert!(clerk
        .try_wait_for(&matching, std::time::Duration::from_millis(300))
        .await
        .is_none());
    assert_eq!(offered(&clerk, 1).await, ["deliver"]);
    clerk.screenshot("board-unit-matched").await;
    clerk.close().await;
}
