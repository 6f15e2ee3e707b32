//! Statistics against hand-computed figures for a small scripted month.
//!
//! The month (March 2026, all times Beijing, sample district, real SLA):
//!
//! | case | street     | category            | handled by       | what happens                                                         |
//! |------|------------|---------------------|------------------|----------------------------------------------------------------------|
//! | A    | jingshan   | noise               | urban_management | all on time; resolved after 24 h; callback: resolved, satisfied      |
//! | B    | jingshan   | noise               | urban_management | contact at 25 h (late); resolved at 48 h; resolved, basically sat.   |
//! | C    | jingshan   | house_leak          | housing          | resolved 24 h; callback unresolved, dissatisfied → REOPENED →       |
//! |      |            |                     |                  | resolved again at 96 h; last callback: resolved, satisfied           |
//! | D    | donghuamen | street_vending      | urban_management | resolved 24 h; callback UNREACHABLE three times, closed              |
//! | E    | donghuamen | noise               | housing          | dissatisfied, then EXCLUDED from assessment: counts nowhere          |
//! | F    | jingshan   | property_management | housing → RETURN | re-dispatched to the street; emergency whistle: housing reports in   |
//! |      |            |                     | → jingshan       | at 10 min (on time), urban_management at 60 min (LATE); rated good / |
//! |      |            |                     |                  | fair; resolved at 72 h; callback unresolved, dissatisfied            |
//! | G    | donghuamen | street_vending      | urban_management | dispatched, never signed; 48 h later sign and contact have run out   |
//!
//! Expected (composite = 100 × (0.10 response + 0.45 resolution + 0.45 satisfaction)):
//!
//! | group               | cases | response  | resolution | satisfaction        | composite | sign | return/reopen/whistle | report-in | rating |
//! |---------------------|-------|-----------|------------|---------------------|-----------|------|-----------------------|-----------|--------|
//! | jingshan            | 4     | 3/4 .75   | 3/4 .75    | (2+0.8)/4 = .70     | 72.75     | 4/4  | .25 / .25 / .25       |           |        |
//! | donghuamen          | 2     | 1/2 .50   | null       | null                | null      | 1/2  | 0 / 0 / 0             |           |        |
//! | urban_management    | 5     | 3/5 .60   | 2/3        | (1+0.8)/3 = .60     | 63.00     | 4/5  | .2 / 0 / .2           | 0/1       | 0.5    |
//! | housing             | 2     | 2/2 1.0   | 1/2 .50    | 1/2 .50             | 55.00     | 2/2  | .5 / .5 / .5          | 1/1       | 1.0    |
//! | noise               | 2     | 1/2 .50   | 2/2 1.0    | (1+0.8)/2 = .90     | 90.50     |      |                       |           |        |
//! | property_management | 1     | 1/1       | 0/1        | 0/1                 | 10.00     |      |                       |           |        |
//!
//! jingshan durations, first dispatch → resolution: 24 h, 48 h, 72 h, 96 h → median (nearest rank)
//! 48 h, p90 96 h. Rankings: streets jingshan 1st, donghuamen unranked (no callback reached);
//! departments urban_management 1st, housing 2nd.

use shaobao_domain::case::*;
use shaobao_domain::CaseAction;
use shaobao_projections::models::statistics::{rankings, statistics, GroupBy, StatsRow, Weights};
use shaobao_services::clock::Clock;
use shaobao_tests::databases::TestStore;

use crate::support::*;

/// Runs the month above; returns the ids of A…G.
pub async fn scripted_month(w: &mut World) -> Vec<String> {
    let (um, housing) = ("urban_management", "housing");
    let a = handled(
        w,
        "jingshan",
        "noise",
        um,
        hours(1),
        Satisfaction::Satisfied,
        true,
        24,
    )
    .await;
    let b = handled(
        w,
        "jingshan",
        "noise",
        um,
        hours(25),
        Satisfaction::BasicallySatisfied,
        true,
        48,
    )
    .await;
    let c = reopened(w).await;
    let d = unreachable(w).await;
    let e = handled(
        w,
        "donghuamen",
        "noise",
        housing,
        hours(1),
        Satisfaction::Dissatisfied,
        false,
        24,
    )
    .await;
    w.act(&e, &hotline(), CaseAction::Exclusion(reason("重复诉求")))
        .await;
    let f = returned_and_whistled(w).await;
    let g = w.open("donghuamen", "street_vending", "占道经营").await;
    w.act(&g, &hotline(), dispatch(to_department(um))).await;
    w.advance(hours(48));
    vec![a, b, c, d, e, f, g]
}

/// Dispatched, signed at 10 min, contacted at `contact_at`, resolved at `resolve_hours`, accepted,
/// called back (reached) and closed, an hour apart.
#[allow(clippy::too_many_arguments)]
async fn handled(
    w: &mut World,
    street: &str,
    category: &str,
    unit: &str,
    contact_at: chrono::Duration,
    satisfaction: Satisfaction,
    resolved: bool,
    resolve_hours: i64,
) -> String {
    let id = w.open(street, category, "居民反映问题").await;
    w.act(&id, &hotline(), dispatch(to_department(unit))).await;
    w.advance(minutes(10));
    w.act(&id, &department(unit), CaseAction::Sign).await;
    w.advance(contact_at - minutes(10));
    w.act(&id, &department(unit), contact()).await;
    w.advance(hours(resolve_hours) - contact_at);
    w.act(&id, &department(unit), resolve()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), accept()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), reached(resolved, satisfaction))
        .await;
    w.advance(hours(1));
    w.act(&id, &hotline(), close()).await;
    id
}

async fn reopened(w: &mut World) -> String {
    let id = w.open("jingshan", "house_leak", "楼上漏水").await;
    let housing = department("housing");
    w.act(&id, &hotline(), dispatch(to_department("housing")))
        .await;
    w.advance(minutes(10));
    w.act(&id, &housing, CaseAction::Sign).await;
    w.advance(minutes(50));
    w.act(&id, &housing, contact()).await;
    w.advance(hours(23));
    w.act(&id, &housing, resolve()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), accept()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), reached(false, Satisfaction::Dissatisfied))
        .await;
    w.act(&id, &hotline(), CaseAction::Reopen(reason("仍在漏水")))
        .await;
    w.advance(hours(70));
    w.act(&id, &housing, resolve()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), accept()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), reached(true, Satisfaction::Satisfied))
        .await;
    w.advance(hours(1));
    w.act(&id, &hotline(), close()).await;
    id
}

async fn unreachable(w: &mut World) -> String {
    let id = w.open("donghuamen", "street_vending", "夜市占道").await;
    let um = department("urban_management");
    w.act(&id, &hotline(), dispatch(to_department("urban_management")))
        .await;
    w.advance(minutes(10));
    w.act(&id, &um, CaseAction::Sign).await;
    w.advance(minutes(50));
    w.act(&id, &um, contact()).await;
    w.advance(hours(23));
    w.act(&id, &um, resolve()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), accept()).await;
    for _ in 0..3 {
        w.advance(hours(1));
        w.act(&id, &hotline(), unreached()).await;
    }
    w.advance(hours(1));
    w.act(&id, &hotline(), close()).await;
    id
}

async fn returned_and_whistled(w: &mut World) -> String {
    let id = w
        .open("jingshan", "property_management", "物业不作为")
        .await;
    let street = dispatcher("jingshan");
    w.act(&id, &hotline(), dispatch(to_department("housing")))
        .await;
    w.advance(hours(1));
    let give_back = ReturnCase {
        reason: ReturnReason::WrongJurisdiction,
        note: "属街道职责".into(),
    };
    w.act(&id, &department("housing"), CaseAction::Return(give_back))
        .await;
    w.advance(hours(1));
    let approve = ReturnDecision {
        decision: ReturnVerdict::Approve,
        redispatch_to: Some(Unit::Street("jingshan".into())),
        responsible: None,
        note: None,
    };
    w.act(&id, &hotline(), CaseAction::ReturnDecision(approve))
        .await;
    w.advance(minutes(10));
    w.act(&id, &street, CaseAction::Sign).await;
    w.advance(minutes(50));
    w.act(&id, &street, contact()).await;
    let summons = |department: &str, role| Summons {
        department: department.into(),
        role,
    };
    let whistle = BlowWhistle {
        kind: shaobao_domain::sla::WhistleKind::Emergency,
        departments: vec![
            summons("urban_management", WhistleRole::Lead),
            summons("housing", WhistleRole::Assist),
        ],
        note: None,
    };
    w.act(&id, &street, CaseAction::BlowWhistle(whistle)).await;
    let report_in = || CaseAction::Whistle {
        no: 1,
        action: WhistleAction::ReportIn { mode: None },
    };
    w.advance(minutes(10));
    w.act(&id, &department("housing"), report_in()).await;
    w.advance(minutes(50));
    w.act(&id, &department("urban_management"), report_in())
        .await;
    let ratings = [
        ("urban_management".to_string(), Rating::Fair),
        ("housing".to_string(), Rating::Good),
    ];
    let close_whistle = WhistleAction::Close {
        ratings: ratings.into_iter().collect(),
        note: None,
    };
    w.act(
        &id,
        &street,
        CaseAction::Whistle {
            no: 1,
            action: close_whistle,
        },
    )
    .await;
    w.advance(hours(66));
    w.act(&id, &street, resolve()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), accept()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), reached(false, Satisfaction::Dissatisfied))
        .await;
    w.advance(hours(1));
    w.act(&id, &hotline(), close()).await;
    id
}

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
    projections.shutdown().await;
}
