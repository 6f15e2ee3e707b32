//! Statistics against figures computed by hand: the scripted month of `shaobao_tests::month`
//! (cases A–G, tabled there) and the counting-rule cases of `shaobao_tests::month_rules` (H–L),
//! checked on 2 April 04:00 Beijing. Composite = 100 × (0.10 response + 0.45 resolution + 0.45
//! satisfaction) with the DESIGN weights.
//!
//! Case rows, March (one per case; the latest dispatch's clocks; E excluded):
//!
//! | street     | cases        | response       | sign         | on-time resolution              | resolution / satisfaction   | composite | return / reopen |
//! |------------|--------------|----------------|--------------|---------------------------------|-----------------------------|-----------|-----------------|
//! | jingshan   | A B C F: 4   | 3/4 (B late)   | 4/4          | 4/4 (C by its reopen deadline)  | 3/4, (2+0.8)/4 = .70        | 72.75     | .25 / .25       |
//! | donghuamen | D G: 2       | 1/2 (G ran out)| 1/2          | 1/2 (G's 22 March has passed)   | null (D never reached)      | null      | 0 / 0           |
//! | jiaodaokou | H K: 2       | 2/2            | 2/2 (H's latest dispatch, not the late first sign) | 1/1 (K not yet due) | 1/1, 1/1 | 100 | 1/2 / 0 |
//! | andingmen  | I: 1         | 1/1            | 1/1          | 1/1                             | 0/1, 0.8/1                  | 46.00     | 1 / 0 (whistle 1/1) |
//! | qianmen    | J: 1         | 1/1            | 1/1          | 0/1 (reopen's deadline missed)  | 1/1, 1/1                    | 100       | 0 / 1           |
//!
//! Categories: noise = A B K (E excluded): response 2/3, resolution 2/2, satisfaction .9 →
//! 100 × (0.1 × 2/3 + 0.45 + 0.405) = 92.1667; property_management = F → 10.
//! Rankings of streets: jiaodaokou 1, qianmen 1, jingshan 3, andingmen 4, donghuamen unranked.
//! April: jiaodaokou = L alone, sign 0/1 and response 0/1 (both ran out on 1–2 April).
//!
//! Unit rows, March (per obligation, its own clocks counted while it lasted):
//!
//! | unit                 | obligations        | response | sign | on-time res. | return | resolved cases (last callback) → res. / sat. | composite | other                            |
//! |----------------------|--------------------|----------|------|--------------|--------|-----------------------------------------------|-----------|----------------------------------|
//! | urban_management     | A B D G            | 2/4      | 3/4  | 3/4 (G)      | 0/4    | A B D (D unreached) → 2/2, 1.8/2 = .9        | 90.50     | summons 1: report-in 0/1, 0.5    |
//! | housing              | C, F before return | 1/1 (F's contact not due by its return's approval) | 1/1 | 1/1 | 1/2 | C → 1/1, 1/1 | 100 | reopen 1/1; summons 1: 1/1, 1.0 |
//! | city_admin           | H until approval   | null (contact not due while it lasted) | 0/1 (late sign) | null | 1/1 | none | null | |
//! | landscaping          | H after            | 1/1      | 1/1  | 1/1          | 0/1    | H → 1/1, 1/1                                  | 100       |                                  |
//! | water_affairs        | I                  | 1/1      | 1/1  | 1/1          | 1/1 (rejected, still counted) | I → 0/1, 0.8/1                 | 46.00     | whistle 1/1                      |
//! | market_regulation    | J until acceptance | 1/1      | 1/1  | 1/1 (its own clock, not the reopen's) | 0/1 | J → 1/1, 1/1                   | 100       | reopen 1/1                       |
//! | health               | none               | null     | null | null         | null   | none                                          | null      | co_handled 1 (J)                 |
//! | gas                  | none               | null     | null | null         | null   | none                                          | null      | summons 1 (I), declined: 0/1, no rating |
//! | eco_env              | K (L is April)     | 1/1      | 1/1  | null         | 0/1    | none                                          | null      |                                  |
//! | jingshan (handling_street) | F after return | 1/1  | 1/1  | 1/1          | 0/1    | F → 0/1, 0/1                                  | 10.00     | whistle 1/1                      |
//!
//! Rankings of departments: housing, landscaping, market_regulation 1 (all 100), urban_management
//! 4, water_affairs 5; city_admin, eco_env, gas and health unranked.

use shaobao_projections::models::statistics::{
    district_total, district_trend, rankings, statistics, street_headlines, GroupBy, StatsRow,
    Weights,
};
use shaobao_services::clock::Clock;
use shaobao_tests::databases::TestStore;
use shaobao_tests::month::scripted_month;
use shaobao_tests::month_rules::counting_rule_cases;

use crate::support::*;

fn group<'a>(rows: &'a [StatsRow], key: &str) -> &'a StatsRow {
    rows.iter()
        .find(|r| {
            [&r.street, &r.department, &r.category, &r.handling_street]
                .iter()
                .any(|k| k.as_deref() == Some(key))
        })
        .unwrap_or_else(|| panic!("no row for {key} in {rows:#?}"))
}

/// Whether `actual` is `expected` (`None`: null).
fn is(actual: Option<f64>, expected: Option<f64>) -> bool {
    match (actual, expected) {
        (Some(a), Some(e)) => (a - e).abs() < 1e-9,
        (a, e) => a.is_none() && e.is_none(),
    }
}

/// The rates of a row, in the order of the tables above.
struct Rates {
    response: Option<f64>,
    sign: Option<f64>,
    resolution_on_time: Option<f64>,
    return_rate: Option<f64>,
    resolution: Option<f64>,
    satisfaction: Option<f64>,
    composite: Option<f64>,
}

#[track_caller]
fn assert_rates(row: &StatsRow, r: Rates) {
    let checks = [
        ("response_rate", row.response_rate, r.response),
        ("on_time_sign_rate", row.on_time_sign_rate, r.sign),
        (
            "on_time_resolution_rate",
            row.on_time_resolution_rate,
            r.resolution_on_time,
        ),
        ("return_rate", row.return_rate, r.return_rate),
        ("resolution_rate", row.resolution_rate, r.resolution),
        ("satisfaction_rate", row.satisfaction_rate, r.satisfaction),
        ("composite_score", row.composite_score, r.composite),
    ];
    for (name, actual, expected) in checks {
        assert!(
            is(actual, expected),
            "{name}: {actual:?}, expected {expected:?} in {row:#?}"
        );
    }
}

fn keys_and_ranks(
    ranked: &[shaobao_projections::models::statistics::RankingRow],
) -> Vec<(String, Option<u32>)> {
    ranked
        .iter()
        .map(|r| {
            let s = &r.stats;
            let key = [&s.street, &s.department, &s.handling_street]
                .into_iter()
                .find_map(Clone::clone)
                .unwrap_or_default();
            (key, r.rank)
        })
        .collect()
}

pub async fn a_scripted_month_gives_the_hand_computed_figures(t: TestStore) {
    let mut w = World::new(t, 1.0);
    let projections = w.start(quick());
    scripted_month(&mut w).await;
    counting_rule_cases(&mut w).await;
    caught_up(&projections, &w).await;
    let now = w.clock.now();
    let weights = Weights::default();
    let stats = |by, month| statistics(w.store(), by, month, now, &weights);
    let all = Some(1.0);

    // Case rows.
    let streets = stats(GroupBy::Street, "2026-03").await.unwrap();
    assert_eq!(streets.len(), 5, "{streets:#?}");
    let js = group(&streets, "jingshan");
    assert_eq!((js.cases, js.dispatched, js.callbacks_reached), (4, 4, 4));
    assert_rates(
        js,
        Rates {
            response: Some(0.75),
            sign: all,
            resolution_on_time: all,
            return_rate: Some(0.25),
            resolution: Some(0.75),
            satisfaction: Some(0.70),
            composite: Some(72.75),
        },
    );
    assert!(is(js.reopen_rate, Some(0.25)) && is(js.whistle_rate, Some(0.25)));
    assert_eq!(
        (js.median_resolve_seconds, js.p90_resolve_seconds),
        (Some(48 * 3600), Some(96 * 3600))
    );
    assert_eq!(
        (js.obligations, js.co_handled, js.summons),
        (None, None, None)
    );
    let dhm = group(&streets, "donghuamen");
    assert_eq!((dhm.cases, dhm.callbacks_reached), (2, 0), "E is excluded");
    assert_rates(
        dhm,
        Rates {
            response: Some(0.5),
            sign: Some(0.5),
            resolution_on_time: Some(0.5),
            return_rate: Some(0.0),
            resolution: None,
            satisfaction: None,
            composite: None,
        },
    );
    let jdk = group(&streets, "jiaodaokou");
    assert_eq!((jdk.cases, jdk.dispatched), (2, 2));
    assert_rates(
        jdk,
        Rates {
            response: all,
            sign: all,
            resolution_on_time: all,
            return_rate: Some(0.5),
            resolution: all,
            satisfaction: all,
            composite: Some(100.0),
        },
    );
    assert_eq!(
        jdk.median_resolve_seconds,
        Some(30 * 3600),
        "first dispatch → resolution"
    );
    let adm = group(&streets, "andingmen");
    assert_rates(
        adm,
        Rates {
            response: all,
            sign: all,
            resolution_on_time: all,
            return_rate: all,
            resolution: Some(0.0),
            satisfaction: Some(0.8),
            composite: Some(46.0),
        },
    );
    let qm = group(&streets, "qianmen");
    assert_rates(
        qm,
        Rates {
            response: all,
            sign: all,
            resolution_on_time: Some(0.0),
            return_rate: Some(0.0),
            resolution: all,
            satisfaction: all,
            composite: Some(100.0),
        },
    );
    assert!(is(qm.reopen_rate, all));
    assert!(is(adm.whistle_rate, all));

    let categories = stats(GroupBy::Category, "2026-03").await.unwrap();
    let noise = group(&categories, "noise");
    assert_eq!(noise.cases, 3, "K, opened on 31 March, counts in March");
    assert!(is(noise.response_rate, Some(2.0 / 3.0)) && is(noise.satisfaction_rate, Some(0.9)));
    assert!(
        is(
            noise.composite_score,
            Some(100.0 * (0.1 * 2.0 / 3.0 + 0.45 + 0.405))
        ),
        "{noise:#?}"
    );
    assert!(is(
        group(&categories, "property_management").composite_score,
        Some(10.0)
    ));

    let april = stats(GroupBy::Street, "2026-04").await.unwrap();
    assert_eq!(april.len(), 1, "{april:#?}");
    let l = group(&april, "jiaodaokou");
    assert_eq!(l.cases, 1, "L, opened on 1 April, counts in April");
    assert!(is(l.on_time_sign_rate, Some(0.0)) && is(l.response_rate, Some(0.0)));

    // Unit rows.
    let departments = stats(GroupBy::Department, "2026-03").await.unwrap();
    let um = group(&departments, "urban_management");
    assert_eq!(
        (um.obligations, um.cases, um.co_handled),
        (Some(4), 4, Some(0))
    );
    assert_rates(
        um,
        Rates {
            response: Some(0.5),
            sign: Some(0.75),
            resolution_on_time: Some(0.75),
            return_rate: Some(0.0),
            resolution: all,
            satisfaction: Some(0.9),
            composite: Some(90.5),
        },
    );
    assert_eq!(um.summons, Some(1));
    assert!(is(um.on_time_report_in_rate, Some(0.0)) && is(um.mean_rating, Some(0.5)));
    let housing = group(&departments, "housing");
    assert_eq!(housing.obligations, Some(2), "C and F; E is excluded");
    assert_rates(
        housing,
        Rates {
            response: all,
            sign: all,
            resolution_on_time: all,
            return_rate: Some(0.5),
            resolution: all,
            satisfaction: all,
            composite: Some(100.0),
        },
    );
    assert!(is(housing.reopen_rate, all));
    assert!(is(housing.on_time_report_in_rate, all) && is(housing.mean_rating, all));
    let city_admin = group(&departments, "city_admin");
    assert_eq!(city_admin.obligations, Some(1));
    assert_rates(
        city_admin,
        Rates {
            response: None,
            sign: Some(0.0),
            resolution_on_time: None,
            return_rate: all,
            resolution: None,
            satisfaction: None,
            composite: None,
        },
    );
    assert_rates(
        group(&departments, "landscaping"),
        Rates {
            response: all,
            sign: all,
            resolution_on_time: all,
            return_rate: Some(0.0),
            resolution: all,
            satisfaction: all,
            composite: Some(100.0),
        },
    );
    let water = group(&departments, "water_affairs");
    assert!(
        is(water.whistle_rate, all),
        "whistled while it held the case"
    );
    assert_rates(
        water,
        Rates {
            response: all,
            sign: all,
            resolution_on_time: all,
            return_rate: all,
            resolution: Some(0.0),
            satisfaction: Some(0.8),
            composite: Some(46.0),
        },
    );
    let market = group(&departments, "market_regulation");
    assert_rates(
        market,
        Rates {
            response: all,
            sign: all,
            resolution_on_time: all,
            return_rate: Some(0.0),
            resolution: all,
            satisfaction: all,
            composite: Some(100.0),
        },
    );
    assert!(is(market.reopen_rate, all));
    let health = group(&departments, "health");
    assert_eq!(
        (health.obligations, health.co_handled, health.cases),
        (Some(0), Some(1), 0),
        "a co-unit counts in co_handled only"
    );
    assert_eq!((health.response_rate, health.composite_score), (None, None));
    let gas = group(&departments, "gas");
    assert_eq!((gas.obligations, gas.summons), (Some(0), Some(1)));
    assert!(
        is(gas.on_time_report_in_rate, Some(0.0)) && gas.mean_rating.is_none(),
        "a decline is never on time: {gas:#?}"
    );
    let eco = group(&departments, "eco_env");
    assert_eq!(eco.obligations, Some(1));
    assert!(is(eco.response_rate, all) && is(eco.on_time_resolution_rate, None));
    assert_eq!(departments.len(), 9, "{departments:#?}");

    let handling = stats(GroupBy::HandlingStreet, "2026-03").await.unwrap();
    assert_eq!(handling.len(), 1, "{handling:#?}");
    let js_unit = group(&handling, "jingshan");
    assert_eq!((js_unit.obligations, js_unit.summons), (Some(1), None));
    assert_rates(
        js_unit,
        Rates {
            response: all,
            sign: all,
            resolution_on_time: all,
            return_rate: Some(0.0),
            resolution: Some(0.0),
            satisfaction: Some(0.0),
            composite: Some(10.0),
        },
    );
    assert!(is(js_unit.whistle_rate, all));

    let april_units = stats(GroupBy::Department, "2026-04").await.unwrap();
    let eco = group(&april_units, "eco_env");
    assert!(is(eco.on_time_sign_rate, Some(0.0)) && is(eco.response_rate, Some(0.0)));

    // Rankings: by composite, ties share a rank, no composite no rank.
    let ranked = rankings(w.store(), GroupBy::Department, "2026-03", now, &weights)
        .await
        .unwrap();
    let expected: Vec<(String, Option<u32>)> = [
        ("housing", Some(1)),
        ("landscaping", Some(1)),
        ("market_regulation", Some(1)),
        ("urban_management", Some(4)),
        ("water_affairs", Some(5)),
        ("city_admin", None),
        ("eco_env", None),
        ("gas", None),
        ("health", None),
    ]
    .into_iter()
    .map(|(k, r)| (k.to_string(), r))
    .collect();
    assert_eq!(keys_and_ranks(&ranked), expected);
    let ranked = rankings(w.store(), GroupBy::Street, "2026-03", now, &weights)
        .await
        .unwrap();
    let expected: Vec<(String, Option<u32>)> = [
        ("jiaodaokou", Some(1)),
        ("qianmen", Some(1)),
        ("jingshan", Some(3)),
        ("andingmen", Some(4)),
        ("donghuamen", None),
    ]
    .into_iter()
    .map(|(k, r)| (k.to_string(), r))
    .collect();
    assert_eq!(keys_and_ranks(&ranked), expected);
    let json = serde_json::to_value(&ranked[2]).unwrap();
    assert_eq!(
        (json["rank"].as_u64(), json["street"].as_str()),
        (Some(3), Some("jingshan"))
    );
    assert!((json["composite_score"].as_f64().unwrap() - 72.75).abs() < 1e-9);

    // Other weights: jingshan's satisfaction (2 + 0.5)/4 = .625, composite
    // 100 × (0.2 × .75 + 0.4 × .75 + 0.4 × .625) = 70.
    let other = Weights {
        response: 0.2,
        resolution: 0.4,
        satisfaction: 0.4,
        basically_satisfied: 0.5,
    };
    let reweighed = statistics(w.store(), GroupBy::Street, "2026-03", now, &other)
        .await
        .unwrap();
    let js = group(&reweighed, "jingshan");
    assert!(is(js.satisfaction_rate, Some(0.625)) && is(js.composite_score, Some(70.0)));

    assert!(stats(GroupBy::Street, "2026-05").await.unwrap().is_empty());
    assert!(stats(GroupBy::Street, "2026-13").await.is_err());

    // The trend's one aggregate query counts the district as each month's full figures do.
    let trend = district_trend(w.store(), "2026-01", "2026-05", now, &weights)
        .await
        .unwrap();
    assert!(trend.iter().any(|m| m.month == "2026-03"), "{trend:#?}");
    for month in &trend {
        let total = district_total(w.store(), &month.month, now, &weights)
            .await
            .unwrap();
        assert_eq!(
            (
                month.cases,
                month.dispatched,
                month.callbacks_reached,
                month.resolved
            ),
            (
                total.cases,
                total.dispatched,
                total.callbacks_reached,
                total.resolved
            )
        );
        let rates = |r: &StatsRow| {
            (
                r.response_rate,
                r.resolution_rate,
                r.satisfaction_rate,
                r.composite_score,
            )
        };
        assert_eq!(rates(month), rates(&total), "{month:#?} vs {total:#?}");
    }
    // …and the streets' headline figures (the wall's and the page's ranking) as by street.
    let by_street = street_headlines(w.store(), "2026-03", now, &weights)
        .await
        .unwrap();
    let headline = |r: &StatsRow| {
        let figures = (r.cases, r.dispatched, r.callbacks_reached);
        (
            r.street.clone(),
            figures,
            r.response_rate,
            r.composite_score,
        )
    };
    let full = stats(GroupBy::Street, "2026-03").await.unwrap();
    let full: Vec<_> = full.iter().map(headline).collect();
    assert_eq!(by_street.iter().map(headline).collect::<Vec<_>>(), full);
    projections.shutdown().await;
}
