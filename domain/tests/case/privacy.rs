//! 个人信息 Who sees the requester's name and phone (DESIGN §1), and whose reads are logged.

use shaobao_domain::case::*;
use shaobao_domain::Actor;

use crate::support::*;

fn access(events: &[CaseEvent], actor: &Actor) -> RequesterAccess {
    replay(events).requester_access(actor)
}

#[test]
fn the_hotline_auditors_and_operators_see_the_requester_unlogged() {
    let case = at_department();
    for actor in [hotline(), Actor::auditor("a-1"), Actor::admin("ops-1")] {
        assert_eq!(access(&case, &actor), RequesterAccess::Shown, "{actor:?}");
    }
}

#[test]
fn the_case_street_and_the_current_handling_unit_see_it_and_are_logged() {
    let case = at_department();
    assert_eq!(access(&case, &urban()), RequesterAccess::ShownAndLogged);
    assert_eq!(access(&case, &jingshan()), RequesterAccess::ShownAndLogged);
    let at_street = handling_by_street();
    assert_eq!(
        access(&at_street, &jingshan()),
        RequesterAccess::ShownAndLogged
    );
}

#[test]
fn other_streets_departments_co_units_and_volunteers_see_it_masked() {
    let case = at_department();
    for actor in [
        donghuamen(),
        housing(),
        volunteer(),
        Actor::intake("app-1"),
        system(),
    ] {
        assert_eq!(access(&case, &actor), RequesterAccess::Masked, "{actor:?}");
    }
    let mut dispatch = dispatched(dept("urban_management"), Dispatcher::Hotline, 0);
    if let CaseEvent::CaseDispatched { co_units, .. } = &mut dispatch {
        co_units.push(dept("housing"));
    }
    let with_co_unit = vec![opened(), dispatch];
    assert_eq!(access(&with_co_unit, &housing()), RequesterAccess::Masked);
    assert_eq!(
        access(&with_co_unit, &urban()),
        RequesterAccess::ShownAndLogged
    );
}

#[test]
fn a_summoned_department_sees_it_masked() {
    let whistled = and(handling_self_dispatched(), [whistle_blown(1)]);
    assert_eq!(access(&whistled, &urban()), RequesterAccess::Masked);
    assert!(!RequesterAccess::Masked.is_shown());
}

#[test]
fn a_department_that_handed_the_case_back_no_longer_sees_it() {
    let returned = and(
        signed_by_department(),
        [
            CaseEvent::ReturnRequested {
                unit: dept("urban_management"),
                reason: ReturnReason::NotOurFunction,
                note: "属住建".into(),
                at: t(2 * H),
            },
            CaseEvent::ReturnApproved {
                note: None,
                at: t(3 * H),
            },
        ],
    );
    assert_eq!(access(&returned, &urban()), RequesterAccess::Masked);
    assert_eq!(access(&returned, &hotline()), RequesterAccess::Shown);
}
