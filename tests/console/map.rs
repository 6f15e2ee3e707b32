//! `/map`: one point per open case of a seeded district — cases reported with a point at that
//! point, the others near their street's centre — and the same cases the API's street queues list.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use shaobao_domain::case::{CaseKind, Channel, Location, Note, OpenCase};
use shaobao_domain::CaseAction;
use shaobao_tests::browser::{Browser, WAIT};
use shaobao_tests::script::{dispatch, hotline, to_department, ApiDesk, Desk};

use crate::stats::canvas_paint;
use crate::support::{Console, HOTLINE};

/// A reported point: (lat, lon).
type Point = Option<(f64, f64)>;

/// (street, category, point, dispatched): the open cases seeded.
const OPEN: [(&str, &str, Point, bool); 7] = [
    ("jingshan", "noise", Some((39.9300, 116.3980)), true),
    ("jingshan", "noise", Some((39.9260, 116.4030)), false),
    ("jingshan", "street_vending", None, true),
    ("jingshan", "house_leak", None, false),
    ("donghuamen", "noise", Some((39.9180, 116.4100)), true),
    ("donghuamen", "street_vending", None, false),
    ("qianmen", "garbage_collection", None, false),
];

fn case(street: &str, category: &str, point: Point, kind: CaseKind) -> OpenCase {
    let mut location = Location::street(street);
    location.lat = point.map(|p| p.0);
    location.lon = point.map(|p| p.1);
    OpenCase {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind,
        category: category.into(),
        urgency: None,
        description: format!("地图测试：{street} {category}"),
        location,
        requester: None,
        source: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_map_shows_one_point_per_open_case() {
    let Some(console) = Console::start().await else {
        return;
    };
    let app = &console.app;
    let mut desk = ApiDesk::new(app);
    // case id → its point, if reported with one.
    let mut open: BTreeMap<String, Point> = BTreeMap::new();
    let mut noise = BTreeSet::new();
    for (street, category, point, dispatched) in OPEN {
        let id = desk
            .open_case(case(street, category, point, CaseKind::Complaint))
            .await;
        if dispatched {
            let unit = to_department("urban_management");
            desk.act(&id, &hotline(), dispatch(unit)).await;
        }
        if category == "noise" {
            noise.insert(id.clone());
        }
        open.insert(id, point);
    }
    // Answered at intake: final, not open, not on the map.
    let point = Some((39.9290, 116.4000));
    let answered = desk
        .open_case(case("jingshan", "noise", point, CaseKind::Consultation))
        .await;
    let note = Note {
        note: Some("已当场答复".into()),
    };
    desk.act(&answered, &hotline(), CaseAction::Answer(note))
        .await;

    // The API's street queues: every open case, once.
    let token = app.tokens.hotline.clone();
    let mut queued = BTreeSet::new();
    for street in app.state.org.streets.iter().map(|s| s.code.clone()) {
        let path = desk.after_last(&format!("/api/v1/streets/{street}/queue?limit=500"));
        let answer = app.get(&path, &token).await;
        assert_eq!(answer.status, 200, "{path}: {answer}");
        for item in answer.body["items"].as_array().expect("items") {
            queued.insert(item["case_id"].as_str().expect("case_id").to_string());
        }
    }
    let ids: BTreeSet<String> = open.keys().cloned().collect();
    assert_eq!(queued, ids, "the API's queues list the open cases");

    let (browser, _) = console.signed_in(&HOTLINE).await;
    let points = points_shown(&browser, "/map").await;
    assert_eq!(
        points,
        open.len(),
        "data-points against the open cases seeded"
    );
    assert_eq!(points, queued.len(), "data-points against the API's queues");
    let painted = canvas_paint(&browser, "#district-map").await;
    eprintln!("map: {points} points; {painted}");
    browser.screenshot("i12-map").await;

    // What the map drew: each open case once, at its own point when it has one.
    let data = browser.fetch("GET", "/map/data", None).await;
    assert_eq!(data.status, 200, "{data:?}");
    let data: Value = serde_json::from_str(&data.body).expect("map JSON");
    let mut drawn = BTreeSet::new();
    for p in data["points"].as_array().expect("points") {
        let id = p["case_id"].as_str().expect("case_id").to_string();
        let seeded = open
            .get(&id)
            .unwrap_or_else(|| panic!("{id} on the map is not an open case: {p}"));
        match seeded {
            Some((lat, lon)) => {
                let near =
                    |got: &Value, want: f64| got.as_f64().is_some_and(|g| (g - want).abs() < 1e-6);
                assert!(near(&p["lat"], *lat) && near(&p["lon"], *lon), "{p}");
                assert_eq!(p["approximate"], false, "{p}");
            }
            None => assert_eq!(p["approximate"], true, "{p}"),
        }
        assert!(drawn.insert(id), "drawn twice: {p}");
    }
    assert_eq!(drawn, ids);

    // The category filter: the noise complaints only (the answered one is not open).
    let filtered = points_shown(&browser, "/map?category=noise").await;
    assert_eq!(filtered, noise.len(), "open noise complaints on the map");
    browser.close().await;
}

/// Opens `path` and waits until the map has drawn; its `data-points`.
async fn points_shown(browser: &Browser, path: &str) -> usize {
    browser.goto(path).await;
    let map = browser
        .wait_for(
            "#district-map[data-chart=\"map\"][data-ready=\"true\"]",
            WAIT,
        )
        .await;
    let points = map.attr("data-points").await.expect("attr");
    let points = points.unwrap_or_else(|| panic!("{path}: the map has no data-points"));
    points
        .parse()
        .unwrap_or_else(|_| panic!("{path}: data-points={points:?}"))
}
