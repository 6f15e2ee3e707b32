//! 吹哨 whistles, 报到 report-in, decline, department actions, closing with ratings.

use std::collections::BTreeMap;

use shaobao_domain::case::*;
use shaobao_domain::sla::WhistleKind;

use crate::support::*;

fn blow(departments: &[(&str, WhistleRole)]) -> CaseAction {
    CaseAction::BlowWhistle(BlowWhistle {
        kind: WhistleKind::Routine,
        departments: departments
            .iter()
            .map(|(department, role)| Summons {
                department: department.to_string(),
                role: *role,
            })
            .collect(),
        note: None,
    })
}

fn standard_blow() -> CaseAction {
    blow(&[
        ("urban_management", WhistleRole::Lead),
        ("housing", WhistleRole::Assist),
    ])
}

fn report_in() -> CaseAction {
    whistle(1, WhistleAction::ReportIn { mode: None })
}

fn decline(reason: &str) -> CaseAction {
    whistle(
        1,
        WhistleAction::Decline {
            reason: reason.into(),
        },
    )
}

fn act(summary: &str) -> CaseAction {
    whistle(
        1,
        WhistleAction::Act {
            summary: summary.into(),
            evidence: vec![],
        },
    )
}

fn close(ratings: &[(&str, Rating)]) -> CaseAction {
    whistle(
        1,
        WhistleAction::Close {
            ratings: ratings_map(ratings),
            note: None,
        },
    )
}

fn ratings_map(ratings: &[(&str, Rating)]) -> BTreeMap<String, Rating> {
    ratings.iter().map(|(d, r)| (d.to_string(), *r)).collect()
}

fn declined(department: &str) -> CaseEvent {
    CaseEvent::WhistleDeclined {
        no: 1,
        department: department.into(),
        reason: "不属本部门".into(),
        at: t(5 * H),
    }
}

#[test]
fn the_street_blows_a_whistle_and_the_case_is_handled() {
    let signed = vec![
        opened(),
        dispatched(street("jingshan"), by_street("jingshan"), 0),
        signed_at(H),
    ];
    given(signed.clone())
        .when(cmd(jingshan(), t(4 * H), standard_blow()))
        .then_expect_events(vec![whistle_blown(1)]);
    let case = replay(&and(signed, [whistle_blown(1)]));
    assert_eq!(case.state(), Some(CaseState::Handling));
    let summoned = &case.whistle(1).unwrap().departments[0];
    assert_eq!(summoned.status, DepartmentStatus::Summoned);
    assert_eq!(summoned.report_in_by, t(3 * D + 4 * H));
}

#[test]
fn whistles_are_numbered_per_case() {
    let mut second = whistle_blown(2);
    if let CaseEvent::WhistleBlown {
        departments,
        ladders,
        ..
    } = &mut second
    {
        departments.truncate(1);
        ladders.truncate(1);
    }
    given(whistled())
        .when(cmd(
            jingshan(),
            t(4 * H),
            blow(&[("urban_management", WhistleRole::Lead)]),
        ))
        .then_expect_events(vec![second]);
}

#[test]
fn an_emergency_whistle_has_a_30_minute_report_in() {
    let action = CaseAction::BlowWhistle(BlowWhistle {
        kind: WhistleKind::Emergency,
        departments: vec![Summons {
            department: "water".into(),
            role: WhistleRole::Lead,
        }],
        note: Some("爆管".into()),
    });
    given(handling_self_dispatched())
        .when(cmd(jingshan(), t(4 * H), action))
        .then_expect_events(vec![CaseEvent::WhistleBlown {
            no: 1,
            kind: WhistleKind::Emergency,
            departments: vec![SummonedDepartment {
                department: "water".into(),
                role: WhistleRole::Lead,
                report_in_by: t(4 * H + 30),
            }],
            note: Some("爆管".into()),
            at: t(4 * H),
            ladders: vec![ladder(report_in_deadline(1, "water"), 4 * H, 4 * H + 30)],
        }]);
}

#[test]
fn the_hotline_may_not_blow_whistles() {
    given(handling_self_dispatched())
        .when(cmd(hotline(), t(4 * H), standard_blow()))
        .then_expect_error(CaseError::NotStreetDispatcher {
            action: "whistles",
            street: "jingshan".into(),
        });
}

#[test]
fn another_street_may_not_blow_whistles() {
    given(handling_self_dispatched())
        .when(cmd(donghuamen(), t(4 * H), standard_blow()))
        .then_expect_error(CaseError::NotStreetDispatcher {
            action: "whistles",
            street: "jingshan".into(),
        });
}

#[test]
fn a_street_whistles_on_a_case_a_department_handles() {
    given(handling_by_department())
        .when(cmd(jingshan(), t(4 * H), standard_blow()))
        .then_expect_events(vec![whistle_blown(1)]);
}

#[test]
fn a_closed_case_cannot_be_whistled() {
    given(closed_case())
        .when(cmd(jingshan(), t(4 * D), standard_blow()))
        .then_expect_error(CaseError::WrongState {
            action: "whistles",
            state: CaseState::Closed,
        });
}

/// The street whistled 城管 and 住建, 城管 reported in, the street resolved the case itself, the
/// resident was satisfied and the case closed at T0 + 3 d with whistle 1 still open.
fn closed_with_an_open_whistle() -> Vec<CaseEvent> {
    and(
        whistled(),
        [
            reported_in("urban_management", 5 * H),
            resolution_submitted(2 * D),
            CaseEvent::ResolutionAccepted {
                note: None,
                at: t(2 * D + H),
                callback_by: t(3 * D + H),
                ladders: vec![],
            },
            callback_recorded(1, Some(Satisfaction::Satisfied), 2 * D + 2 * H),
            closed_at(3 * D, 2),
        ],
    )
}

#[test]
fn departments_no_longer_act_on_a_whistle_of_a_closed_case() {
    let closed = CaseError::WrongState {
        action: "report-in",
        state: CaseState::Closed,
    };
    given(closed_with_an_open_whistle())
        .when(cmd(housing(), t(4 * D), report_in()))
        .then_expect_error(closed);
    given(closed_with_an_open_whistle())
        .when(cmd(housing(), t(4 * D), decline("太晚了")))
        .then_expect_error(CaseError::WrongState {
            action: "decline",
            state: CaseState::Closed,
        });
    given(closed_with_an_open_whistle())
        .when(cmd(urban(), t(4 * D), act("补充整改")))
        .then_expect_error(CaseError::WrongState {
            action: "action",
            state: CaseState::Closed,
        });
}

#[test]
fn the_street_still_rates_the_departments_of_a_closed_case() {
    given(closed_with_an_open_whistle())
        .when(cmd(
            jingshan(),
            t(4 * D),
            close(&[("urban_management", Rating::Good)]),
        ))
        .then_expect_events(vec![CaseEvent::WhistleClosed {
            no: 1,
            ratings: ratings_map(&[("urban_management", Rating::Good)]),
            note: None,
            at: t(4 * D),
        }]);
}

#[test]
fn a_reopened_case_lets_summoned_departments_act_again() {
    let reopened = and(
        closed_with_an_open_whistle(),
        [CaseEvent::CaseReopened {
            reason: "又坏了".into(),
            at: t(4 * D),
            resolve_by: t(10 * D),
            reopen_count: 1,
            ladders: vec![],
        }],
    );
    let events = given(reopened)
        .when(cmd(housing(), t(4 * D + H), report_in()))
        .inspect_result()
        .expect("report-in after reopen");
    assert!(matches!(
        events.as_slice(),
        [CaseEvent::DepartmentReportedIn { department, .. }] if department == "housing"
    ));
}

#[test]
fn a_received_case_cannot_be_whistled() {
    given(vec![opened()])
        .when(cmd(jingshan(), t(H), standard_blow()))
        .then_expect_error(CaseError::WrongState {
            action: "whistles",
            state: CaseState::Received,
        });
}

#[test]
fn a_whistle_summons_someone() {
    given(handling_self_dispatched())
        .when(cmd(jingshan(), t(4 * H), blow(&[])))
        .then_expect_error(CaseError::NoDepartments);
}

#[test]
fn a_whistle_summons_known_departments() {
    given(handling_self_dispatched())
        .when(cmd(
            jingshan(),
            t(4 * H),
            blow(&[
                ("urban_management", WhistleRole::Lead),
                ("police", WhistleRole::Assist),
            ]),
        ))
        .then_expect_error(CaseError::UnknownReference {
            field: "departments[1].department".into(),
            code: "police".into(),
        });
}

#[test]
fn a_whistle_summons_each_department_once() {
    given(handling_self_dispatched())
        .when(cmd(
            jingshan(),
            t(4 * H),
            blow(&[
                ("urban_management", WhistleRole::Lead),
                ("urban_management", WhistleRole::Assist),
            ]),
        ))
        .then_expect_error(CaseError::DuplicateDepartment {
            department: "urban_management".into(),
        });
}

#[test]
fn a_whistle_needs_a_lead_department() {
    given(handling_self_dispatched())
        .when(cmd(
            jingshan(),
            t(4 * H),
            blow(&[("housing", WhistleRole::Assist)]),
        ))
        .then_expect_error(CaseError::NoLeadDepartment);
}

#[test]
fn a_summoned_department_reports_in_on_time() {
    given(whistled())
        .when(cmd(urban(), t(6 * H), report_in()))
        .then_expect_events(vec![reported_in("urban_management", 6 * H)]);
}

#[test]
fn a_late_report_in_is_recorded_as_late() {
    let action = whistle(
        1,
        WhistleAction::ReportIn {
            mode: Some(ReportInMode::Remote),
        },
    );
    given(whistled())
        .when(cmd(housing(), t(4 * D), action))
        .then_expect_events(vec![CaseEvent::DepartmentReportedIn {
            no: 1,
            department: "housing".into(),
            mode: ReportInMode::Remote,
            at: t(4 * D),
            on_time: false,
        }]);
}

#[test]
fn a_department_that_was_not_summoned_cannot_report_in() {
    given(whistled())
        .when(cmd(water(), t(6 * H), report_in()))
        .then_expect_error(CaseError::NotSummoned { no: 1 });
}

#[test]
fn the_street_itself_does_not_report_in() {
    given(whistled())
        .when(cmd(jingshan(), t(6 * H), report_in()))
        .then_expect_error(CaseError::NotSummoned { no: 1 });
}

#[test]
fn a_department_reports_in_once() {
    given(and(whistled(), [reported_in("urban_management", 6 * H)]))
        .when(cmd(urban(), t(7 * H), report_in()))
        .then_expect_error(CaseError::AlreadyReportedIn { no: 1 });
}

#[test]
fn a_summoned_department_may_decline_with_a_reason() {
    given(whistled())
        .when(cmd(housing(), t(5 * H), decline("不属本部门")))
        .then_expect_events(vec![declined("housing")]);
}

#[test]
fn a_decline_needs_a_reason() {
    given(whistled())
        .when(cmd(housing(), t(5 * H), decline(" ")))
        .then_expect_error(CaseError::Blank {
            field: "reason".into(),
        });
}

#[test]
fn no_decline_after_reporting_in() {
    given(and(whistled(), [reported_in("urban_management", 6 * H)]))
        .when(cmd(urban(), t(7 * H), decline("改主意了")))
        .then_expect_error(CaseError::AlreadyReportedIn { no: 1 });
}

#[test]
fn no_report_in_after_declining() {
    given(and(whistled(), [declined("housing")]))
        .when(cmd(housing(), t(7 * H), report_in()))
        .then_expect_error(CaseError::AlreadyDeclined { no: 1 });
}

#[test]
fn a_reported_in_department_reports_actions_repeatedly() {
    let first = CaseEvent::WhistleActionReported {
        no: 1,
        department: "urban_management".into(),
        summary: "现场执法".into(),
        evidence: vec![],
        at: t(8 * H),
    };
    given(and(whistled(), [reported_in("urban_management", 6 * H)]))
        .when(cmd(urban(), t(8 * H), act("现场执法")))
        .then_expect_events(vec![first.clone()]);
    given(and(
        whistled(),
        [reported_in("urban_management", 6 * H), first.clone()],
    ))
    .when(cmd(urban(), t(8 * H), act("现场执法")))
    .then_expect_events(vec![first]);
}

#[test]
fn actions_come_after_reporting_in() {
    given(whistled())
        .when(cmd(urban(), t(8 * H), act("现场执法")))
        .then_expect_error(CaseError::NotReportedIn { no: 1 });
}

#[test]
fn the_street_closes_the_whistle_rating_who_reported_in() {
    let closed = CaseEvent::WhistleClosed {
        no: 1,
        ratings: ratings_map(&[("urban_management", Rating::Good)]),
        note: None,
        at: t(2 * D),
    };
    let history = and(
        whistled(),
        [reported_in("urban_management", 6 * H), declined("housing")],
    );
    given(history.clone())
        .when(cmd(
            jingshan(),
            t(2 * D),
            close(&[("urban_management", Rating::Good)]),
        ))
        .then_expect_events(vec![closed.clone()]);
    let case = replay(&and(history, [closed]));
    let whistle = case.whistle(1).unwrap();
    assert!(whistle.is_closed());
    let urban = whistle.department("urban_management").unwrap();
    assert_eq!(urban.status, DepartmentStatus::Closed);
    assert_eq!(urban.rating, Some(Rating::Good));
    let housing = whistle.department("housing").unwrap();
    assert_eq!(housing.status, DepartmentStatus::Declined);
}

#[test]
fn closing_needs_a_rating_for_every_department_that_reported_in() {
    given(and(whistled(), [reported_in("urban_management", 6 * H)]))
        .when(cmd(jingshan(), t(2 * D), close(&[])))
        .then_expect_error(CaseError::RatingsMismatch {
            missing: vec!["urban_management".into()],
            extra: vec![],
        });
}

#[test]
fn closing_rates_only_departments_that_reported_in() {
    given(and(whistled(), [reported_in("urban_management", 6 * H)]))
        .when(cmd(
            jingshan(),
            t(2 * D),
            close(&[
                ("urban_management", Rating::Fair),
                ("housing", Rating::Poor),
            ]),
        ))
        .then_expect_error(CaseError::RatingsMismatch {
            missing: vec![],
            extra: vec!["housing".into()],
        });
}

#[test]
fn only_the_street_closes_whistles() {
    given(whistled())
        .when(cmd(hotline(), t(2 * D), close(&[])))
        .then_expect_error(CaseError::NotStreetDispatcher {
            action: "close whistle",
            street: "jingshan".into(),
        });
}

fn closed_whistle() -> Vec<CaseEvent> {
    and(
        whistled(),
        [CaseEvent::WhistleClosed {
            no: 1,
            ratings: BTreeMap::new(),
            note: None,
            at: t(D),
        }],
    )
}

#[test]
fn a_closed_whistle_takes_no_more_actions() {
    given(closed_whistle())
        .when(cmd(urban(), t(2 * D), report_in()))
        .then_expect_error(CaseError::WhistleClosed { no: 1 });
}

#[test]
fn a_whistle_is_closed_once() {
    given(closed_whistle())
        .when(cmd(jingshan(), t(2 * D), close(&[])))
        .then_expect_error(CaseError::WhistleClosed { no: 1 });
}

#[test]
fn an_unknown_whistle_is_not_found() {
    given(whistled())
        .when(cmd(
            urban(),
            t(6 * H),
            whistle(9, WhistleAction::ReportIn { mode: None }),
        ))
        .then_expect_error(CaseError::WhistleNotFound { no: 9 });
}

#[test]
fn a_parked_case_cannot_be_whistled() {
    let parked = and(
        handling_self_dispatched(),
        [CaseEvent::CaseParked {
            reason: ParkReason::Policy,
            review_at: t(30 * D),
            at: t(4 * H),
        }],
    );
    given(parked)
        .when(cmd(jingshan(), t(5 * H), standard_blow()))
        .then_expect_error(CaseError::WrongState {
            action: "whistles",
            state: CaseState::Parked,
        });
}

#[test]
fn an_answered_case_cannot_be_whistled() {
    let answered = vec![
        opened_as(CaseKind::Consultation),
        CaseEvent::AnsweredDirectly {
            note: None,
            at: t(5),
        },
    ];
    given(answered)
        .when(cmd(jingshan(), t(H), standard_blow()))
        .then_expect_error(CaseError::WrongState {
            action: "whistles",
            state: CaseState::Answered,
        });
}
