//! People working cases together, each in a browser of their own.

use std::time::{Duration, Instant};

use shaobao_tests::app::{DEPARTMENT, STREET};
use shaobao_tests::browser::WAIT;

use crate::support::{
    act, case_id_of, expect_case_state, open_case, timeline, Console, AUDITOR, DISPATCHER, HOTLINE,
    HOUSING_CLERK, PASSWORD, URBAN_CLERK, VOLUNTEER,
};

/// `/` sends each role to its home page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_lands_on_its_home_page() {
    let Some(console) = Console::start().await else {
        return;
    };
    let homes = [
        (&DISPATCHER, format!("/queue/{STREET}")),
        (&URBAN_CLERK, format!("/inbox/{DEPARTMENT}")),
        (&HOTLINE, "/intake".to_string()),
        (&VOLUNTEER, "/board".to_string()),
        (&AUDITOR, "/cases".to_string()),
    ];
    let browser = console.browser().await;
    for (person, home) in &homes {
        console.account(person).await;
        let landed = browser.sign_in(person.login, PASSWORD).await;
        assert_eq!(
            landed.split('?').next().unwrap(),
            home,
            "{} ({}) landed elsewhere",
            person.login,
            person.name
        );
        browser.screenshot(&format!("home-{}", person.login)).await;
        // Signed out by forgetting the cookies (the next person starts afresh).
        browser.client.delete_all_cookies().await.expect("cookies");
    }
    browser.close().await;
}

/// (a) The dispatcher opens a case at `/intake` and dispatches it to urban management; the
/// department's clerk, in a second browser, finds it in the inbox and signs for it; the
/// dispatcher's open queue page shows the new state without a reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dispatch_then_sign_updates_the_open_queue_live() {
    let Some(console) = Console::start().await else {
        return;
    };
    let (dispatcher, home) = console.signed_in(&DISPATCHER).await;
    assert_eq!(home, format!("/queue/{STREET}"));
    let id = open_case(&dispatcher, "景山前街夜间施工噪音扰民，凌晨两点仍在作业").await;
    let unit = format!("department:{DEPARTMENT}");
    act(&dispatcher, &id, "dispatch", &[("unit", &unit)]).await;
    expect_case_state(&dispatcher, "dispatched").await;

    dispatcher.goto(&format!("/queue/{STREET}")).await;
    let row = format!("[data-case-id=\"{id}\"]");
    dispatcher.wait_for(&row, WAIT).await;
    let dispatched = format!("[data-case-id=\"{id}\"][data-state=\"dispatched\"]");
    dispatcher.wait_for(&dispatched, WAIT).await;
    // Marks this document: a reload or navigation would lose the mark.
    dispatcher
        .client
        .execute("window.__sbStillHere = 'yes'; return null;", vec![])
        .await
        .expect("mark the page");

    let (clerk, clerk_home) = console.signed_in(&URBAN_CLERK).await;
    assert_eq!(clerk_home, format!("/inbox/{DEPARTMENT}"));
    let in_inbox = clerk.wait_for(&row, WAIT).await;
    // Follows the row's link, as a person would.
    match in_inbox.find(fantoccini::Locator::Css("a[href]")).await {
        Ok(link) => link.click().await.expect("follow the inbox row"),
        Err(_) => clerk.goto(&format!("/cases/{id}")).await,
    }
    expect_case_state(&clerk, "dispatched").await;
    assert_eq!(case_id_of(&clerk).await, id);
    act(&clerk, &id, "sign", &[]).await;
    expect_case_state(&clerk, "signed").await;
    let signed_at = Instant::now();
    clerk.screenshot("a-clerk-signed").await;

    let signed = format!("[data-case-id=\"{id}\"][data-state=\"signed\"]");
    let seen = dispatcher
        .try_wait_for(&signed, Duration::from_secs(5))
        .await;
    let shot = dispatcher.screenshot("a-dispatcher-queue-live").await;
    assert!(
        seen.is_some(),
        "the open queue page did not show the signed state within 5 s ({})",
        shot.display()
    );
    eprintln!(
        "queue page updated {:?} after the sign",
        signed_at.elapsed()
    );
    let still_here = dispatcher
        .client
        .execute("return window.__sbStillHere || null;", vec![])
        .await
        .expect("read the mark");
    assert_eq!(
        still_here, "yes",
        "the queue page was reloaded, not updated in place"
    );
    dispatcher.close().await;
    clerk.close().await;
}

/// (b) A whistle to two departments: both report in from their own sessions, the dispatcher
/// closes it with ratings, and the timeline reads in order with the people's names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whistle_to_two_departments_reads_in_order_on_the_timeline() {
    let Some(console) = Console::start().await else {
        return;
    };
    let (dispatcher, _) = console.signed_in(&DISPATCHER).await;
    let id = open_case(&dispatcher, "黄化门街拆除违建，需城管与住建联合处置").await;
    let street = format!("street:{STREET}");
    act(&dispatcher, &id, "dispatch", &[("unit", &street)]).await;
    expect_case_state(&dispatcher, "dispatched").await;
    act(&dispatcher, &id, "sign", &[]).await;
    expect_case_state(&dispatcher, "signed").await;
    let lead = format!("departments.{DEPARTMENT}");
    act(
        &dispatcher,
        &id,
        "whistles",
        &[
            ("kind", "routine"),
            ("note", "联合执法"),
            (&lead, "lead"),
            ("departments.housing", "assist"),
        ],
    )
    .await;
    expect_case_state(&dispatcher, "handling").await;

    let (urban, _) = console.signed_in(&URBAN_CLERK).await;
    let (housing, _) = console.signed_in(&HOUSING_CLERK).await;
    for (clerk, department, mode) in [
        (&urban, DEPARTMENT, "on_site"),
        (&housing, "housing", "remote"),
    ] {
        clerk.goto(&format!("/inbox/{department}")).await;
        clerk
            .wait_for(&format!("[data-case-id=\"{id}\"]"), WAIT)
            .await;
        clerk.goto(&format!("/cases/{id}")).await;
        let form = "form[data-action=\"report-in\"][data-whistle-no=\"1\"]";
        clerk.submit_form_at(form, &[("mode", mode)]).await;
        let errors = clerk.visible_errors().await;
        assert!(
            errors.is_empty(),
            "{department} could not report in:{errors}"
        );
        // Reported in: the form is gone from this department's page.
        clerk.goto(&format!("/cases/{id}")).await;
        assert!(
            clerk.all(form).await.is_empty(),
            "{department} may still report in"
        );
    }
    housing.screenshot("b-housing-reported-in").await;

    dispatcher.goto(&format!("/cases/{id}")).await;
    let close = "form[data-action=\"close-whistle\"][data-whistle-no=\"1\"]";
    let good = format!("ratings.{DEPARTMENT}");
    dispatcher
        .submit_form_at(close, &[(&good, "good"), ("ratings.housing", "fair")])
        .await;
    let errors = dispatcher.visible_errors().await;
    assert!(
        errors.is_empty(),
        "closing the whistle was refused:{errors}"
    );
    dispatcher.goto(&format!("/cases/{id}")).await;
    dispatcher
        .wait_for("ol.timeline > li[data-event-type=\"WhistleClosed\"]", WAIT)
        .await;

    let rows = timeline(&dispatcher).await;
    let kinds: Vec<&str> = rows.iter().map(|(kind, _)| kind.as_str()).collect();
    let expected = [
        ("CaseOpened", DISPATCHER.name),
        ("CaseDispatched", DISPATCHER.name),
        ("CaseSigned", DISPATCHER.name),
        ("WhistleBlown", DISPATCHER.name),
        ("DepartmentReportedIn", URBAN_CLERK.name),
        ("DepartmentReportedIn", HOUSING_CLERK.name),
        ("WhistleClosed", DISPATCHER.name),
    ];
    let expected_kinds: Vec<&str> = expected.iter().map(|(kind, _)| *kind).collect();
    // Oldest first or newest first, but in log order either way.
    let in_order = if kinds.first() == Some(&"WhistleClosed") {
        kinds.iter().rev().copied().collect::<Vec<_>>()
    } else {
        kinds.clone()
    };
    let shot = dispatcher.screenshot("b-timeline").await;
    assert_eq!(in_order, expected_kinds, "timeline ({})", shot.display());
    let newest_first = kinds.first() == Some(&"WhistleClosed");
    for (i, (kind, name)) in expected.iter().enumerate() {
        let at = if newest_first { rows.len() - 1 - i } else { i };
        let text = &rows[at].1;
        assert!(
            text.contains(name),
            "timeline row {kind} does not name {name}: {text:?}"
        );
    }
    let summoned = dispatcher.text_of("body").await.unwrap_or_default();
    assert!(
        summoned.contains("区城管执法局"),
        "the whistle names the lead"
    );
    dispatcher.close().await;
    urban.close().await;
    housing.close().await;
}
