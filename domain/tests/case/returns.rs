//! 退单 return, return decisions, disputes and binding rulings.

use shaobao_domain::case::*;

use crate::support::*;

fn return_case() -> CaseAction {
    CaseAction::Return(ReturnCase {
        reason: ReturnReason::NotOurFunction,
        note: "属物业管理范畴".into(),
    })
}

fn return_requested(at: i64) -> CaseEvent {
    CaseEvent::ReturnRequested {
        unit: dept("urban_management"),
        reason: ReturnReason::NotOurFunction,
        note: "属物业管理范畴".into(),
        at: t(at),
    }
}

fn decision(decision: ReturnVerdict) -> ReturnDecision {
    ReturnDecision {
        decision,
        redispatch_to: None,
        responsible: None,
        note: None,
    }
}

fn decide(body: ReturnDecision) -> CaseAction {
    CaseAction::ReturnDecision(body)
}

/// 城管 signed, then asked to return the case at T0 + 2 h.
fn return_pending() -> Vec<CaseEvent> {
    and(signed_by_department(), [return_requested(2 * H)])
}

fn disputed() -> Vec<CaseEvent> {
    and(
        return_pending(),
        [CaseEvent::DisputeRaised {
            note: None,
            at: t(3 * H),
        }],
    )
}

fn ruling(responsible: Unit) -> CaseAction {
    decide(ReturnDecision {
        responsible: Some(responsible),
        ..decision(ReturnVerdict::Rule)
    })
}

fn ruled(responsible: Unit) -> CaseEvent {
    CaseEvent::DisputeRuled {
        responsible,
        binding: true,
        note: None,
        at: t(4 * H),
    }
}

#[test]
fn the_handling_unit_returns_a_case_inside_the_window() {
    given(signed_by_department())
        .when(cmd(urban(), t(2 * H), return_case()))
        .then_expect_events(vec![return_requested(2 * H)]);
    let case = replay(&return_pending());
    assert_eq!(case.state(), Some(CaseState::ReturnPending));
    assert_eq!(case.pending_return().unwrap().from, CaseState::Signed);
}

#[test]
fn a_return_at_the_end_of_the_window_is_allowed() {
    given(at_department())
        .when(cmd(urban(), t(2 * D), return_case()))
        .then_expect_events(vec![return_requested(2 * D)]);
}

#[test]
fn no_return_after_the_window() {
    given(handling_by_department())
        .when(cmd(urban(), t(2 * D + 1), return_case()))
        .then_expect_error(CaseError::ReturnWindowClosed { until: t(2 * D) });
}

#[test]
fn no_second_return_while_one_is_pending() {
    given(return_pending())
        .when(cmd(urban(), t(3 * H), return_case()))
        .then_expect_error(CaseError::ReturnAlreadyPending);
}

#[test]
fn a_return_needs_a_note() {
    let action = CaseAction::Return(ReturnCase {
        reason: ReturnReason::Other,
        note: "".into(),
    });
    given(signed_by_department())
        .when(cmd(urban(), t(2 * H), action))
        .then_expect_error(CaseError::Blank {
            field: "note".into(),
        });
}

#[test]
fn only_the_handling_unit_returns() {
    given(signed_by_department())
        .when(cmd(housing(), t(2 * H), return_case()))
        .then_expect_error(CaseError::NotHandlingUnit { action: "return" });
}

#[test]
fn an_approved_return_goes_back_to_intake() {
    let approved = CaseEvent::ReturnApproved {
        note: None,
        at: t(3 * H),
    };
    given(return_pending())
        .when(cmd(
            hotline(),
            t(3 * H),
            decide(decision(ReturnVerdict::Approve)),
        ))
        .then_expect_events(vec![approved.clone()]);
    let case = replay(&and(return_pending(), [approved]));
    assert_eq!(case.state(), Some(CaseState::Received));
    assert_eq!(case.handling_unit(), None);
    assert!(case.pending_deadlines().is_empty());
}

#[test]
fn an_approved_return_may_redispatch_with_fresh_deadlines() {
    let body = ReturnDecision {
        redispatch_to: Some(dept("housing")),
        ..decision(ReturnVerdict::Approve)
    };
    given(return_pending())
        .when(cmd(hotline(), t(3 * H), decide(body)))
        .then_expect_events(vec![
            CaseEvent::ReturnApproved {
                note: None,
                at: t(3 * H),
            },
            dispatched(dept("housing"), Dispatcher::Hotline, 3 * H),
        ]);
}

#[test]
fn a_redispatch_must_name_a_known_unit() {
    let body = ReturnDecision {
        redispatch_to: Some(dept("nobody")),
        ..decision(ReturnVerdict::Approve)
    };
    given(return_pending())
        .when(cmd(hotline(), t(3 * H), decide(body)))
        .then_expect_error(CaseError::UnknownReference {
            field: "redispatch_to".into(),
            code: "nobody".into(),
        });
}

#[test]
fn a_rejected_return_does_not_reset_the_clock() {
    let rejected = CaseEvent::ReturnRejected {
        note: Some("属城管职责".into()),
        at: t(3 * H),
    };
    let body = ReturnDecision {
        note: Some("属城管职责".into()),
        ..decision(ReturnVerdict::Reject)
    };
    given(return_pending())
        .when(cmd(hotline(), t(3 * H), decide(body)))
        .then_expect_events(vec![rejected.clone()]);
    let before = replay(&signed_by_department());
    let after = replay(&and(return_pending(), [rejected]));
    assert_eq!(after.state(), Some(CaseState::Signed));
    assert_eq!(after.deadlines(), before.deadlines());
    assert_eq!(after.handling_unit(), Some(&dept("urban_management")));
}

#[test]
fn a_return_can_be_disputed() {
    given(return_pending())
        .when(cmd(
            hotline(),
            t(3 * H),
            decide(decision(ReturnVerdict::Dispute)),
        ))
        .then_expect_events(vec![CaseEvent::DisputeRaised {
            note: None,
            at: t(3 * H),
        }]);
    assert_eq!(replay(&disputed()).state(), Some(CaseState::Disputed));
}

#[test]
fn a_ruling_for_another_unit_redispatches_to_it() {
    given(disputed())
        .when(cmd(hotline(), t(4 * H), ruling(dept("housing"))))
        .then_expect_events(vec![
            ruled(dept("housing")),
            dispatched(dept("housing"), Dispatcher::Hotline, 4 * H),
        ]);
}

#[test]
fn a_ruling_for_the_current_unit_sends_the_case_back_to_it() {
    given(disputed())
        .when(cmd(hotline(), t(4 * H), ruling(dept("urban_management"))))
        .then_expect_events(vec![ruled(dept("urban_management"))]);
    let case = replay(&and(disputed(), [ruled(dept("urban_management"))]));
    assert_eq!(case.state(), Some(CaseState::Signed));
    assert!(case.return_barred());
}

#[test]
fn after_a_ruling_no_further_return() {
    given(and(disputed(), [ruled(dept("urban_management"))]))
        .when(cmd(urban(), t(5 * H), return_case()))
        .then_expect_error(CaseError::ReturnBarredByRuling);
}

#[test]
fn after_a_ruling_the_new_unit_cannot_return_either() {
    given(and(
        disputed(),
        [
            ruled(dept("housing")),
            dispatched(dept("housing"), Dispatcher::Hotline, 4 * H),
        ],
    ))
    .when(cmd(housing(), t(5 * H), return_case()))
    .then_expect_error(CaseError::ReturnBarredByRuling);
}

#[test]
fn only_a_disputed_return_is_ruled() {
    given(return_pending())
        .when(cmd(hotline(), t(3 * H), ruling(dept("housing"))))
        .then_expect_error(CaseError::WrongState {
            action: "return-decision",
            state: CaseState::ReturnPending,
        });
}

#[test]
fn a_disputed_return_is_only_ruled() {
    given(disputed())
        .when(cmd(
            hotline(),
            t(4 * H),
            decide(decision(ReturnVerdict::Approve)),
        ))
        .then_expect_error(CaseError::WrongState {
            action: "return-decision",
            state: CaseState::Disputed,
        });
}

#[test]
fn a_ruling_names_the_responsible_unit() {
    given(disputed())
        .when(cmd(
            hotline(),
            t(4 * H),
            decide(decision(ReturnVerdict::Rule)),
        ))
        .then_expect_error(CaseError::ResponsibleRequired);
}

#[test]
fn redispatch_goes_only_with_approve() {
    let body = ReturnDecision {
        redispatch_to: Some(dept("housing")),
        ..decision(ReturnVerdict::Reject)
    };
    given(return_pending())
        .when(cmd(hotline(), t(3 * H), decide(body)))
        .then_expect_error(CaseError::FieldNotForDecision {
            field: "redispatch_to".into(),
            decision: "reject",
        });
}

#[test]
fn responsible_goes_only_with_rule() {
    let body = ReturnDecision {
        responsible: Some(dept("housing")),
        ..decision(ReturnVerdict::Approve)
    };
    given(return_pending())
        .when(cmd(hotline(), t(3 * H), decide(body)))
        .then_expect_error(CaseError::FieldNotForDecision {
            field: "responsible".into(),
            decision: "approve",
        });
}

#[test]
fn the_handling_unit_does_not_decide_its_own_return() {
    given(return_pending())
        .when(cmd(
            urban(),
            t(3 * H),
            decide(decision(ReturnVerdict::Approve)),
        ))
        .then_expect_error(CaseError::NotDispatchingParty {
            action: "return-decision",
        });
}

#[test]
fn a_street_decides_returns_of_cases_it_dispatched() {
    let pending = and(handling_street_to_department(), [return_requested(4 * H)]);
    given(pending)
        .when(cmd(
            jingshan(),
            t(5 * H),
            decide(decision(ReturnVerdict::Reject)),
        ))
        .then_expect_events(vec![CaseEvent::ReturnRejected {
            note: None,
            at: t(5 * H),
        }]);
}

#[test]
fn a_street_does_not_decide_returns_of_cases_the_hotline_dispatched() {
    given(return_pending())
        .when(cmd(
            jingshan(),
            t(3 * H),
            decide(decision(ReturnVerdict::Reject)),
        ))
        .then_expect_error(CaseError::NotDispatchingParty {
            action: "return-decision",
        });
}

#[test]
fn a_street_ruling_cannot_hand_the_case_to_another_street() {
    let case = and(
        handling_street_to_department(),
        [
            return_requested(4 * H),
            CaseEvent::DisputeRaised {
                note: None,
                at: t(5 * H),
            },
        ],
    );
    given(case)
        .when(cmd(jingshan(), t(6 * H), ruling(street("donghuamen"))))
        .then_expect_error(CaseError::DispatchToOtherStreet {
            street: "donghuamen".into(),
        });
}

#[test]
fn a_decision_needs_a_pending_return() {
    given(signed_by_department())
        .when(cmd(
            hotline(),
            t(3 * H),
            decide(decision(ReturnVerdict::Reject)),
        ))
        .then_expect_error(CaseError::WrongState {
            action: "return-decision",
            state: CaseState::Signed,
        });
}
