//! `/stats` on the hand-computed month of `shaobao_tests::month`, played through the HTTP API: the
//! table shows the API's figures (and the hand-computed ones for jingshan), the rankings the API's
//! ranks, the trend chart has drawn, and the CSV download carries the API's numbers exactly.

use serde_json::{json, Value};
use shaobao_tests::browser::{Browser, WAIT};
use shaobao_tests::month::scripted_month;
use shaobao_tests::script::ApiDesk;

use crate::support::{Console, HOTLINE};

const MONTH: &str = "2026-03";
const GROUPINGS: [&str; 3] = ["street", "department", "category"];

/// The columns DESIGN §4 asks of every grouping, and of departments only.
const COLUMNS: [&str; 13] = [
    "cases",
    "dispatched",
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "composite_score",
    "on_time_sign_rate",
    "on_time_resolution_rate",
    "return_rate",
    "reopen_rate",
    "whistle_rate",
    "median_resolve_seconds",
    "p90_resolve_seconds",
];
const DEPARTMENT_COLUMNS: [&str; 2] = ["on_time_report_in_rate", "mean_rating"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_statistics_page_shows_the_apis_figures_for_a_hand_computed_month() {
    let Some(console) = Console::start().await else {
        return;
    };
    let app = &console.app;
    let mut desk = ApiDesk::new(app);
    scripted_month(&mut desk).await;
    let token = app.tokens.hotline.clone();
    let mut api = serde_json::Map::new();
    for group_by in GROUPINGS {
        let path = desk.after_last(&format!("/api/v1/stats?month={MONTH}&group_by={group_by}"));
        let answer = app.get(&path, &token).await;
        assert_eq!(answer.status, 200, "{path}: {answer}");
        api.insert(group_by.into(), answer.body["items"].clone());
    }
    // The API itself still gives the hand-computed month (the projection tests' figures).
    let jingshan = row_of(&api["street"], "street", "jingshan");
    assert_eq!(jingshan["cases"], 4, "{jingshan}");
    for (field, expected) in [
        ("response_rate", 0.75),
        ("resolution_rate", 0.75),
        ("satisfaction_rate", 0.70),
        ("composite_score", 72.75),
    ] {
        let got = jingshan[field].as_f64().unwrap_or(f64::NAN);
        assert!((got - expected).abs() < 1e-9, "API {field}: {jingshan}");
    }

    let (browser, _) = console.signed_in(&HOTLINE).await;
    for group_by in GROUPINGS {
        browser
            .goto(&format!("/stats?month={MONTH}&group_by={group_by}"))
            .await;
        let table = format!("table.stats[data-group-by=\"{group_by}\"][data-month=\"{MONTH}\"]");
        browser.wait_for(&table, WAIT).await;
        let shown = table_cells(&browser).await;
        let rows = api[group_by].as_array().expect("items");
        assert_eq!(
            shown.len(),
            rows.len(),
            "{group_by}: the page has rows {:?}, the API {rows:?}",
            shown.keys().collect::<Vec<_>>()
        );
        let mut wanted: Vec<&str> = COLUMNS.to_vec();
        if group_by == "department" {
            wanted.extend(DEPARTMENT_COLUMNS);
        }
        for row in rows {
            let key = row[group_by].as_str().expect("group key");
            let cells = shown.get(key).and_then(|r| r["cells"].as_object());
            let cells = cells.unwrap_or_else(|| {
                panic!("{group_by}: no tr[data-key={key}] on the page ({shown:?})")
            });
            for column in &wanted {
                assert!(
                    cells.contains_key(*column),
                    "{group_by}/{key}: no td[data-column={column}] (columns {:?})",
                    cells.keys().collect::<Vec<_>>()
                );
            }
            for (column, text) in cells {
                let value = row.get(column).unwrap_or_else(|| {
                    panic!("{group_by}/{key}: the page's column {column} is not in the API's row")
                });
                assert_eq!(
                    text.as_str().unwrap_or_default(),
                    as_shown(column, value),
                    "{group_by}/{key}/{column}: the API says {value}"
                );
            }
        }
        if group_by == "street" {
            let js = &shown["jingshan"]["cells"];
            let figures = [
                ("cases", "4"),
                ("response_rate", "75.0%"),
                ("resolution_rate", "75.0%"),
                ("satisfaction_rate", "70.0%"),
                ("composite_score", "72.75"),
            ];
            for (column, text) in figures {
                assert_eq!(js[column], text, "jingshan {column}");
            }
            trend_has_drawn(&browser).await;
            rankings_match_the_api(&browser, app, &token).await;
            browser.screenshot("i12-stats-street").await;
            scroll_to(&browser, "section#rankings").await;
            browser.screenshot("i12-stats-rankings").await;
            csv_matches_the_api(&browser, &api, &shown).await;
        }
    }
    browser.close().await;
}

/// Scrolls the first element matching `css` to the top of the window.
pub async fn scroll_to(browser: &Browser, css: &str) {
    browser
        .client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView(); return null;",
            vec![json!(css)],
        )
        .await
        .unwrap_or_else(|err| panic!("scroll to {css}: {err}"));
}

/// The row of `key` in an API answer.
fn row_of<'a>(rows: &'a Value, group_by: &str, key: &str) -> &'a Value {
    rows.as_array()
        .and_then(|rows| rows.iter().find(|r| r[group_by] == key))
        .unwrap_or_else(|| panic!("no {group_by} {key} in {rows}"))
}

/// A figure as the page shows it: rates as `75.0%`, the composite as `72.75`, durations in hours
/// (`48.0h`), counts as integers, `—` when the API has none.
fn as_shown(column: &str, value: &Value) -> String {
    let Some(v) = value.as_f64() else {
        assert!(
            value.is_null(),
            "{column} is neither a number nor null: {value}"
        );
        return "—".into();
    };
    match column {
        "cases" | "dispatched" => format!("{v:.0}"),
        "composite_score" => format!("{v:.2}"),
        c if c.ends_with("_seconds") => format!("{:.1}h", v / 3600.0),
        _ => format!("{:.1}%", v * 100.0),
    }
}

/// `{key: {"name": row header, "cells": {column: text}}}` of the statistics table.
async fn table_cells(browser: &Browser) -> serde_json::Map<String, Value> {
    let script = r#"
const out = {};
for (const tr of document.querySelectorAll('table.stats tbody tr[data-key]')) {
  const cells = {};
  for (const td of tr.querySelectorAll('td[data-column]')) cells[td.dataset.column] = td.innerText.trim();
  const th = tr.querySelector('th');
  out[tr.dataset.key] = { name: th ? th.innerText.trim() : '', cells };
}
return out;
"#;
    let shown = browser
        .client
        .execute(script, vec![])
        .await
        .expect("read the table");
    match shown {
        Value::Object(map) => map,
        other => panic!("the table reads as {other}"),
    }
}

/// The trend chart: ECharts has drawn into a canvas (not blank), twelve months up to this one,
/// this month's point of every series a number.
async fn trend_has_drawn(browser: &Browser) {
    let chart = "div.chart[data-chart=\"trend\"]";
    browser.wait_for(&format!("{chart} canvas"), WAIT).await;
    let painted = canvas_paint(browser, chart).await;
    let option = browser
        .client
        .execute(
            "const el = document.querySelector(arguments[0]); \
             const chart = window.echarts && echarts.getInstanceByDom(el); \
             if (!chart) return null; const o = chart.getOption(); \
             return { months: o.xAxis[0].data, series: o.series.map(s => s.data) };",
            vec![json!(chart)],
        )
        .await
        .expect("read the chart's option");
    let months = option["months"].as_array().expect("the chart's months");
    assert_eq!(months.len(), 12, "{option}");
    assert_eq!(months.last(), Some(&json!(MONTH)), "{option}");
    let series = option["series"].as_array().expect("series");
    assert_eq!(series.len(), 4, "three rates and the composite: {option}");
    for data in series {
        let last = data.as_array().and_then(|d| d.last()).cloned();
        assert!(
            last.as_ref().is_some_and(Value::is_number),
            "this month's point is {last:?}: {option}"
        );
    }
    eprintln!("trend chart: {painted}");
}

/// How much of the canvases under `css` is painted: panics when there is no canvas, or it is
/// empty or blank (no opaque pixel, or a PNG no bigger than a blank one's). Returns a summary.
pub async fn canvas_paint(browser: &Browser, css: &str) -> String {
    let script = r#"
const host = document.querySelector(arguments[0]);
if (!host) return { error: 'nothing matches ' + arguments[0] };
const canvases = Array.from(host.querySelectorAll('canvas'));
if (!canvases.length) return { error: 'no canvas in ' + arguments[0] };
let painted = 0, pixels = 0, png = 0, blank = 0, width = 0, height = 0;
for (const c of canvases) {
  width = Math.max(width, c.width); height = Math.max(height, c.height);
  if (!c.width || !c.height) continue;
  const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < data.length; i += 4) { pixels++; if (data[i] !== 0) painted++; }
  png += c.toDataURL('image/png').length;
  const empty = document.createElement('canvas');
  empty.width = c.width; empty.height = c.height;
  blank += empty.toDataURL('image/png').length;
}
return { canvases: canvases.length, width, height, painted, pixels, png, blank };
"#;
    let paint = browser
        .client
        .execute(script, vec![json!(css)])
        .await
        .expect("read the canvas");
    if let Some(error) = paint["error"].as_str() {
        browser.screenshot("canvas-missing").await;
        panic!("{error}");
    }
    let number = |name: &str| paint[name].as_u64().unwrap_or_default();
    let summary = format!(
        "{} canvas(es) {}×{}, {} of {} pixels painted, PNG {} bytes (blank {})",
        number("canvases"),
        number("width"),
        number("height"),
        number("painted"),
        number("pixels"),
        number("png"),
        number("blank")
    );
    assert!(
        number("width") > 100 && number("height") > 100,
        "{css}: {summary}"
    );
    assert!(
        number("painted") >= 500 && number("painted") * 500 >= number("pixels"),
        "{css} looks blank: {summary}"
    );
    assert!(
        number("png") > 2 * number("blank"),
        "{css} encodes like a blank canvas: {summary}"
    );
    summary
}

/// 亮榜: each unit's rank on the page is the API's (`data-rank` absent when unranked).
async fn rankings_match_the_api(browser: &Browser, app: &shaobao_tests::app::TestApp, token: &str) {
    for unit in ["street", "department"] {
        let path = format!("/api/v1/rankings?unit={unit}&month={MONTH}");
        let answer = app.get(&path, token).await;
        assert_eq!(answer.status, 200, "{path}: {answer}");
        let script = r#"
const out = {};
for (const tr of document.querySelectorAll(
    `section#rankings .ranking[data-unit="${arguments[0]}"] tr[data-key]`)) {
  out[tr.dataset.key] = tr.dataset.rank === undefined ? null : Number(tr.dataset.rank);
}
return out;
"#;
        let shown = browser
            .client
            .execute(script, vec![json!(unit)])
            .await
            .expect("read the rankings");
        let items = answer.body["items"].as_array().expect("items");
        let expected: serde_json::Map<String, Value> = items
            .iter()
            .map(|r| {
                (
                    r[unit].as_str().unwrap_or_default().to_string(),
                    r["rank"].clone(),
                )
            })
            .collect();
        assert_eq!(shown, Value::Object(expected), "{unit} ranking");
    }
    let first = "section#rankings .ranking[data-unit=\"street\"] tr[data-key=\"jingshan\"][data-rank=\"1\"]";
    assert!(
        !browser.all(first).await.is_empty(),
        "jingshan is not ranked 1st"
    );
}

/// The CSV of every grouping, fetched from the page with the session: UTF-8 with a BOM, CRLF
/// lines, the API's field names as header and the API's numbers in every cell.
async fn csv_matches_the_api(
    browser: &Browser,
    api: &serde_json::Map<String, Value>,
    street_page: &serde_json::Map<String, Value>,
) {
    let link = browser.wait_for("a[data-action=\"csv\"]", WAIT).await;
    let href = link.attr("href").await.expect("href").unwrap_or_default();
    assert_eq!(href, format!("/stats.csv?month={MONTH}&group_by=street"));
    for group_by in GROUPINGS {
        let path = format!("/stats.csv?month={MONTH}&group_by={group_by}");
        let file = download(browser, &path).await;
        assert_eq!(file["status"], 200, "{path}: {file}");
        let content_type = file["type"].as_str().unwrap_or_default();
        assert_eq!(content_type, "text/csv; charset=utf-8", "{path}");
        let disposition = file["disposition"].as_str().unwrap_or_default();
        assert!(
            disposition.starts_with("attachment") && disposition.contains(".csv"),
            "{path}: Content-Disposition {disposition:?}"
        );
        let text = file["text"].as_str().unwrap_or_default();
        let body = text
            .strip_prefix('\u{feff}')
            .unwrap_or_else(|| panic!("{path} does not start with a BOM: {text:.40?}"));
        assert!(body.ends_with("\r\n"), "{path}: no CRLF at the end");
        assert!(
            !body.replace("\r\n", "").contains('\n'),
            "{path}: a line ends without CR"
        );
        let mut lines = body.trim_end_matches("\r\n").split("\r\n");
        let header = cells_of(lines.next().expect("a header"));
        assert_eq!(header[..2], [group_by, "name"], "{path}: header {header:?}");
        let mut wanted: Vec<&str> = COLUMNS.to_vec();
        if group_by == "department" {
            wanted.extend(DEPARTMENT_COLUMNS);
        }
        let mut columns: Vec<&str> = header[2..].iter().map(String::as_str).collect();
        columns.sort_unstable();
        wanted.sort_unstable();
        assert_eq!(columns, wanted, "{path}: the header's columns");
        let rows = api[group_by].as_array().expect("items");
        let lines: Vec<Vec<String>> = lines.map(cells_of).collect();
        assert_eq!(lines.len(), rows.len(), "{path}: {lines:?}");
        for cells in &lines {
            assert_eq!(cells.len(), header.len(), "{path}: {cells:?}");
            let row = row_of(&api[group_by], group_by, &cells[0]);
            for (column, cell) in header.iter().zip(cells).skip(2) {
                let value = &row[column.as_str()];
                let same = match value.as_f64() {
                    None => value.is_null() && cell.is_empty(),
                    Some(v) => cell.parse::<f64>().is_ok_and(|c| c == v),
                };
                assert!(
                    same,
                    "{path}: {} {column} is {cell:?}, the API's {value}",
                    cells[0]
                );
            }
            if group_by == "street" {
                let name = street_page.get(&cells[0]).map(|r| &r["name"]);
                assert_eq!(
                    name,
                    Some(&json!(cells[1])),
                    "{path}: the name of {}",
                    cells[0]
                );
            }
        }
    }
}

/// Fetches `path` from the page with the session's cookies; the text keeps a byte-order mark.
async fn download(browser: &Browser, path: &str) -> Value {
    let script = r#"
const [path, done] = arguments;
fetch(path, { credentials: 'same-origin' }).then(async r => {
  const text = new TextDecoder('utf-8', { ignoreBOM: true, fatal: true }).decode(await r.arrayBuffer());
  done({ status: r.status, type: r.headers.get('content-type'),
         disposition: r.headers.get('content-disposition'), text });
}).catch(e => done({ status: 0, text: String(e) }));
"#;
    browser
        .client
        .execute_async(script, vec![json!(path)])
        .await
        .unwrap_or_else(|err| panic!("download {path}: {err}"))
}

/// One CSV line's cells (RFC 4180 quoting).
fn cells_of(line: &str) -> Vec<String> {
    let mut cells = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                cells.last_mut().expect("a cell").push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => cells.push(String::new()),
            (c, _) => cells.last_mut().expect("a cell").push(c),
        }
    }
    cells
}
