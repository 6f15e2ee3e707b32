//! The cast and the common steps: a server on SQLite, a ChromeDriver, and staff accounts for the
//! people who sign in.

use shaobao_domain::Role;
use shaobao_tests::app::{department, dispatcher, spawn_app, volunteer, TestApp, DEPARTMENT};
use shaobao_tests::app::{MEMBER, STREET};
use shaobao_tests::browser::{Browser, Driver, WAIT};
use shaobao_tests::databases::Backend;

/// Every test account's password (at least 10 characters).
pub const PASSWORD: &str = "景山-correct-horse-9";

/// A person of the cast: login, display name (shown in timelines), role.
pub struct Person {
    pub login: &'static str,
    pub name: &'static str,
    pub role: fn() -> Role,
}

pub const DISPATCHER: Person = Person {
    login: "wang.dispatch",
    name: "王调度",
    role: || dispatcher(STREET),
};
pub const URBAN_CLERK: Person = Person {
    login: "li.urban",
    name: "李城管",
    role: || department(DEPARTMENT),
};
pub const HOUSING_CLERK: Person = Person {
    login: "zhao.housing",
    name: "赵住建",
    role: || department("housing"),
};
pub const HOTLINE: Person = Person {
    login: "sun.hotline",
    name: "孙接线",
    role: || Role::Hotline,
};
pub const VOLUNTEER: Person = Person {
    login: "zhou.grid",
    name: "周网格",
    role: || volunteer(MEMBER),
};
pub const AUDITOR: Person = Person {
    login: "wu.audit",
    name: "吴审计",
    role: || Role::Auditor,
};

/// A server on a fresh SQLite store and a ChromeDriver beside it.
pub struct Console {
    pub app: TestApp,
    pub driver: Driver,
}

impl Console {
    /// `None` (after printing why) when the browser is missing outside CI.
    pub async fn start() -> Option<Console> {
        Console::start_on(Backend::Sqlite).await
    }

    /// The same on a store of the given kind (`None` also when PostgreSQL is unreachable
    /// outside CI).
    pub async fn start_on(backend: Backend) -> Option<Console> {
        let driver = Driver::start().await?;
        let app = spawn_app(backend).await?;
        Some(Console { app, driver })
    }

    /// A new browser on the console, nobody signed in.
    pub async fn browser(&self) -> Browser {
        self.driver.open(&self.app.url("")).await
    }

    /// Creates the person's account.
    pub async fn account(&self, person: &Person) {
        self.app
            .create_user(person.login, person.name, (person.role)(), PASSWORD)
            .await;
    }

    /// Creates the person's account and signs them in, in a browser of their own; returns the
    /// browser and the path the console sent them to.
    pub async fn signed_in(&self, person: &Person) -> (Browser, String) {
        self.account(person).await;
        let browser = self.browser().await;
        let home = browser.sign_in(person.login, PASSWORD).await;
        (browser, home)
    }
}

/// The case page's id: the path is `/cases/{id}`.
pub async fn case_id_of(browser: &Browser) -> String {
    let path = browser.path().await;
    let id = path
        .strip_prefix("/cases/")
        .unwrap_or_else(|| panic!("not on a case page: {path}"));
    id.split(['?', '#']).next().unwrap_or(id).to_string()
}

/// The state the case page shows.
pub async fn case_state(browser: &Browser) -> String {
    let element = browser.wait_for("[data-case-state]", WAIT).await;
    element
        .attr("data-case-state")
        .await
        .expect("data-case-state")
        .unwrap_or_default()
}

/// Waits until the case page shows `state`; panics with what it shows instead.
pub async fn expect_case_state(browser: &Browser, state: &str) {
    let css = format!("[data-case-state=\"{state}\"]");
    if browser.try_wait_for(&css, WAIT).await.is_none() {
        let shown = case_state(browser).await;
        let errors = browser.visible_errors().await;
        browser.screenshot(&format!("expected-{state}")).await;
        panic!(
            "the case page at {} shows {shown:?}, not {state:?}{errors}",
            browser.path().await
        );
    }
}

/// Opens a noise complaint in jingshan through `/intake` and returns its id (the console sends
/// the person to the new case's page).
pub async fn open_case(browser: &Browser, description: &str) -> String {
    browser.goto("/intake").await;
    browser
        .submit_form(
            "open",
            &[
                ("channel", "hotline"),
                ("kind", "complaint"),
                ("category", "noise"),
                ("urgency", "ordinary"),
                ("description", description),
                ("location.street", STREET),
                ("location.community", "jingshan-jixiang"),
                ("location.grid", "JS-JX-01"),
                ("location.address", "景山前街4号"),
                ("requester.name", "张三"),
                ("requester.phone", "13800001234"),
            ],
        )
        .await;
    if browser
        .try_wait_for("[data-case-state]", WAIT)
        .await
        .is_none()
    {
        let errors = browser.visible_errors().await;
        browser.screenshot("open-case-failed").await;
        panic!(
            "opening a case did not lead to its page (at {}){errors}",
            browser.path().await
        );
    }
    expect_case_state(browser, "received").await;
    case_id_of(browser).await
}

/// Submits the form of `action` on the case page (going there first when elsewhere) and fails
/// when the page answers with an error.
pub async fn act(browser: &Browser, case_id: &str, action: &str, fields: &[(&str, &str)]) {
    let page = format!("/cases/{case_id}");
    if browser.path().await != page {
        browser.goto(&page).await;
    }
    browser.submit_form(action, fields).await;
    let errors = browser.visible_errors().await;
    assert!(
        errors.is_empty(),
        "{action} on {case_id} was refused:{errors}"
    );
}

/// The timeline's rows: (event type, text), in page order.
pub async fn timeline(browser: &Browser) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    for item in browser.all("ol.timeline > li[data-event-type]").await {
        let kind = item
            .attr("data-event-type")
            .await
            .expect("attr")
            .unwrap_or_default();
        let text = item.text().await.unwrap_or_default();
        rows.push((kind, text));
    }
    rows
}

/// Opens a complaint in jingshan through the API as the hotline and dispatches it to `unit`
/// (`{"department": code}` or `{"street": code}`); returns its id.
pub async fn seeded_case(app: &shaobao_tests::app::TestApp, unit: serde_json::Value) -> String {
    let body = serde_json::json!({
        "channel": "hotline",
        "kind": "complaint",
        "category": "noise",
        "description": "楼下商铺夜间施工噪声扰民",
        "location": {"street": STREET, "address": "吉祥胡同 12 号"},
        "requester": {"name": "王小明", "phone": "13812341234"},
    });
    let token = &app.tokens.hotline;
    let opened = app.post("/api/v1/cases", token, &body).await;
    assert_eq!(opened.status, 201, "open: {opened}");
    let id = opened.body["case_id"]
        .as_str()
        .expect("case_id")
        .to_string();
    let path = format!("/api/v1/cases/{id}/dispatch");
    let dispatched = app
        .post(&path, token, &serde_json::json!({ "unit": unit }))
        .await;
    assert_eq!(dispatched.status, 200, "dispatch: {dispatched}");
    id
}

/// The value of the hidden input `name` in an HTML page (`name="…" value="…"`).
pub fn hidden_value(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let end = rest.find('>')?;
    let tag = &rest[..end];
    let value = tag.split("value=\"").nth(1)?;
    Some(value.split('"').next()?.to_string())
}
