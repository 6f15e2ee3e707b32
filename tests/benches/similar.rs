//! The similar-case finder at scale: `cargo bench -p shaobao-tests --bench similar [-- CASES
//! [QUERIES] [postgres|sqlite|both]]` (default 100,000 cases, 200 queries, both stores).
//!
//! The hot-spot table is filled with CASES cases opened in the last 30 days in one street (25
//! categories, 2,000 addresses, some with points, descriptions from Chinese templates), then
//! QUERIES drafts are searched, alternating with the baseline: the same street's cases of the same
//! category read by the same index with no scoring (what any finder must read at least). Goal:
//! p95 ≤ 50 ms for the finder.

use std::time::{Duration, Instant};

use chrono::Utc;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shaobao_domain::similar::Request;
use shaobao_projections::models::hotspots::{similar_cases, SimilarQuery, CASES};
use shaobao_projections::time::to_ns;
use shaobao_services::store::Store;
use shaobao_services::with_pool;
use shaobao_tests::databases::{Backend, TestStore};

const STREET: &str = "jingshan";
const CATEGORIES: usize = 25;
const PLACES: usize = 2_000;
const WHAT: [&str; 8] = [
    "路灯不亮",
    "夜间施工噪声",
    "垃圾无人清运",
    "路面破损积水",
    "违章停车堵路",
    "下水道堵塞返味",
    "占道经营",
    "楼道堆物",
];
const HOW: [&str; 6] = [
    "影响出行",
    "晚上很黑",
    "多次反映无果",
    "老人孩子不安全",
    "希望尽快处理",
    "已经好几天了",
];

#[tokio::main]
async fn main() {
    let args = shaobao_tests::bench_args();
    let cases: usize = args.first().map_or(100_000, |a| a.parse().expect("CASES"));
    let queries: usize = args.get(1).map_or(200, |a| a.parse().expect("QUERIES"));
    let backends = match args.get(2).map(String::as_str) {
        Some("sqlite") => vec![Backend::Sqlite],
        Some("postgres") => vec![Backend::Postgres],
        _ => vec![Backend::Postgres, Backend::Sqlite],
    };
    for backend in backends {
        run(backend, cases, queries).await;
    }
}

fn address(place: usize) -> String {
    format!("吉祥胡同{}号", place + 1)
}

fn description(rng: &mut StdRng) -> String {
    format!(
        "{}，{}",
        WHAT[rng.gen_range(0..WHAT.len())],
        HOW[rng.gen_range(0..HOW.len())]
    )
}

async fn run(backend: Backend, cases: usize, queries: usize) {
    let t = TestStore::fresh(backend).await.expect("a store");
    let started = Instant::now();
    fill(&t.store, cases).await;
    eprintln!(
        "{backend:?}: {cases} cases in the window loaded in {:.1?}",
        started.elapsed()
    );
    let mut rng = StdRng::seed_from_u64(13);
    let (mut finder, mut baseline) = (Vec::new(), Vec::new());
    let mut offered = 0;
    for _ in 0..queries {
        let place = rng.gen_range(0..PLACES);
        let category = format!("category_{}", rng.gen_range(0..CATEGORIES));
        let with_point = rng.gen_bool(0.5);
        let draft = Request {
            category: category.clone(),
            street: STREET.into(),
            community: Some(format!("community_{}", place % 5)),
            address: Some(address(place)),
            lat: with_point.then_some(39.92 + place as f64 * 1e-5),
            lon: with_point.then_some(116.39 + place as f64 * 1e-5),
            description: description(&mut rng),
        };
        let query = SimilarQuery {
            draft,
            exclude: None,
            now: Utc::now(),
            window_days: 30,
            limit: 5,
        };
        let started = Instant::now();
        offered += similar_cases(&t.store, &query).await.expect("finder").len();
        finder.push(started.elapsed());
        let started = Instant::now();
        read_category(&t.store, &category).await;
        baseline.push(started.elapsed());
    }
    let (f50, f95) = percentiles(&mut finder);
    let (b50, b95) = percentiles(&mut baseline);
    println!(
        "{backend:?}, {cases} cases in the window, {queries} drafts: finder p50 {:.1} ms, p95 {:.1} ms \
         ({:.1} offered per draft) | baseline (same-category rows, no scoring) p50 {:.1} ms, p95 {:.1} ms | \
         goal p95 <= 50 ms: {}",
        ms(f50),
        ms(f95),
        offered as f64 / queries as f64,
        ms(b50),
        ms(b95),
        if ms(f95) <= 50.0 { "met" } else { "MISSED" }
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort();
    let at = |q: f64| samples[((samples.len() as f64 * q) as usize).min(samples.len() - 1)];
    (at(0.50), at(0.95))
}

/// The rows a finder reads at least: the street's cases of one category in the window.
async fn read_category(store: &Store, category: &str) {
    let since = to_ns(Utc::now() - chrono::Duration::days(30));
    let sql = format!(
        "SELECT case_id, description FROM {} WHERE street = $1 AND category = $2 AND opened_ns >= $3",
        CASES.name
    );
    with_pool!(store, pool => {
        let rows: Vec<(String, String)> = sqlx::query_as(&sql)
            .bind(STREET)
            .bind(category)
            .bind(since)
            .fetch_all(pool)
            .await
            .expect("baseline");
        std::hint::black_box(rows);
    });
}

/// Creates the hot-spot table with its indexes and fills it in batches of literal rows.
async fn fill(store: &Store, cases: usize) {
    let mut statements = vec![CASES.create(CASES.name).sql];
    statements.extend(
        CASES
            .create_indexes(CASES.name, 0)
            .into_iter()
            .map(|s| s.sql),
    );
    let mut rng = StdRng::seed_from_u64(7);
    let now = Utc::now();
    let rows: Vec<String> = (0..cases)
        .map(|i| {
            let place = rng.gen_range(0..PLACES);
            let opened = to_ns(now - chrono::Duration::seconds(rng.gen_range(0..29 * 86_400)));
            let point = if rng.gen_bool(0.5) {
                let jitter = rng.gen_range(-20..=20);
                format!("{}, {}", 39_920_000 + place as i64 * 10 + jitter, 116_390_000 + place as i64 * 10 - jitter)
            } else {
                "NULL, NULL".into()
            };
            let address = address(place);
            format!(
                "('case-{i:06}', '{STREET}', 'community_{}', 'category_{}', '{}', '{address}', {point}, {opened}, 'received', NULL, 'hotline', '{}')",
                place % 5,
                rng.gen_range(0..CATEGORIES),
                shaobao_domain::similar::normalise_address(&address).unwrap_or_default(),
                description(&mut rng),
            )
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        statements.push(format!(
            "INSERT INTO {} VALUES {}",
            CASES.name,
            chunk.join(", ")
        ));
    }
    statements.push(format!("ANALYZE {}", CASES.name));
    with_pool!(store, pool => {
        for sql in &statements {
            sqlx::query(sql).execute(pool).await.expect("fill");
        }
    });
}
