//! More of the statistics month, played after [`crate::month::scripted_month`]: the cases that
//! tell the DESIGN §4 counting rules apart — a re-dispatch after a late sign and an approved
//! return, a rejected return, a declined summons, a reopen whose new resolve deadline is missed, a co-unit, and two
//! cases either side of the month's end. Figures computed by hand in
//! `tests/projections/statistics.rs`.
//!
//! All times Beijing; `scripted_month` leaves the clock at Tue 17 March 04:00. Sample district,
//! real SLA (ordinary: sign 2 working hours, working hours 09:00–12:00 and 13:30–17:30; contact
//! 24 h; resolve 7 d).
//!
//! | case | street     | category           | handled by                  | what happens                                                   |
//! |------|------------|--------------------|-----------------------------|----------------------------------------------------------------|
//! | H    | jiaodaokou | garbage_collection | city_admin → RETURN         | Tue 17 10:00 dispatched (sign by 12:00); signed 13:00 (LATE);  |
//! |      |            |                    | approved → landscaping      | return 14:00, approved 15:00 and re-dispatched (sign by 17:00, |
//! |      |            |                    |                             | contact by Wed 15:00); signed 15:10, contacted 16:00, resolved |
//! |      |            |                    |                             | Wed 18 16:00; callback resolved, satisfied                     |
//! | I    | andingmen  | drainage           | water_affairs               | Wed 18 19:00 dispatched; signed 19:10; return 20:00 REJECTED   |
//! |      |            |                    |                             | 21:00; contacted 22:00; the street whistles gas in, gas        |
//! |      |            |                    |                             | DECLINES 22:10; resolved Thu 22:00; callback unresolved,       |
//! |      |            |                    |                             | basically satisfied                                            |
//! | J    | qianmen    | food_safety        | market_regulation, co-unit  | Fri 20 10:00 dispatched; on time; resolved Sat 21 10:00,       |
//! |      |            |                    | health                      | accepted 11:00; callback dissatisfied → REOPENED 12:00 (resolve|
//! |      |            |                    |                             | by Sat 28 12:00); resolved Sun 29 12:00 (LATE); satisfied      |
//! | K    | jiaodaokou | noise              | eco_env                     | Tue 31 March 23:30 (counts in MARCH); signed Wed 1 April 09:30 |
//! |      |            |                    |                             | (by 11:00), contacted 10:00; still open                        |
//! | L    | jiaodaokou | noise              | eco_env                     | Wed 1 April 00:30 (counts in APRIL); never signed              |
//!
//! The clock ends at Thu 2 April 04:00: L's sign (1 April 11:00) and contact (2 April 00:30)
//! deadlines have run out, and so has G's resolve deadline (22 March 04:00).

use shaobao_domain::case::*;
use shaobao_domain::CaseAction;

use crate::script::*;

/// Runs H…L (after `scripted_month`); returns their ids.
pub async fn counting_rule_cases<D: Desk>(w: &mut D) -> Vec<String> {
    w.advance(hours(6));
    let h = redispatched(w).await;
    let i = return_rejected(w).await;
    w.advance(hours(9));
    let j = reopened_late(w).await;
    w.advance(hours(56) + minutes(30));
    let k = w
        .open_case(complaint("jiaodaokou", "noise", "跨月夜间施工"))
        .await;
    w.act(&k, &hotline(), dispatch(to_department("eco_env")))
        .await;
    w.advance(hours(1));
    let l = w
        .open_case(complaint("jiaodaokou", "noise", "四月夜间施工"))
        .await;
    w.act(&l, &hotline(), dispatch(to_department("eco_env")))
        .await;
    w.advance(hours(9));
    w.act(&k, &department("eco_env"), CaseAction::Sign).await;
    w.advance(minutes(30));
    w.act(&k, &department("eco_env"), contact()).await;
    w.advance(hours(18));
    vec![h, i, j, k, l]
}

/// Resolution at once, accepted, called back and closed, an hour apart.
async fn resolved_and_called_back(w: &mut impl Desk, id: &str, unit: &str, callback: CaseAction) {
    w.act(id, &department(unit), resolve()).await;
    w.advance(hours(1));
    w.act(id, &hotline(), accept()).await;
    w.advance(hours(1));
    w.act(id, &hotline(), callback).await;
    w.advance(hours(1));
    w.act(id, &hotline(), close()).await;
}

fn give_back() -> CaseAction {
    CaseAction::Return(ReturnCase {
        reason: ReturnReason::WrongJurisdiction,
        note: "不属本单位职责".into(),
    })
}

fn decide_return(decision: ReturnVerdict, redispatch_to: Option<Unit>) -> CaseAction {
    CaseAction::ReturnDecision(ReturnDecision {
        decision,
        redispatch_to,
        responsible: None,
        note: None,
    })
}

async fn redispatched(w: &mut impl Desk) -> String {
    let id = w
        .open_case(complaint(
            "jiaodaokou",
            "garbage_collection",
            "垃圾清运不及时",
        ))
        .await;
    let (first, second) = ("city_admin", "landscaping");
    w.act(&id, &hotline(), dispatch(to_department(first))).await;
    w.advance(hours(3));
    w.act(&id, &department(first), CaseAction::Sign).await;
    w.advance(hours(1));
    w.act(&id, &department(first), give_back()).await;
    w.advance(hours(1));
    let approve = decide_return(ReturnVerdict::Approve, Some(to_department(second)));
    w.act(&id, &hotline(), approve).await;
    w.advance(minutes(10));
    w.act(&id, &department(second), CaseAction::Sign).await;
    w.advance(minutes(50));
    w.act(&id, &department(second), contact()).await;
    w.advance(hours(24));
    let satisfied = reached(true, Satisfaction::Satisfied);
    resolved_and_called_back(w, &id, second, satisfied).await;
    id
}

async fn return_rejected(w: &mut impl Desk) -> String {
    let id = w
        .open_case(complaint("andingmen", "drainage", "雨水井堵塞"))
        .await;
    let unit = "water_affairs";
    w.act(&id, &hotline(), dispatch(to_department(unit))).await;
    w.advance(minutes(10));
    w.act(&id, &department(unit), CaseAction::Sign).await;
    w.advance(minutes(50));
    w.act(&id, &department(unit), give_back()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), decide_return(ReturnVerdict::Reject, None))
        .await;
    w.advance(hours(1));
    w.act(&id, &department(unit), contact()).await;
    // The street whistles gas in; gas declines at once, and the whistle is closed unrated.
    let street = dispatcher("andingmen");
    let whistle = BlowWhistle {
        kind: shaobao_domain::sla::WhistleKind::Crucial,
        departments: vec![Summons {
            department: "gas".into(),
            role: WhistleRole::Lead,
        }],
        note: None,
    };
    w.act(&id, &street, CaseAction::BlowWhistle(whistle)).await;
    w.advance(minutes(10));
    let decline = WhistleAction::Decline {
        reason: "非燃气问题".into(),
    };
    w.act(
        &id,
        &department("gas"),
        CaseAction::Whistle {
            no: 1,
            action: decline,
        },
    )
    .await;
    let close_unrated = WhistleAction::Close {
        ratings: Default::default(),
        note: None,
    };
    w.act(
        &id,
        &street,
        CaseAction::Whistle {
            no: 1,
            action: close_unrated,
        },
    )
    .await;
    w.advance(hours(24) - minutes(10));
    let basically = reached(false, Satisfaction::BasicallySatisfied);
    resolved_and_called_back(w, &id, unit, basically).await;
    id
}

async fn reopened_late(w: &mut impl Desk) -> String {
    let id = w
        .open_case(complaint("qianmen", "food_safety", "餐馆卫生差"))
        .await;
    let unit = "market_regulation";
    let with_co_unit = CaseAction::Dispatch(Dispatch {
        unit: to_department(unit),
        co_units: vec![to_department("health")],
    });
    w.act(&id, &hotline(), with_co_unit).await;
    w.advance(minutes(10));
    w.act(&id, &department(unit), CaseAction::Sign).await;
    w.advance(minutes(50));
    w.act(&id, &department(unit), contact()).await;
    w.advance(hours(23));
    w.act(&id, &department(unit), resolve()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), accept()).await;
    w.advance(hours(1));
    w.act(&id, &hotline(), reached(false, Satisfaction::Dissatisfied))
        .await;
    w.act(&id, &hotline(), CaseAction::Reopen(reason("仍不卫生")))
        .await;
    w.advance(hours(8 * 24));
    let satisfied = reached(true, Satisfaction::Satisfied);
    resolved_and_called_back(w, &id, unit, satisfied).await;
    id
}
