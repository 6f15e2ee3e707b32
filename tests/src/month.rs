//! The scripted month of the statistics tests, with its figures computed by hand: the projection
//! tests play it on the case service (`tests/projections/statistics.rs`), the console tests through
//! the HTTP API (`tests/console/stats.rs`); both check the numbers below.
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

use crate::script::*;

/// Runs the month above; returns the ids of A…G.
pub async fn scripted_month<D: Desk>(w: &mut D) -> Vec<String> {
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
    let g = w
        .open_case(complaint("donghuamen", "street_vending", "占道经营"))
        .await;
    w.act(&g, &hotline(), dispatch(to_department(um))).await;
    w.advance(hours(48));
    vec![a, b, c, d, e, f, g]
}

/// Dispatched, signed at 10 min, contacted at `contact_at`, resolved at `resolve_hours`, accepted,
/// called back (reached) and closed, an hour apart.
#[allow(clippy::too_many_arguments)]
async fn handled(
    w: &mut impl Desk,
    street: &str,
    category: &str,
    unit: &str,
    contact_at: chrono::Duration,
    satisfaction: Satisfaction,
    resolved: bool,
    resolve_hours: i64,
) -> String {
    let id = w
        .open_case(complaint(street, category, "居民反映问题"))
        .await;
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

async fn reopened(w: &mut impl Desk) -> String {
    let id = w
        .open_case(complaint("jingshan", "house_leak", "楼上漏水"))
        .await;
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

async fn unreachable(w: &mut impl Desk) -> String {
    let id = w
        .open_case(complaint("donghuamen", "street_vending", "夜市占道"))
        .await;
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

async fn returned_and_whistled(w: &mut impl Desk) -> String {
    let id = w
        .open_case(complaint("jingshan", "property_management", "物业不作为"))
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
