//! 类案 at intake: a draft that resembles an open case lists it, with its reasons, in the similar
//! panel as it is typed; one click opens the draft and merges it into that case.

use shaobao_tests::browser::{Browser, WAIT};

use crate::support::{expect_case_state, open_case, Console, DISPATCHER};

/// Picks `value` in the intake form's select `name`.
async fn choose(browser: &Browser, name: &str, value: &str) {
    let css = format!("form.intake select[name=\"{name}\"]");
    let select = browser.wait_for(&css, WAIT).await;
    select
        .select_by_value(value)
        .await
        .unwrap_or_else(|err| panic!("choose {value} in {name}: {err}"));
}

/// Types `text` into the intake form's field `name`.
async fn type_into(browser: &Browser, name: &str, text: &str) {
    let css = format!("form.intake [name=\"{name}\"]");
    let field = browser.wait_for(&css, WAIT).await;
    field
        .send_keys(text)
        .await
        .unwrap_or_else(|err| panic!("type into {name}: {err}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_lists_a_similar_case_and_merges_into_it_in_one_click() {
    let Some(console) = Console::start().await else {
        return;
    };
    let (dispatcher, _) = console.signed_in(&DISPATCHER).await;
    let earlier = open_case(&dispatcher, "景山前街4号夜间施工噪声扰民").await;

    dispatcher.goto("/intake").await;
    choose(&dispatcher, "category", "noise").await;
    choose(&dispatcher, "location.community", "jingshan-jixiang").await;
    type_into(&dispatcher, "location.address", "景山前街4号").await;
    type_into(&dispatcher, "requester.name", "李四").await;
    type_into(&dispatcher, "requester.phone", "13900005678").await;
    type_into(&dispatcher, "description", "景山前街4号晚上施工太吵了").await;

    let listed = format!("#intake-similar li.similar-case[data-case-id=\"{earlier}\"]");
    dispatcher.wait_for(&listed, WAIT).await;
    let reasons = dispatcher
        .text_of(&format!("{listed} small.reasons"))
        .await
        .unwrap_or_default();
    // The panel sits below the form: bring it into view for the screenshot.
    let scrolled = dispatcher.client.execute(
        "document.querySelector('#intake-similar').scrollIntoView(); return null;",
        vec![],
    );
    scrolled.await.expect("scroll to the similar panel");
    dispatcher.screenshot("intake-similar").await;
    // Why, in the person's words: the same category at the same address.
    assert!(
        reasons.contains("同类诉求") && reasons.contains("同一地址"),
        "{reasons}"
    );

    // The panel is fetched again as the draft changes: click the button of its latest version.
    let merge = format!("{listed} button[data-action=\"merge\"]");
    let mut clicked = Err(None);
    for _ in 0..5 {
        let button = dispatcher.wait_for(&merge, WAIT).await;
        clicked = button.click().await.map_err(Some);
        if clicked.is_ok() {
            break;
        }
        dispatcher.settle().await;
    }
    clicked.expect("open and merge in one click");
    dispatcher.settle().await;
    expect_case_state(&dispatcher, "merged").await;
    let path = dispatcher.path().await;
    let opened = path.trim_start_matches("/cases/").to_string();
    assert_ne!(opened, earlier, "a new case was opened");

    dispatcher.goto(&format!("/cases/{earlier}")).await;
    let duplicate = format!("section.duplicates li[data-case-id=\"{opened}\"]");
    dispatcher.wait_for(&duplicate, WAIT).await;
    dispatcher.screenshot("intake-merged").await;
    dispatcher.close().await;
}
