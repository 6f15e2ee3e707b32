//! `/wall` on a 1920×1080 screen: every panel on screen with a size, no scrollbar, and the ticker
//! gains a line within 2 s of a command made through the API (the delay is printed); on a laptop's
//! 1366×768 the panels keep a readable size and the page scrolls.

use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use shaobao_tests::browser::{Browser, WAIT};
use shaobao_tests::month::scripted_month;
use shaobao_tests::script::{complaint, dispatch, hotline, to_department, ApiDesk, Desk};

use crate::stats::canvas_paint;
use crate::support::{Console, HOTLINE, PASSWORD};

const PANELS: [&str; 8] = [
    "kpis",
    "intake",
    "states",
    "rates",
    "map",
    "ranking",
    "categories",
    "ticker",
];
const TICKER_BUDGET: Duration = Duration::from_secs(2);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wall_fills_a_1920_by_1080_screen_and_ticks_within_2_s() {
    let Some(console) = Console::start().await else {
        return;
    };
    let app = &console.app;
    let mut desk = ApiDesk::new(app);
    // A month of figures, then a few open cases today.
    scripted_month(&mut desk).await;
    for (street, category) in [("jingshan", "noise"), ("donghuamen", "street_vending")] {
        let id = desk
            .open_case(complaint(street, category, "大屏测试诉求"))
            .await;
        let unit = to_department("urban_management");
        desk.act(&id, &hotline(), dispatch(unit)).await;
    }
    // The read models hold all of it before the screen opens (no stale notices on the ticker).
    let token = app.tokens.hotline.clone();
    let path = desk.after_last("/api/v1/stats?month=2026-03&group_by=street");
    let caught_up = app.get(&path, &token).await;
    assert_eq!(caught_up.status, 200, "{caught_up}");

    console.account(&HOTLINE).await;
    let wall = console.driver.open_sized(&app.url(""), 1920, 1080).await;
    wall.sign_in(HOTLINE.login, PASSWORD).await;
    wall.goto("/wall").await;
    let first = updated(&wall).await;
    fills_the_screen(&wall, "after the first paint").await;
    let painted = canvas_paint(&wall, "#map").await;
    eprintln!("wall map: {painted}");
    // The live stream's `open` asks for a refresh: a second update means the page is listening.
    let deadline = Instant::now() + Duration::from_secs(10);
    while updated(&wall).await == first {
        if Instant::now() > deadline {
            eprintln!("the wall did not refresh after its live stream opened; going on");
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let script = r#"
window.__ticks = [];
const list = document.querySelector('ol.ticker');
new MutationObserver(changes => {
  for (const change of changes) for (const node of change.addedNodes) {
    if (node.tagName !== 'LI') continue;
    const id = node.querySelector('.case');
    window.__ticks.push({ at: Date.now(), type: node.getAttribute('data-event-type'),
                          case: id ? id.textContent : '' });
  }
}).observe(list, { childList: true });
return list.querySelectorAll('li').length;
"#;
    let lines_before = wall
        .client
        .execute(script, vec![])
        .await
        .expect("watch the ticker");
    let lines_before = lines_before.as_u64().unwrap_or_default();

    let sent = epoch_ms();
    let id = desk
        .open_case(complaint("jingshan", "garbage_collection", "大屏实时测试"))
        .await;
    let opened = ticked(&wall, &id, "CaseOpened", sent).await;
    let sent = epoch_ms();
    let unit = to_department("city_admin");
    desk.act(&id, &hotline(), dispatch(unit)).await;
    let dispatched = ticked(&wall, &id, "CaseDispatched", sent).await;
    eprintln!(
        "wall ticker: a line {opened} ms after the open command was sent, {dispatched} ms after \
         the dispatch (budget {} ms)",
        TICKER_BUDGET.as_millis()
    );
    let lines = wall.all("ol.ticker > li[data-event-type]").await.len();
    assert!(lines as u64 >= lines_before + 2, "{lines} ticker lines");

    // The wall refreshes its figures from the live stream too: the open KPI is the API's count.
    let open_now = open_in_queues(&desk, app, &token).await.to_string();
    let deadline = Instant::now() + Duration::from_secs(8);
    loop {
        let shown = wall.text_of("#kpis .kpi .kpi-value").await;
        if shown.as_deref() == Some(open_now.as_str()) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the wall shows {shown:?} open cases, the API's queues {open_now}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    fills_the_screen(&wall, "after the ticker grew").await;
    let shot = wall.screenshot("i12-wall").await;
    let png = std::fs::read(&shot).expect("the screenshot");
    let size = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().expect("4 bytes"));
    assert_eq!(
        (size(16), size(20)),
        (1920, 1080),
        "the screenshot's size (PNG header)"
    );
    wall.close().await;

    // The same page on a laptop: the panels keep a readable size and the page scrolls.
    let laptop = console.driver.open_sized(&app.url(""), 1366, 768).await;
    laptop.sign_in(HOTLINE.login, PASSWORD).await;
    laptop.goto("/wall").await;
    updated(&laptop).await;
    readable_on_a_smaller_screen(&laptop).await;
    laptop.screenshot("i12-wall-laptop").await;
    laptop.close().await;
}

/// The body's `data-updated` (set after each refresh of `/wall/data`).
async fn updated(wall: &Browser) -> String {
    let body = wall.wait_for("body.wall[data-updated]", WAIT).await;
    body.attr("data-updated")
        .await
        .expect("attr")
        .unwrap_or_default()
}

/// Where each panel is, whether its contents overflow it, and the page's size.
async fn measure(wall: &Browser) -> Value {
    let script = r#"
const panels = {};
for (const id of arguments[0]) {
  const el = document.getElementById(id);
  if (!el) { panels[id] = null; continue; }
  const r = el.getBoundingClientRect(), style = getComputedStyle(el);
  panels[id] = { left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width,
                 height: r.height, shown: style.display !== 'none' && style.visibility !== 'hidden',
                 overflows: el.scrollHeight > el.clientHeight + 1 };
}
const root = document.documentElement;
return { panels, innerWidth, innerHeight, scrollWidth: root.scrollWidth,
         scrollHeight: root.scrollHeight };
"#;
    wall.client
        .execute(script, vec![json!(PANELS)])
        .await
        .expect("measure the wall")
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

/// Every panel is on screen with a size, and the page does not scroll either way.
async fn fills_the_screen(wall: &Browser, when: &str) {
    let page = measure(wall).await;
    let (width, height) = (number(&page["innerWidth"]), number(&page["innerHeight"]));
    assert_eq!((width, height), (1920.0, 1080.0), "{when}: viewport");
    let mut problems = Vec::new();
    for id in PANELS {
        let p = &page["panels"][id];
        if p.is_null() {
            problems.push(format!("no #{id}"));
            continue;
        }
        let on_screen = number(&p["left"]) >= 0.0
            && number(&p["top"]) >= 0.0
            && number(&p["right"]) <= width
            && number(&p["bottom"]) <= height;
        if !(p["shown"] == true && number(&p["width"]) > 0.0 && number(&p["height"]) > 0.0) {
            problems.push(format!("#{id} is not visible: {p}"));
        } else if !on_screen {
            problems.push(format!("#{id} reaches off the screen: {p}"));
        }
    }
    let (scroll_w, scroll_h) = (number(&page["scrollWidth"]), number(&page["scrollHeight"]));
    if scroll_h > height || scroll_w > width {
        problems.push(format!(
            "the page scrolls: {scroll_w}×{scroll_h} in {width}×{height}"
        ));
    }
    if !problems.is_empty() {
        wall.screenshot("i12-wall-problem").await;
        panic!("{when}: {}", problems.join("; "));
    }
}

/// On a screen smaller than the wall's: every panel at least `MIN_PANEL` tall (the figures row
/// excepted) and as wide as the page allows, nothing cut off inside the fixed panels (the
/// ticker drops its oldest lines by design), and the page scrolls down, never sideways.
async fn readable_on_a_smaller_screen(wall: &Browser) {
    const MIN_PANEL: f64 = 280.0;
    let page = measure(wall).await;
    let width = number(&page["innerWidth"]);
    let mut problems = Vec::new();
    for id in PANELS {
        let p = &page["panels"][id];
        let tall_enough = id == "kpis" || number(&p["height"]) >= MIN_PANEL;
        if p["shown"] != true || !tall_enough || number(&p["width"]) < 200.0 {
            problems.push(format!("#{id} is too small: {p}"));
        }
        if !matches!(id, "ticker" | "map") && p["overflows"] == true {
            problems.push(format!("#{id} cuts off its contents: {p}"));
        }
    }
    if number(&page["scrollWidth"]) > width {
        problems.push(format!("the page scrolls sideways: {page}"));
    }
    if number(&page["scrollHeight"]) <= number(&page["innerHeight"]) {
        problems.push(format!("the panels were squeezed into the screen: {page}"));
    }
    if !problems.is_empty() {
        wall.screenshot("i12-wall-small-problem").await;
        panic!("{}", problems.join("; "));
    }
}

/// Waits for the ticker line of `event_type` for case `id`; its delay after `sent` in ms.
async fn ticked(wall: &Browser, id: &str, event_type: &str, sent: u64) -> u64 {
    let short: String = id.chars().take(8).collect();
    let deadline = Instant::now() + TICKER_BUDGET + Duration::from_secs(3);
    let tick = loop {
        let ticks = wall
            .client
            .execute("return window.__ticks;", vec![])
            .await
            .expect("read the ticks");
        let seen = ticks.as_array().cloned().unwrap_or_default();
        let mine = seen
            .iter()
            .find(|t| t["case"] == short.as_str() && t["type"] == event_type);
        if let Some(tick) = mine {
            break tick.clone();
        }
        if Instant::now() > deadline {
            wall.screenshot("i12-wall-no-tick").await;
            panic!("no {event_type} line for {short} on the ticker; lines seen: {seen:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let delay = tick["at"].as_u64().unwrap_or(u64::MAX).saturating_sub(sent);
    assert!(
        u128::from(delay) <= TICKER_BUDGET.as_millis(),
        "the {event_type} line came {delay} ms after the command"
    );
    delay
}

/// Open cases in all the API's street queues.
async fn open_in_queues(
    desk: &ApiDesk<'_>,
    app: &shaobao_tests::app::TestApp,
    token: &str,
) -> usize {
    let mut ids = BTreeSet::new();
    for street in &app.state.org.streets {
        let path = desk.after_last(&format!("/api/v1/streets/{}/queue?limit=500", street.code));
        let answer = app.get(&path, token).await;
        assert_eq!(answer.status, 200, "{path}: {answer}");
        for item in answer.body["items"].as_array().expect("items") {
            ids.insert(item["case_id"].as_str().unwrap_or_default().to_string());
        }
    }
    ids.len()
}

fn epoch_ms() -> u64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock");
    u64::try_from(now.as_millis()).expect("ms")
}
