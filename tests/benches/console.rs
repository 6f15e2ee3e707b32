//! Console page latency on a busy district, beside the JSON API answering the same question, and
//! how soon a command shows on an open page's live stream:
//! `cargo bench -p shaobao-tests --bench console [-- [sqlite|postgres] [REQUESTS] [CASES] [EVENTS]]`
//! (default SQLite, 200 requests per route, 100,000 open cases of which a tenth are in one
//! street and a fifth of one category, plus one case with 200 events, plus closed cases over the
//! twelve months before until the log holds 1,000,000 events).
//!
//! Issue 12's screens are timed too: `/stats` for the last full month, `/wall/data` and
//! `/map/data` (one category: a fifth of the open cases, 20,000 by default; and the whole
//! district), signed in as the hotline, each beside a JSON read of the API. No seeded case carries
//! a point of its own: the map places every one near its street's centre.
//!
//! The store is seeded straight into the event table (valid, hash-chained case streams; the
//! command path would take far too long), then the real server starts, builds its read models and
//! serves. Timings are loopback round trips of a keep-alive client, taken alternately for a page
//! and its JSON baseline so both see the same disk, caches and machine load.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use cqrs_es::Aggregate;
use serde_json::{json, Value};
use shaobao_api::{ServeConfig, Server};
use shaobao_domain::case::{
    CaseCommand, CaseKind, Channel, ContactChannel, Dispatcher, Location, OpenCase, Requester,
    Satisfaction, Unit,
};
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::Urgency;
use shaobao_domain::{Actor, Case, CaseAction, CaseEvent, Role};
use shaobao_services::accounts::{Accounts, NewUser};
use shaobao_services::clock::ManualClock;
use shaobao_services::org_file::load_org;
use shaobao_services::store::chain::{hash, Link, GENESIS};
use shaobao_services::store::Store;
use shaobao_tests::app::dispatcher;
use shaobao_tests::databases::{Backend, TestStore};
use shaobao_tests::script::{accept, close, contact, dispatch, reached, resolve, to_department};
use tokio::sync::oneshot;

const STREET: &str = "jingshan";
const OTHER_STREETS: [&str; 4] = ["donghuamen", "jiaodaokou", "andingmen", "qianmen"];
const COMMUNITIES: [&str; 3] = [
    "jingshan-jixiang",
    "jingshan-huanghuamen",
    "jingshan-zhonggu",
];
const CATEGORIES: [(&str, &str); 4] = [
    ("noise", "eco_env"),
    ("street_vending", "urban_management"),
    ("house_leak", "housing"),
    ("garbage_collection", "city_admin"),
];
const URGENCIES: [Urgency; 4] = [
    Urgency::Ordinary,
    Urgency::Utility,
    Urgency::Complex,
    Urgency::Emergency,
];
/// Every fifth open case is of this category (the map's 20,000 of 100,000).
const MAP_CATEGORY: (&str, &str) = ("road_damage", "city_admin");
/// The month `/stats` is timed for: a month of the closed history only (a twelfth of it).
const STATS_MONTH: &str = "2026-01";
/// The month the open cases were opened in (most of them, within 16 hours): the heaviest.
const BUSY_MONTH: &str = "2026-02";
/// Events of each closed case of the history.
const CLOSED_CASE_EVENTS: u64 = 8;
const BIG_CASE_EVENTS: usize = 200;
/// How long one route and its baseline are timed at most (slow routes get fewer samples)…
const BUDGET: Duration = Duration::from_secs(60);
/// …but never fewer than this many samples.
const MIN_SAMPLES: usize = 10;
/// Commands whose visibility on the live stream is timed.
const LIVE_SAMPLES: usize = 50;
const PASSWORD: &str = "bench-password-42";

/// The server's (manual) clock: every seeded deadline lies weeks after it, so the deadline
/// service stays quiet during the measurement.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

#[tokio::main]
async fn main() {
    let args = shaobao_tests::bench_args();
    let backend = match args.first().map(String::as_str) {
        Some("postgres") => Backend::Postgres,
        _ => Backend::Sqlite,
    };
    let requests: usize = args.get(1).map_or(200, |a| a.parse().expect("REQUESTS"));
    let district: u64 = args.get(2).map_or(100_000, |a| a.parse().expect("CASES"));
    let log_size: u64 = args
        .get(3)
        .map_or(1_000_000, |a| a.parse().expect("EVENTS"));
    let in_street = district / 10;

    let store = TestStore::fresh(backend).await.expect("a store");
    let started = Instant::now();
    let (events, big_case, closed) = seed(&store.store, district, in_street, log_size).await;
    eprintln!(
        "seeded {district} open cases ({in_street} in {STREET}), {closed} closed cases over \
         twelve months and one case of {BIG_CASE_EVENTS} events: {events} events in {:.1?} \
         ({backend:?})",
        started.elapsed()
    );

    let started = Instant::now();
    let config = ServeConfig {
        database_url: store.url.clone(),
        bind: "127.0.0.1:0".parse().unwrap(),
        ..ServeConfig::default()
    };
    let clock = Arc::new(ManualClock::new(now()));
    let server = Server::start_with_clock(&config, clock)
        .await
        .expect("server starts");
    let base = format!("http://{}", server.local_addr());
    let state = server.state().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let served = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        server.run(shutdown).await.expect("server runs");
    });
    eprintln!("read models built, serving in {:.1?}", started.elapsed());

    let accounts = Accounts::new(state.store.clone(), state.org.clone());
    let person = NewUser {
        login: "bench.dispatch".into(),
        display_name: "王调度".into(),
        role: dispatcher(STREET),
    };
    accounts
        .create(person, PASSWORD, now())
        .await
        .expect("user");
    let hotline = NewUser {
        login: "bench.hotline".into(),
        display_name: "孙接线".into(),
        role: Role::Hotline,
    };
    accounts
        .create(hotline, PASSWORD, now())
        .await
        .expect("user");
    let token = state
        .tokens
        .create(dispatcher(STREET), &state.org, Utc::now())
        .await
        .expect("token")
        .token;
    let hotline_token = state
        .tokens
        .create(Role::Hotline, &state.org, Utc::now())
        .await
        .expect("token")
        .token;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let cookie = sign_in(&client, &base, "bench.dispatch").await;
    let page = |path: String| Get {
        path,
        auth: Auth::Cookie(cookie.clone()),
    };
    let api = |path: String| Get {
        path,
        auth: Auth::Bearer(token.clone()),
    };

    // Settled read models: the queue shows the street's cases before anything is timed.
    let first = get(&client, &base, &page(format!("/queue/{STREET}"))).await;
    let rows = first.matches("data-case-id=").count();
    assert!(rows >= 50, "the queue page shows {rows} rows, not 50");
    let json_queue = get(&client, &base, &api(queue_api())).await;
    let items: Value = serde_json::from_str(&json_queue).expect("queue JSON");
    assert_eq!(items["items"].as_array().map(Vec::len), Some(50));

    println!(
        "console bench ({backend:?}): {district} open cases, {in_street} in {STREET}; \
         {requests} requests per route, alternating; loopback round trips in ms"
    );
    println!("{:<44} {:>8} {:>8} {:>8}", "", "p50", "p95", "max");
    println!("queue: GET /queue/{STREET} against GET {}", queue_api());
    println!("case: GET /cases/{{id}} against GET /api/v1/cases/{{id}}/events ({big_case})");
    let pairs = [
        (
            page(format!("/queue/{STREET}")),
            api(queue_api()),
            "queue, first 50",
        ),
        (
            page(format!("/cases/{big_case}")),
            api(format!("/api/v1/cases/{big_case}/events")),
            "case of 200 events",
        ),
    ];
    for (console, baseline, what) in &pairs {
        compare(&client, &base, console, baseline, what, requests).await;
    }

    let hotline_cookie = sign_in(&client, &base, "bench.hotline").await;
    let district_screens = Screens {
        client: &client,
        base: &base,
        cookie: &hotline_cookie,
        token: &hotline_token,
        requests,
        district,
        events,
    };
    district_screens.measure().await;

    live_delay(&client, &base, &cookie, &token).await;
    println!(
        "load average after the run: {:?}",
        shaobao_sim::rebuild_bench::load_average()
    );

    let _ = stop.send(());
    served.await.expect("server task");
}

/// Issue 12's screens, signed in as the hotline (the whole district).
struct Screens<'a> {
    client: &'a reqwest::Client,
    base: &'a str,
    cookie: &'a str,
    token: &'a str,
    requests: usize,
    district: u64,
    events: u64,
}

impl Screens<'_> {
    async fn measure(&self) {
        let (client, base) = (self.client, self.base);
        let page = |path: &str| Get {
            path: path.to_string(),
            auth: Auth::Cookie(self.cookie.to_string()),
        };
        let api = |path: &str| Get {
            path: path.to_string(),
            auth: Auth::Bearer(self.token.to_string()),
        };
        // What the map and the wall draw, checked before anything is timed.
        let category = MAP_CATEGORY.0;
        let filtered = format!("/map/data?category={category}");
        let one_category = get(client, base, &page(&filtered)).await;
        assert_eq!(
            points(&one_category),
            self.district.div_ceil(5),
            "{filtered}"
        );
        let everything = get(client, base, &page("/map/data")).await;
        // The open cases and the long-running one.
        assert_eq!(points(&everything), self.district + 1, "/map/data");
        let wall = get(client, base, &page("/wall/data")).await;
        let open = serde_json::from_str::<Value>(&wall).expect("wall")["open"]["open"].as_u64();
        assert_eq!(open, Some(self.district + 1), "/wall/data");

        println!(
            "issue 12 screens: {} events in the log, {} open cases; signed in as the hotline",
            self.events,
            self.district + 1
        );
        let mut pairs = Vec::new();
        for month in [STATS_MONTH, BUSY_MONTH] {
            let stats = format!("/stats?month={month}");
            assert!(
                get(client, base, &page(&stats))
                    .await
                    .contains("data-chart=\"trend\""),
                "{stats} has no trend chart"
            );
            let stats_api = format!("/api/v1/stats?month={month}&group_by=street");
            let rows: Value = serde_json::from_str(&get(client, base, &api(&stats_api)).await)
                .expect("stats JSON");
            let cases: u64 = rows["items"]
                .as_array()
                .map_or(0, |r| r.iter().filter_map(|r| r["cases"].as_u64()).sum());
            println!(
                "stats, {month}: GET {stats} (table, rankings, 12-month trend; {cases} cases \
                 in the month) against GET {stats_api}"
            );
            pairs.push((page(&stats), api(&stats_api), format!("stats for {month}")));
        }
        let rankings_api = "/api/v1/rankings?unit=street&month=2026-03";
        println!(
            "wall: GET /wall/data ({} bytes) against GET {rankings_api}",
            wall.len()
        );
        pairs.push((page("/wall/data"), api(rankings_api), "wall data".into()));
        let queue_api = format!("/api/v1/streets/{STREET}/queue?limit=500");
        for (path, body) in [
            (filtered.as_str(), &one_category),
            ("/map/data", &everything),
        ] {
            println!(
                "map: GET {path} ({} points, {} heat, {} bytes) against GET {queue_api}",
                points(body),
                heat(body),
                body.len()
            );
            let what = format!("map data, {} points", points(body));
            pairs.push((page(path), api(&queue_api), what));
        }
        for (screen, baseline, what) in &pairs {
            compare(client, base, screen, baseline, what, self.requests).await;
        }
    }
}

/// The number of heat entries in a `/map/data` answer.
fn heat(body: &str) -> u64 {
    let data: Value = serde_json::from_str(body).expect("map JSON");
    data["heat"].as_array().map_or(0, |p| p.len() as u64)
}

/// The number of points in a `/map/data` answer.
fn points(body: &str) -> u64 {
    let data: Value = serde_json::from_str(body).expect("map JSON");
    data["points"].as_array().map_or(0, |p| p.len() as u64)
}

/// Times up to `samples` requests of a console route and of its JSON baseline, alternately, after
/// a warm-up (ten of each, two for a slow route), stopping early after [`BUDGET`] with at least
/// [`MIN_SAMPLES`]; prints p50, p95 and max of both and their ratio at p50.
async fn compare(
    client: &reqwest::Client,
    base: &str,
    console: &Get,
    baseline: &Get,
    what: &str,
    samples: usize,
) {
    let first = timed(client, base, console).await;
    get(client, base, baseline).await;
    let warm_up = if first < 100.0 { 9 } else { 1 };
    for _ in 0..warm_up {
        get(client, base, console).await;
        get(client, base, baseline).await;
    }
    let started = Instant::now();
    let (mut console_ms, mut baseline_ms) = (Vec::new(), Vec::new());
    while console_ms.len() < samples
        && (console_ms.len() < MIN_SAMPLES || started.elapsed() < BUDGET)
    {
        console_ms.push(timed(client, base, console).await);
        baseline_ms.push(timed(client, base, baseline).await);
    }
    report(&format!("{what}: page"), &mut console_ms);
    report(&format!("{what}: JSON baseline"), &mut baseline_ms);
    println!(
        "  ratio page/baseline at p50: {:.2} ({} samples each)",
        percentile(&console_ms, 0.5) / percentile(&baseline_ms, 0.5),
        console_ms.len()
    );
}

fn queue_api() -> String {
    format!("/api/v1/streets/{STREET}/queue?limit=50")
}

/// A command per sample (a new case in the street, through the API), timed from sending it until
/// the open page's `/live` stream announces it; the command's own round trip is the baseline.
async fn live_delay(client: &reqwest::Client, base: &str, cookie: &str, token: &str) {
    let mut stream = client
        .get(format!("{base}/live"))
        .header("cookie", cookie)
        .header("accept", "text/event-stream")
        .send()
        .await
        .expect("GET /live");
    assert_eq!(stream.status(), 200, "the live stream");
    let mut buffer = String::new();
    let (mut command_ms, mut visible_ms) = (Vec::new(), Vec::new());
    for n in 0..LIVE_SAMPLES {
        let body = json!({
            "channel": "hotline",
            "kind": "complaint",
            "category": "noise",
            "description": format!("实时延迟样本 {n}"),
            "location": {"street": STREET, "community": COMMUNITIES[n % 3]},
            "requester": {"name": "李四", "phone": "13900001111"},
        });
        let started = Instant::now();
        let opened = client
            .post(format!("{base}/api/v1/cases"))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .expect("POST /api/v1/cases");
        assert_eq!(opened.status(), 201);
        let answer: Value = opened.json().await.expect("JSON");
        command_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        let id = answer["case_id"].as_str().expect("case_id").to_string();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(at) = buffer.find(&id) {
                // Everything up to the end of that event has been seen.
                let end = buffer[at..].find("\n\n").map_or(buffer.len(), |e| at + e);
                buffer.drain(..end);
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, stream.chunk()).await {
                Ok(Ok(Some(chunk))) => buffer.push_str(&String::from_utf8_lossy(&chunk)),
                Ok(Ok(None)) => panic!("the live stream ended"),
                Ok(Err(err)) => panic!("the live stream failed: {err}"),
                Err(_) => panic!("case {id} never appeared on the live stream"),
            }
        }
        visible_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        // Apart, so each sample is its own `change` (the stream coalesces 150 ms).
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    report("command alone (POST /api/v1/cases)", &mut command_ms);
    report("command until its `change` on /live", &mut visible_ms);
}

fn report(what: &str, samples: &mut [f64]) {
    samples.sort_by(f64::total_cmp);
    println!(
        "{what:<44} {:>8.2} {:>8.2} {:>8.2}",
        percentile(samples, 0.5),
        percentile(samples, 0.95),
        samples.last().copied().unwrap_or_default()
    );
}

/// Of sorted samples.
fn percentile(sorted: &[f64], q: f64) -> f64 {
    let mut sorted = sorted.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted.get(at).copied().unwrap_or_default()
}

enum Auth {
    Cookie(String),
    Bearer(String),
}

struct Get {
    path: String,
    auth: Auth,
}

async fn get(client: &reqwest::Client, base: &str, request: &Get) -> String {
    let mut builder = client.get(format!("{base}{}", request.path));
    builder = match &request.auth {
        Auth::Cookie(cookie) => builder.header("cookie", cookie),
        Auth::Bearer(token) => builder.bearer_auth(token),
    };
    let response = builder.send().await.expect("GET");
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, 200, "GET {}: {body:.300}", request.path);
    body
}

async fn timed(client: &reqwest::Client, base: &str, request: &Get) -> f64 {
    let started = Instant::now();
    get(client, base, request).await;
    started.elapsed().as_secs_f64() * 1000.0
}

/// Signs in through the login form (its double-submit cookie and token); returns the `Cookie`
/// header of the session.
async fn sign_in(client: &reqwest::Client, base: &str, login: &str) -> String {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .expect("GET /login");
    let cookies: Vec<String> = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .collect();
    let html = page.text().await.expect("login page");
    let at = html.find("name=\"csrf_token\"").expect("csrf_token");
    let token = html[at..]
        .split("value=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .expect("csrf_token value")
        .to_string();
    let signed_in = client
        .post(format!("{base}/login"))
        .header("cookie", cookies.join("; "))
        .form(&[
            ("csrf_token", token.as_str()),
            ("login", login),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("POST /login");
    assert_eq!(signed_in.status(), 303, "sign-in");
    signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sb_session="))
        .and_then(|v| v.split(';').next())
        .expect("sb_session")
        .to_string()
}

/// One stored event row: aggregate id, sequence, type, payload, metadata.
type EventRow = (String, i64, String, String, String);

/// Writes `district` open cases (`in_street` of them in [`STREET`]), one case of
/// [`BIG_CASE_EVENTS`] events, then closed cases spread over the twelve months before [`now`]
/// until the log holds about `log_size` events; returns the number of events, the big case's id
/// and the number of closed cases.
async fn seed(store: &Store, district: u64, in_street: u64, log_size: u64) -> (u64, String, u64) {
    let mut written = 0u64;
    let mut batch: Vec<EventRow> = Vec::new();
    for n in 0..district {
        batch.extend(stream_rows(&case_id(n), &open_case(n, in_street), n));
        if batch.len() >= 5_000 {
            written += batch.len() as u64;
            insert(store, std::mem::take(&mut batch)).await;
        }
    }
    let big = case_id(u64::MAX);
    batch.extend(stream_rows(&big, &big_case(), u64::MAX));
    written += batch.len() as u64;
    insert(store, std::mem::take(&mut batch)).await;

    let org = load_org(None, 1.0).expect("the sample district");
    let closed = log_size.saturating_sub(written) / CLOSED_CASE_EVENTS;
    // Opened from 1 March 2025 to 25 February 2026 (Beijing), evenly.
    let first = Utc.with_ymd_and_hms(2025, 2, 28, 16, 0, 0).unwrap();
    let span = Utc.with_ymd_and_hms(2026, 2, 25, 0, 0, 0).unwrap() - first;
    for i in 0..closed {
        let at = first + TimeDelta::seconds(span.num_seconds() * i as i64 / closed as i64);
        let n = district + i;
        let events = closed_case(&org, n, at);
        assert_eq!(events.len() as u64, CLOSED_CASE_EVENTS, "{events:?}");
        batch.extend(stream_rows(&case_id(n), &events, n));
        if batch.len() >= 5_000 {
            written += batch.len() as u64;
            insert(store, std::mem::take(&mut batch)).await;
        }
    }
    written += batch.len() as u64;
    insert(store, batch).await;
    (written, big, closed)
}

/// A case opened at `at` and carried to its close by the domain itself (its decisions, deadlines
/// and on-time marks): dispatched, signed, the requester contacted (a day late for every seventh),
/// resolved two days on, accepted, called back (resolved but for every fifth; satisfied, basically
/// satisfied or dissatisfied in turn) and closed.
fn closed_case(org: &Organisation, n: u64, at: DateTime<Utc>) -> Vec<CaseEvent> {
    let (category, department) = CATEGORIES[(n % 4) as usize];
    let streets = [
        STREET,
        OTHER_STREETS[0],
        OTHER_STREETS[1],
        OTHER_STREETS[2],
        OTHER_STREETS[3],
    ];
    let street = streets[(n % 5) as usize];
    let hotline = Actor::hotline("bench");
    let unit = Actor::department(department, "bench");
    let satisfaction = [
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Dissatisfied,
    ][(n % 3) as usize];
    let contact_after = if n.is_multiple_of(7) { 30 * 60 } else { 60 };
    let open = OpenCase {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind: CaseKind::Complaint,
        category: category.into(),
        urgency: None,
        description: format!("历史诉求 {n}：{category}"),
        location: Location::street(street),
        requester: Some(Requester {
            name: "王小明".into(),
            phone: "13812341234".into(),
        }),
        source: None,
    };
    let steps = [
        (&hotline, 0, CaseAction::Open(open)),
        (&hotline, 5, dispatch(to_department(department))),
        (&unit, 20, CaseAction::Sign),
        (&unit, contact_after, contact()),
        (&unit, 2 * 24 * 60, resolve()),
        (&hotline, 2 * 24 * 60 + 60, accept()),
        (
            &hotline,
            2 * 24 * 60 + 120,
            reached(!n.is_multiple_of(5), satisfaction),
        ),
        (&hotline, 2 * 24 * 60 + 180, close()),
    ];
    let mut case = Case::default();
    let mut events = Vec::new();
    for (actor, minutes, action) in steps {
        let name = action.name();
        let command = CaseCommand::new(actor.clone(), at + TimeDelta::minutes(minutes), action);
        let decided = case
            .decide(command, org)
            .unwrap_or_else(|err| panic!("history case {n}: {name} refused: {err}"));
        for event in decided {
            case.apply(event.clone());
            events.push(event);
        }
    }
    events
}

fn case_id(n: u64) -> String {
    uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_OID,
        format!("console-bench-{n}").as_bytes(),
    )
    .to_string()
}

/// An open case: dispatched to the category's department, then (by `n`) signed and contacted.
fn open_case(n: u64, in_street: u64) -> Vec<CaseEvent> {
    let at = Utc.with_ymd_and_hms(2026, 2, 28, 0, 0, 0).unwrap() + TimeDelta::seconds(n as i64);
    let (category, department) = if n.is_multiple_of(5) {
        MAP_CATEGORY
    } else {
        CATEGORIES[(n % 4) as usize]
    };
    let street = if n < in_street {
        STREET
    } else {
        OTHER_STREETS[(n % 4) as usize]
    };
    let mut location = Location::street(street);
    if street == STREET {
        location.community = Some(COMMUNITIES[(n % 3) as usize].into());
        location.address = Some(format!("景山前街{}号", n % 200 + 1));
    }
    let mut events = vec![
        CaseEvent::CaseOpened {
            related_cases: vec![],
            channel: Channel::Hotline,
            kind: CaseKind::Complaint,
            category: category.into(),
            urgency: URGENCIES[(n % 4) as usize],
            description: format!("压测诉求 {n}：{category}"),
            location,
            requester: Some(Requester {
                name: "王小明".into(),
                phone: "13812341234".into(),
            }),
            source: None,
            at,
        },
        dispatched(Unit::Department(department.into()), at),
    ];
    if n % 3 >= 1 {
        events.push(CaseEvent::CaseSigned {
            at: at + TimeDelta::minutes(10),
            on_time: true,
        });
    }
    if n % 3 == 2 {
        events.push(CaseEvent::RequesterContacted {
            channel: ContactChannel::Phone,
            note: None,
            at: at + TimeDelta::minutes(30),
            on_time: true,
        });
    }
    events
}

/// Deadlines weeks after [`now`]: nothing breaches or approaches while the bench runs.
fn dispatched(unit: Unit, at: DateTime<Utc>) -> CaseEvent {
    CaseEvent::CaseDispatched {
        unit,
        co_units: vec![],
        dispatched_by: Dispatcher::Hotline,
        at: at + TimeDelta::minutes(1),
        sign_by: at + TimeDelta::days(40),
        contact_by: at + TimeDelta::days(41),
        resolve_by: at + TimeDelta::days(60),
        return_until: at + TimeDelta::days(42),
        ladders: vec![],
    }
}

/// A case handled by the street itself with a long history of progress notes.
fn big_case() -> Vec<CaseEvent> {
    let at = Utc.with_ymd_and_hms(2026, 2, 27, 0, 0, 0).unwrap();
    let mut location = Location::street(STREET);
    location.community = Some(COMMUNITIES[0].into());
    location.address = Some("吉祥胡同 12 号".into());
    let mut events = vec![
        CaseEvent::CaseOpened {
            related_cases: vec![],
            channel: Channel::Hotline,
            kind: CaseKind::Complaint,
            category: "noise".into(),
            urgency: Urgency::Ordinary,
            description: "长期噪声扰民，反复处置".into(),
            location,
            requester: Some(Requester {
                name: "王小明".into(),
                phone: "13812341234".into(),
            }),
            source: None,
            at,
        },
        dispatched(Unit::Street(STREET.into()), at),
        CaseEvent::CaseSigned {
            at: at + TimeDelta::minutes(5),
            on_time: true,
        },
    ];
    for i in events.len()..BIG_CASE_EVENTS {
        events.push(CaseEvent::ProgressRecorded {
            note: format!("第 {i} 次回访现场，噪声仍在，已与商户沟通并记录"),
            evidence: vec![format!("photo-{i}.jpg")],
            at: at + TimeDelta::minutes(10 + i as i64),
        });
    }
    events
}

/// The rows of one case stream, hash-chained, acted on by a street dispatcher.
fn stream_rows(id: &str, events: &[CaseEvent], n: u64) -> Vec<EventRow> {
    let actor =
        json!({"role": "dispatcher", "street": STREET, "id": "user:bench", "name": "王调度"})
            .to_string();
    let mut previous = GENESIS.to_string();
    events
        .iter()
        .enumerate()
        .map(|(i, event)| {
            let sequence = i as i64 + 1;
            let event_type = event.name().to_string();
            let payload = serde_json::to_value(event).expect("events serialize");
            let mut metadata = json!({
                "command_id": format!("bench:{id}:{sequence}"),
                "correlation_id": format!("bench-{n}"),
                "actor": actor,
                "time": event.at().to_rfc3339(),
                "request_hash": "bench",
            });
            let link = Link {
                aggregate_type: "case",
                aggregate_id: id,
                sequence,
                event_type: &event_type,
                event_version: "1",
                payload: &payload,
                metadata: &metadata,
            };
            previous = hash(&previous, &link);
            metadata["hash"] = Value::String(previous.clone());
            (
                id.to_string(),
                sequence,
                event_type,
                payload.to_string(),
                metadata.to_string(),
            )
        })
        .collect()
}

async fn insert(store: &Store, rows: Vec<EventRow>) {
    const COLUMNS: &str =
        "aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata";
    match store {
        Store::Postgres(pool) => {
            let (mut ids, mut sequences, mut types) = (Vec::new(), Vec::new(), Vec::new());
            let (mut payloads, mut metadata) = (Vec::new(), Vec::new());
            for (id, sequence, event_type, payload, meta) in rows {
                ids.push(id);
                sequences.push(sequence);
                types.push(event_type);
                payloads.push(payload);
                metadata.push(meta);
            }
            let sql = format!(
                "INSERT INTO events ({COLUMNS}) SELECT 'case', id, seq, ty, '1', p::json, m::json \
                 FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) \
                 AS r(id, seq, ty, p, m)"
            );
            sqlx::query(&sql)
                .bind(ids)
                .bind(sequences)
                .bind(types)
                .bind(payloads)
                .bind(metadata)
                .execute(pool)
                .await
                .expect("insert events");
        }
        Store::Sqlite(pool) => {
            let mut tx = pool.begin().await.expect("begin");
            for chunk in rows.chunks(1_000) {
                let values = vec!["('case', ?, ?, ?, '1', ?, ?)"; chunk.len()].join(", ");
                let sql = format!("INSERT INTO events ({COLUMNS}) VALUES {values}");
                let mut query = sqlx::query(&sql);
                for (id, sequence, event_type, payload, metadata) in chunk {
                    query = query
                        .bind(id)
                        .bind(sequence)
                        .bind(event_type)
                        .bind(payload)
                        .bind(metadata);
                }
                query.execute(&mut *tx).await.expect("insert events");
            }
            tx.commit().await.expect("commit");
        }
    }
}
