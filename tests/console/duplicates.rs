//! 并单 in the console: the case page offers similar cases with a one-click merge, the primary
//! lists its duplicates, and a third report of the same matter raises a repeat warning on the
//! supervision board.

use std::time::{Duration, Instant};

use shaobao_tests::browser::{Browser, WAIT};

use crate::support::{expect_case_state, open_case, Console, DISPATCHER};

/// Goes to `path` until `css` shows there (the read models follow the commands a moment later).
async fn reload_until(browser: &Browser, path: &str, css: &str) -> fantoccini::elements::Element {
    let started = Instant::now();
    loop {
        browser.goto(path).await;
        if let Some(found) = browser.try_wait_for(css, Duration::from_millis(500)).await {
            return found;
        }
        if started.elapsed() > WAIT {
            browser.screenshot("duplicates-not-shown").await;
            panic!("{css} never showed on {path}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeat_is_merged_in_one_click_and_warned_on_the_board() {
    let Some(console) = Console::start().await else {
        return;
    };
    let (dispatcher, _) = console.signed_in(&DISPATCHER).await;
    let first = open_case(&dispatcher, "景山前街4号夜间施工噪声扰民").await;
    let second = open_case(&dispatcher, "景山前街4号晚上施工噪声太吵").await;

    let merge =
        format!("li.similar-case[data-case-id=\"{first}\"] form[data-action=\"merge\"] button");
    let button = reload_until(&dispatcher, &format!("/cases/{second}"), &merge).await;
    button.click().await.expect("merge in one click");
    expect_case_state(&dispatcher, "merged").await;

    let listed = format!("section.duplicates li[data-case-id=\"{second}\"]");
    reload_until(&dispatcher, &format!("/cases/{first}"), &listed).await;
    dispatcher.screenshot("case-duplicates").await;

    open_case(&dispatcher, "景山前街4号又在夜间施工").await;
    reload_until(&dispatcher, "/alerts", "tr[data-alert-kind=\"repeat\"]").await;
    dispatcher.screenshot("alerts-repeat").await;
    dispatcher.close().await;
}
