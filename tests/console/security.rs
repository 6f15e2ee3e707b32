//! (c) Sessions, CSRF, scopes, lockout, escaping and security headers, seen from a browser and
//! from a raw HTTP client holding a stolen session cookie.

use serde_json::json;
use shaobao_tests::app::{TestApp, DEPARTMENT, STREET};
use shaobao_tests::browser::WAIT;

use crate::support::{
    case_id_of, hidden_value, open_case, seeded_case, Console, DISPATCHER, HOUSING_CLERK, PASSWORD,
    URBAN_CLERK,
};

/// A client that shows redirects instead of following them and keeps no cookies.
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// The `name=value` part of the `Set-Cookie` header for cookie `name`, with its attributes.
fn set_cookie<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
}

/// Signs in without a browser: the login page's double-submit cookie and token, then the form.
async fn raw_sign_in(app: &TestApp, login: &str, password: &str) -> reqwest::Response {
    let client = raw_client();
    let page = client
        .get(app.url("/login"))
        .send()
        .await
        .expect("GET /login");
    assert_eq!(page.status(), 200);
    let cookies: Vec<String> = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .collect();
    let html = page.text().await.expect("login page");
    let token = hidden_value(&html, "csrf_token").expect("the login form's csrf_token");
    client
        .post(app.url("/login"))
        .header("cookie", cookies.join("; "))
        .form(&[
            ("csrf_token", token.as_str()),
            ("login", login),
            ("password", password),
        ])
        .send()
        .await
        .expect("POST /login")
}

/// `script-src` (or `default-src` when there is none) of a CSP header.
fn script_sources(csp: &str) -> String {
    let directive = |name: &str| {
        csp.split(';')
            .map(str::trim)
            .find(|d| d.split_whitespace().next() == Some(name))
            .map(str::to_string)
    };
    directive("script-src")
        .or_else(|| directive("default-src"))
        .unwrap_or_default()
}

/// The session cookie is HttpOnly, SameSite=Strict and site-wide, in the `Set-Cookie` header and
/// as the browser stored it; page scripts cannot read it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_http_only_strict_and_site_wide() {
    let Some(console) = Console::start().await else {
        return;
    };
    console.account(&DISPATCHER).await;
    let signed_in = raw_sign_in(&console.app, DISPATCHER.login, PASSWORD).await;
    assert_eq!(signed_in.status(), 303, "sign-in answers with a redirect");
    assert_eq!(
        signed_in
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/")
    );
    let cookie = set_cookie(&signed_in, "sb_session").expect("Set-Cookie: sb_session");
    let attributes: Vec<String> = cookie
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    for wanted in ["httponly", "samesite=strict", "path=/"] {
        assert!(
            attributes.iter().any(|a| a == wanted),
            "sb_session lacks {wanted}: {cookie}"
        );
    }

    let browser = console.browser().await;
    browser.sign_in(DISPATCHER.login, PASSWORD).await;
    let stored = browser
        .client
        .get_named_cookie("sb_session")
        .await
        .expect("the browser holds sb_session");
    assert_eq!(stored.http_only(), Some(true), "{stored:?}");
    assert_eq!(format!("{:?}", stored.same_site()), "Some(Strict)");
    assert_eq!(stored.path(), Some("/"));
    let visible = browser
        .client
        .execute("return document.cookie;", vec![])
        .await
        .expect("document.cookie");
    assert!(
        !visible.as_str().unwrap_or_default().contains("sb_session"),
        "scripts can read the session cookie: {visible}"
    );
    browser.screenshot("c-signed-in").await;
    browser.close().await;
}

/// A form posted without its CSRF token (or with another one) is refused with 403 and changes
/// nothing, from a raw client holding the session cookie and from the page itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_without_its_csrf_token_is_refused() {
    let Some(console) = Console::start().await else {
        return;
    };
    let (browser, _) = console.signed_in(&DISPATCHER).await;
    let id = open_case(&browser, "CSRF 检查").await;
    let form = browser
        .wait_for("form[data-action=\"dispatch\"]", WAIT)
        .await;
    let action = form
        .attr("action")
        .await
        .expect("attr")
        .unwrap_or_else(|| format!("/cases/{id}/dispatch"));
    let version = form
        .find(fantoccini::Locator::Css("input[name=\"expected_version\"]"))
        .await
        .expect("expected_version")
        .attr("value")
        .await
        .expect("attr")
        .unwrap_or_default();
    assert_eq!(version, "1", "a fresh case is at version 1");
    let cookie = browser.cookie_header().await;
    let unit = format!("department:{DEPARTMENT}");
    let path = if action.starts_with("http") {
        action.clone()
    } else {
        console.app.url(&action)
    };
    for (what, token) in [
        ("no token", None),
        ("another token", Some("0123456789abcdef")),
    ] {
        let mut fields = vec![("expected_version", version.as_str()), ("unit", &unit)];
        if let Some(token) = token {
            fields.push(("csrf_token", token));
        }
        let answer = raw_client()
            .post(&path)
            .header("cookie", &cookie)
            .form(&fields)
            .send()
            .await
            .expect("POST");
        assert_eq!(answer.status(), 403, "{what}: {:?}", answer.text().await);
    }
    let fetched = browser
        .fetch(
            "POST",
            &action,
            Some(&[("expected_version", version.as_str()), ("unit", &unit)]),
        )
        .await;
    assert_eq!(fetched.status, 403, "from the page: {}", fetched.body);
    assert_eq!(console.app.event_count(&id).await, 1, "nothing was written");

    // The page itself still works with its token.
    browser.goto(&format!("/cases/{id}")).await;
    browser.submit_form("dispatch", &[("unit", &unit)]).await;
    browser
        .wait_for("[data-case-state=\"dispatched\"]", WAIT)
        .await;
    assert_eq!(console.app.event_count(&id).await, 2);
    browser.goto("/login").await;
    browser.screenshot("c-csrf").await;
    browser.close().await;
}

/// A department's clerk may not open another department's inbox nor a case that is not theirs:
/// both answer a 403 page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clerk_cannot_read_another_departments_work() {
    let Some(console) = Console::start().await else {
        return;
    };
    let theirs = seeded_case(&console.app, json!({"department": DEPARTMENT})).await;
    let (housing, home) = console.signed_in(&HOUSING_CLERK).await;
    assert_eq!(home, "/inbox/housing");
    let inbox = housing
        .fetch("GET", &format!("/inbox/{DEPARTMENT}"), None)
        .await;
    assert_eq!(inbox.status, 403, "another department's inbox");
    assert!(
        inbox.headers["content-type"]
            .as_str()
            .unwrap_or_default()
            .starts_with("text/html"),
        "the 403 is a page: {:?}",
        inbox.headers
    );
    let case = housing
        .fetch("GET", &format!("/cases/{theirs}"), None)
        .await;
    assert_eq!(case.status, 403, "a case dispatched to {DEPARTMENT}");
    assert!(
        !case.body.contains("13812341234") && !case.body.contains("王小明"),
        "the refusal leaks the requester"
    );
    // Their own inbox is fine; the case's own department reads it.
    assert_eq!(
        housing.fetch("GET", "/inbox/housing", None).await.status,
        200
    );
    let (urban, _) = console.signed_in(&URBAN_CLERK).await;
    let own = urban.fetch("GET", &format!("/cases/{theirs}"), None).await;
    assert_eq!(own.status, 200, "the handling department reads its case");
    // …with the requester unmasked (it must call them), and the read is in the access log.
    assert!(
        own.body.contains("13812341234"),
        "the handler sees the phone"
    );
    let log = console
        .app
        .get(
            &format!("/api/v1/audit/access?case_id={theirs}"),
            &console.app.tokens.auditor,
        )
        .await;
    let routes: Vec<&str> = log.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|read| read["route"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(routes, ["console /cases/{id}"], "{log}");

    housing.goto(&format!("/cases/{theirs}")).await;
    let shot = housing.screenshot("c-forbidden").await;
    let text = housing.text_of("body").await.unwrap_or_default();
    assert!(
        !text.trim().is_empty(),
        "an empty 403 page ({})",
        shot.display()
    );
    housing.close().await;
    urban.close().await;
}

/// Five wrong passwords each show the form's error; the sixth attempt within 15 minutes is
/// refused with 429, even with the right password.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_passwords_lock_the_login() {
    let Some(console) = Console::start().await else {
        return;
    };
    console.account(&URBAN_CLERK).await;
    let browser = console.browser().await;
    for attempt in 1..=5 {
        browser
            .try_sign_in(URBAN_CLERK.login, &format!("wrong-password-{attempt}"))
            .await;
        let error = browser.wait_for(".form-error", WAIT).await;
        assert!(
            !error.text().await.unwrap_or_default().trim().is_empty(),
            "attempt {attempt}: an empty error"
        );
        assert!(browser.path().await.starts_with("/login"));
    }
    let sixth = raw_sign_in(&console.app, URBAN_CLERK.login, PASSWORD).await;
    assert_eq!(sixth.status(), 429, "the sixth attempt, right password");
    assert!(set_cookie(&sixth, "sb_session").is_none());
    browser.try_sign_in(URBAN_CLERK.login, PASSWORD).await;
    browser.wait_for(".form-error", WAIT).await;
    assert!(
        browser.path().await.starts_with("/login"),
        "a locked login got in"
    );
    browser.screenshot("c-locked-out").await;
    // Another login is not locked.
    console.account(&HOUSING_CLERK).await;
    browser.sign_in(HOUSING_CLERK.login, PASSWORD).await;
    browser.close().await;
}

/// A description that is a script shows as text: visible, never run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_markup_is_shown_as_text() {
    let Some(console) = Console::start().await else {
        return;
    };
    let typed = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let (browser, _) = console.signed_in(&DISPATCHER).await;
    let id = open_case(&browser, typed).await;
    assert_eq!(case_id_of(&browser).await, id);
    let text = browser.text_of("body").await.unwrap_or_default();
    assert!(
        text.contains(typed),
        "the description is not shown as typed"
    );
    let alert = browser.client.get_alert_text().await;
    assert!(alert.is_err(), "an alert opened: {alert:?}");
    let injected = browser
        .client
        .execute(
            "return Array.from(document.scripts).some(s => s.textContent.includes('alert(1)')) \
             || document.querySelector('img[src=\"x\"]') !== null;",
            vec![],
        )
        .await
        .expect("inspect the DOM");
    assert_eq!(injected, false, "the markup became elements");
    // The same on the queue.
    browser.goto(&format!("/queue/{STREET}")).await;
    browser
        .wait_for(&format!("[data-case-id=\"{id}\"]"), WAIT)
        .await;
    assert!(browser.client.get_alert_text().await.is_err());
    browser.goto(&format!("/cases/{id}")).await;
    browser.screenshot("c-escaped").await;
    browser.close().await;
}

/// Every console page carries the security headers: a CSP without inline scripts, no framing,
/// no referrer to other sites.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_carry_the_security_headers() {
    let Some(console) = Console::start().await else {
        return;
    };
    let check = |path: &str, headers: &dyn Fn(&str) -> Option<String>| {
        let csp = headers("content-security-policy")
            .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"));
        let scripts = script_sources(&csp);
        assert!(
            !scripts.is_empty(),
            "{path}: no script-src/default-src: {csp}"
        );
        assert!(
            !scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'"),
            "{path}: {scripts}"
        );
        assert_eq!(
            headers("x-frame-options").map(|v| v.to_ascii_uppercase()),
            Some("DENY".into()),
            "{path}"
        );
        assert_eq!(
            headers("referrer-policy").as_deref(),
            Some("same-origin"),
            "{path}"
        );
    };
    let login = raw_client()
        .get(console.app.url("/login"))
        .send()
        .await
        .expect("GET /login");
    assert!(login
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("charset=utf-8")));
    check("/login", &|name| {
        login
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });

    let (browser, home) = console.signed_in(&DISPATCHER).await;
    for path in [home.as_str(), "/intake"] {
        let page = browser.fetch("GET", path, None).await;
        assert_eq!(page.status, 200, "{path}");
        check(path, &|name| {
            page.headers[name].as_str().map(str::to_string)
        });
    }
    browser.screenshot("c-headers").await;
    browser.close().await;
}
