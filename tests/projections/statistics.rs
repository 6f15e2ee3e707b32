//! Statistics against the hand-computed figures of the scripted month in `shaobao_tests::month`
//! (its cases and the expected figures are tabled there).

use shaobao_projections::models::statistics::{
    district_total, district_trend, rankings, statistics, street_headlines, GroupBy, StatsRow,
    Weights,
};
use shaobao_services::clock::Clock;
use shaobao_tests::databases::TestStore;
use shaobao_tests::month::scripted_month;

use crate::support::*;

fn group<'a>(rows: &'a [StatsRow], key: &str) -> &'a StatsRow {
    rows.iter()
        .find(|r| {
            [&r.street, &r.department, &r.category]
                .iter()
                .any(|k| k.as_deref() == Some(key))
        })
        .unwrap_or_else(|| panic!("no row for {key} in {rows:#?}"))
}

fn close_to(actual: Option<f64>, expected: f64) -> bool {
    actual.is_some_and(|a| (a - expected).abs() < 1e-9)
}

pub async fn a_scripted_month_gives_the_hand_computed_figures(t: TestStore) {
    let mut w = World::new(t, 1.0);
    let projections = w.start(quick());
    scripted_month(&mut w).await;
    caught_up(&projections, &w).await;
    let now = w.clock.now();
    let weights = Weights::default();
    let stats = |by| statistics(w.store(), by, "2026-03", now, &weights);

    let streets = stats(GroupBy::Street).await.unwrap();
    assert_eq!(streets.len(), 2, "{streets:#?}");
    let js = group(&streets, "jingshan");
    assert_eq!((js.cases, js.dispatched, js.callbacks_reached), (4, 4, 4));
    assert!(close_to(js.response_rate, 0.75) && close_to(js.resolution_rate, 0.75));
    assert!(
        close_to(js.satisfaction_rate, 0.70) && close_to(js.composite_score, 72.75),
        "{js:#?}"
    );
    assert!(close_to(js.on_time_sign_rate, 1.0) && close_to(js.on_time_resolution_rate, 1.0));
    assert!(
        close_to(js.return_rate, 0.25)
            && close_to(js.reopen_rate, 0.25)
            && close_to(js.whistle_rate, 0.25)
    );
    assert_eq!(
        (js.median_resolve_seconds, js.p90_resolve_seconds),
        (Some(48 * 3600), Some(96 * 3600))
    );
    let dhm = group(&streets, "donghuamen");
    assert_eq!(
        (dhm.cases, dhm.callbacks_reached),
        (2, 0),
        "the excluded case is left out"
    );
    assert!(
        close_to(dhm.response_rate, 0.5) && close_to(dhm.on_time_sign_rate, 0.5),
        "{dhm:#?}"
    );
    assert_eq!(
        (
            dhm.resolution_rate,
            dhm.satisfaction_rate,
            dhm.composite_score
        ),
        (None, None, None)
    );

    let departments = stats(GroupBy::Department).await.unwrap();
    let um = group(&departments, "urban_management");
    assert_eq!(um.cases, 5);
    assert!(close_to(um.response_rate, 0.6) && close_to(um.resolution_rate, 2.0 / 3.0));
    assert!(
        close_to(um.satisfaction_rate, 0.6) && close_to(um.composite_score, 63.0),
        "{um:#?}"
    );
    assert!(
        close_to(um.on_time_sign_rate, 0.8)
            && close_to(um.return_rate, 0.2)
            && close_to(um.whistle_rate, 0.2)
    );
    assert!(close_to(um.on_time_report_in_rate, 0.0) && close_to(um.mean_rating, 0.5));
    let housing = group(&departments, "housing");
    assert_eq!(housing.cases, 2);
    assert!(
        close_to(housing.response_rate, 1.0) && close_to(housing.composite_score, 55.0),
        "{housing:#?}"
    );
    assert!(close_to(housing.on_time_report_in_rate, 1.0) && close_to(housing.mean_rating, 1.0));
    assert!(close_to(housing.reopen_rate, 0.5));

    let categories = stats(GroupBy::Category).await.unwrap();
    let noise = group(&categories, "noise");
    assert_eq!(noise.cases, 2);
    assert!(
        close_to(noise.satisfaction_rate, 0.9) && close_to(noise.composite_score, 90.5),
        "{noise:#?}"
    );
    assert!(close_to(
        group(&categories, "property_management").composite_score,
        10.0
    ));

    let ranked = rankings(w.store(), GroupBy::Department, "2026-03", now, &weights)
        .await
        .unwrap();
    let order: Vec<_> = ranked
        .iter()
        .map(|r| (r.stats.department.clone().unwrap(), r.rank))
        .collect();
    assert_eq!(
        order,
        [
            ("urban_management".into(), Some(1)),
            ("housing".into(), Some(2))
        ]
    );
    let ranked = rankings(w.store(), GroupBy::Street, "2026-03", now, &weights)
        .await
        .unwrap();
    assert_eq!((ranked[0].rank, ranked[1].rank), (Some(1), None));
    let json = serde_json::to_value(&ranked[0]).unwrap();
    assert_eq!(
        (json["rank"].as_u64(), json["street"].as_str()),
        (Some(1), Some("jingshan"))
    );
    assert!((json["composite_score"].as_f64().unwrap() - 72.75).abs() < 1e-9);

    assert!(stats(GroupBy::Street).await.is_ok());
    let april = statistics(w.store(), GroupBy::Street, "2026-04", now, &weights)
        .await
        .unwrap();
    assert!(
        april.is_empty(),
        "cases count in the month they were opened"
    );
    assert!(
        statistics(w.store(), GroupBy::Street, "2026-13", now, &weights)
            .await
            .is_err()
    );

    // The trend's one aggregate query counts the district as its month's full figures do.
    let trend = district_trend(w.store(), "2026-01", "2026-04", now, &weights)
        .await
        .unwrap();
    let total = district_total(w.store(), "2026-03", now, &weights)
        .await
        .unwrap();
    assert_eq!(
        trend.len(),
        1,
        "months without cases are left out: {trend:#?}"
    );
    let march = &trend[0];
    assert_eq!(march.month, "2026-03");
    assert_eq!(
        (march.cases, march.dispatched, march.callbacks_reached),
        (total.cases, total.dispatched, total.callbacks_reached)
    );
    assert_eq!((march.cases, march.resolved), (6, total.resolved));
    for (trend_rate, full_rate) in [
        (march.response_rate, total.response_rate),
        (march.resolution_rate, total.resolution_rate),
        (march.satisfaction_rate, total.satisfaction_rate),
        (march.composite_score, total.composite_score),
    ] {
        assert!(
            full_rate.is_some() && trend_rate == full_rate,
            "{march:#?} vs {total:#?}"
        );
    }
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
    let full: Vec<_> = streets.iter().map(headline).collect();
    assert_eq!(by_street.iter().map(headline).collect::<Vec<_>>(), full);
    projections.shutdown().await;
}
