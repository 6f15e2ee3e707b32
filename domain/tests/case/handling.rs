//! 签收 sign, 联系 contact, 办理 progress, 延期 extension, 办结 resolution, 核查 verification.

use shaobao_domain::case::*;

use crate::support::*;

fn extension(until: i64) -> CaseAction {
    CaseAction::Extension(RequestExtension {
        until: t(until),
        reason: "需协调产权单位".into(),
    })
}

fn extension_requested(until: i64) -> CaseEvent {
    CaseEvent::ExtensionRequested {
        until: t(until),
        reason: "需协调产权单位".into(),
        at: t(D),
    }
}

fn decide(approve: bool) -> CaseAction {
    CaseAction::ExtensionDecision(DecideExtension {
        approve,
        note: None,
    })
}

fn verify(accepted: bool) -> CaseAction {
    CaseAction::Verification(Verify {
        accepted,
        note: None,
    })
}

// --- sign ------------------------------------------------------------------------------------

#[test]
fn the_department_signs_for_the_case_on_time() {
    given(at_department())
        .when(cmd(urban(), t(H), CaseAction::Sign))
        .then_expect_events(vec![signed_at(H)]);
    assert_eq!(
        replay(&signed_by_department()).state(),
        Some(CaseState::Signed)
    );
}

#[test]
fn a_late_sign_for_is_recorded_as_late() {
    given(at_department())
        .when(cmd(urban(), t(2 * H + 1), CaseAction::Sign))
        .then_expect_events(vec![CaseEvent::CaseSigned {
            at: t(2 * H + 1),
            on_time: false,
        }]);
}

#[test]
fn a_street_signs_for_a_case_dispatched_to_it() {
    given(vec![
        opened(),
        dispatched(street("jingshan"), Dispatcher::Hotline, 0),
    ])
    .when(cmd(jingshan(), t(H), CaseAction::Sign))
    .then_expect_events(vec![signed_at(H)]);
}

#[test]
fn only_the_handling_unit_signs() {
    for actor in [housing(), hotline(), jingshan()] {
        given(at_department())
            .when(cmd(actor, t(H), CaseAction::Sign))
            .then_expect_error(CaseError::NotHandlingUnit { action: "sign" });
    }
}

#[test]
fn a_case_is_signed_for_once() {
    given(signed_by_department())
        .when(cmd(urban(), t(H), CaseAction::Sign))
        .then_expect_error(CaseError::WrongState {
            action: "sign",
            state: CaseState::Signed,
        });
}

// --- contact ---------------------------------------------------------------------------------

#[test]
fn contacting_the_requester_starts_handling() {
    let action = CaseAction::Contact(Contact {
        channel: ContactChannel::Phone,
        note: None,
    });
    given(signed_by_department())
        .when(cmd(urban(), t(3 * H), action))
        .then_expect_events(vec![contacted_at(3 * H)]);
    assert_eq!(
        replay(&handling_by_department()).state(),
        Some(CaseState::Handling)
    );
}

#[test]
fn a_late_contact_is_recorded_as_late() {
    let action = CaseAction::Contact(Contact {
        channel: ContactChannel::Visit,
        note: Some("上门".into()),
    });
    given(signed_by_department())
        .when(cmd(urban(), t(25 * H), action))
        .then_expect_events(vec![CaseEvent::RequesterContacted {
            channel: ContactChannel::Visit,
            note: Some("上门".into()),
            at: t(25 * H),
            on_time: false,
        }]);
}

#[test]
fn contact_comes_after_sign_for() {
    let action = CaseAction::Contact(Contact {
        channel: ContactChannel::Sms,
        note: None,
    });
    given(at_department())
        .when(cmd(urban(), t(H), action))
        .then_expect_error(CaseError::WrongState {
            action: "contact",
            state: CaseState::Dispatched,
        });
}

// --- progress --------------------------------------------------------------------------------

#[test]
fn progress_is_recorded_and_starts_handling() {
    let action = CaseAction::Progress(Progress {
        note: "已约谈施工方".into(),
        evidence: vec!["photo-1".into()],
    });
    let event = CaseEvent::ProgressRecorded {
        note: "已约谈施工方".into(),
        evidence: vec!["photo-1".into()],
        at: t(2 * H),
    };
    given(signed_by_department())
        .when(cmd(urban(), t(2 * H), action))
        .then_expect_events(vec![event.clone()]);
    let case = replay(&and(signed_by_department(), [event]));
    assert_eq!(case.state(), Some(CaseState::Handling));
}

#[test]
fn progress_needs_a_note() {
    let action = CaseAction::Progress(Progress {
        note: "".into(),
        evidence: vec![],
    });
    given(handling_by_department())
        .when(cmd(urban(), t(4 * H), action))
        .then_expect_error(CaseError::Blank {
            field: "note".into(),
        });
}

#[test]
fn only_the_handling_unit_records_progress() {
    let action = CaseAction::Progress(Progress {
        note: "看过了".into(),
        evidence: vec![],
    });
    given(handling_by_department())
        .when(cmd(water(), t(4 * H), action))
        .then_expect_error(CaseError::NotHandlingUnit { action: "progress" });
}

// --- extension -------------------------------------------------------------------------------

#[test]
fn the_handling_unit_asks_for_an_extension() {
    given(handling_by_department())
        .when(cmd(urban(), t(D), extension(10 * D)))
        .then_expect_events(vec![extension_requested(10 * D)]);
}

#[test]
fn an_extension_must_move_the_deadline_later() {
    given(handling_by_department())
        .when(cmd(urban(), t(D), extension(7 * D)))
        .then_expect_error(CaseError::ExtensionNotLater {
            resolve_by: t(7 * D),
        });
}

#[test]
fn an_extension_is_at_most_the_policy_maximum() {
    given(handling_by_department())
        .when(cmd(urban(), t(D), extension(17 * D + 1)))
        .then_expect_error(CaseError::ExtensionTooLong { latest: t(17 * D) });
}

#[test]
fn an_extension_of_exactly_the_maximum_is_allowed() {
    given(handling_by_department())
        .when(cmd(urban(), t(D), extension(17 * D)))
        .then_expect_events(vec![extension_requested(17 * D)]);
}

#[test]
fn an_extension_needs_a_reason() {
    let action = CaseAction::Extension(RequestExtension {
        until: t(9 * D),
        reason: " ".into(),
    });
    given(handling_by_department())
        .when(cmd(urban(), t(D), action))
        .then_expect_error(CaseError::Blank {
            field: "reason".into(),
        });
}

#[test]
fn one_extension_request_at_a_time() {
    given(and(handling_by_department(), [extension_requested(9 * D)]))
        .when(cmd(urban(), t(D), extension(10 * D)))
        .then_expect_error(CaseError::ExtensionAlreadyPending);
}

#[test]
fn at_most_one_extension_is_granted_per_case() {
    let granted = CaseEvent::ExtensionGranted {
        resolve_by: t(9 * D),
        note: None,
        at: t(D + H),
        ladders: vec![ladder(DeadlineRef::Resolve, D + H, 9 * D)],
    };
    given(and(
        handling_by_department(),
        [extension_requested(9 * D), granted],
    ))
    .when(cmd(urban(), t(2 * D), extension(10 * D)))
    .then_expect_error(CaseError::ExtensionLimitReached { max: 1 });
}

#[test]
fn a_denied_extension_may_be_asked_again() {
    let denied = CaseEvent::ExtensionDenied {
        note: None,
        at: t(D + H),
    };
    given(and(
        handling_by_department(),
        [extension_requested(9 * D), denied],
    ))
    .when(cmd(urban(), t(D), extension(8 * D)))
    .then_expect_events(vec![extension_requested(8 * D)]);
}

#[test]
fn the_dispatching_hotline_grants_an_extension_and_the_deadline_moves() {
    let granted = CaseEvent::ExtensionGranted {
        resolve_by: t(9 * D),
        note: None,
        at: t(D + H),
        ladders: vec![ladder(DeadlineRef::Resolve, D + H, 9 * D)],
    };
    given(and(handling_by_department(), [extension_requested(9 * D)]))
        .when(cmd(hotline(), t(D + H), decide(true)))
        .then_expect_events(vec![granted.clone()]);
    let case = replay(&and(
        handling_by_department(),
        [extension_requested(9 * D), granted],
    ));
    assert_eq!(case.deadlines().resolve.unwrap().due_at, t(9 * D));
    assert_eq!(case.extension().granted, 1);
    assert!(case.extension().pending_until.is_none());
}

#[test]
fn the_hotline_denies_an_extension() {
    given(and(handling_by_department(), [extension_requested(9 * D)]))
        .when(cmd(hotline(), t(D + H), decide(false)))
        .then_expect_events(vec![CaseEvent::ExtensionDenied {
            note: None,
            at: t(D + H),
        }]);
}

#[test]
fn the_dispatching_street_decides_extensions_of_its_cases() {
    given(and(
        handling_street_to_department(),
        [extension_requested(9 * D)],
    ))
    .when(cmd(jingshan(), t(D + H), decide(false)))
    .then_expect_events(vec![CaseEvent::ExtensionDenied {
        note: None,
        at: t(D + H),
    }]);
}

#[test]
fn a_street_does_not_decide_extensions_of_cases_the_hotline_dispatched() {
    given(and(handling_by_department(), [extension_requested(9 * D)]))
        .when(cmd(jingshan(), t(D + H), decide(true)))
        .then_expect_error(CaseError::NotDispatchingParty {
            action: "extension-decision",
        });
}

#[test]
fn an_extension_decision_needs_a_pending_request() {
    given(handling_by_department())
        .when(cmd(hotline(), t(D), decide(true)))
        .then_expect_error(CaseError::NoExtensionPending);
}

// --- resolution ------------------------------------------------------------------------------

#[test]
fn the_handling_unit_submits_its_resolution() {
    given(handling_by_department())
        .when(cmd(
            urban(),
            t(2 * D),
            resolution(Outcome::Resolved, "已责令停工"),
        ))
        .then_expect_events(vec![resolution_submitted(2 * D)]);
    assert_eq!(
        replay(&resolved_by_department()).state(),
        Some(CaseState::Resolved)
    );
}

#[test]
fn a_late_resolution_is_recorded_as_late() {
    given(handling_by_department())
        .when(cmd(
            urban(),
            t(8 * D),
            resolution(Outcome::PartlyResolved, "部分整改"),
        ))
        .then_expect_events(vec![CaseEvent::ResolutionSubmitted {
            outcome: Outcome::PartlyResolved,
            summary: "部分整改".into(),
            evidence: vec![],
            at: t(8 * D),
            on_time: false,
            callback_by: None,
            ladders: vec![],
        }]);
}

#[test]
fn unresolvable_needs_a_reason() {
    given(handling_by_department())
        .when(cmd(urban(), t(D), resolution(Outcome::Unresolvable, "")))
        .then_expect_error(CaseError::UnresolvableNeedsReason);
}

#[test]
fn unresolvable_with_a_reason_is_accepted() {
    given(handling_by_department())
        .when(cmd(
            urban(),
            t(D),
            resolution(Outcome::Unresolvable, "属历史遗留问题"),
        ))
        .then_expect_events(vec![CaseEvent::ResolutionSubmitted {
            outcome: Outcome::Unresolvable,
            summary: "属历史遗留问题".into(),
            evidence: vec![],
            at: t(D),
            on_time: true,
            callback_by: None,
            ladders: vec![],
        }]);
}

#[test]
fn a_street_handling_its_own_case_goes_straight_to_callback() {
    let event = CaseEvent::ResolutionSubmitted {
        outcome: Outcome::Resolved,
        summary: "已协调解决".into(),
        evidence: vec![],
        at: t(D),
        on_time: true,
        callback_by: Some(t(2 * D)),
        ladders: vec![ladder(DeadlineRef::Callback, D, 2 * D)],
    };
    given(handling_self_dispatched())
        .when(cmd(
            jingshan(),
            t(D),
            resolution(Outcome::Resolved, "已协调解决"),
        ))
        .then_expect_events(vec![event.clone()]);
    let case = replay(&and(handling_self_dispatched(), [event]));
    assert_eq!(case.state(), Some(CaseState::AwaitingCallback));
    assert_eq!(case.deadlines().callback.unwrap().due_at, t(2 * D));
}

#[test]
fn resolution_comes_after_sign_for() {
    given(at_department())
        .when(cmd(urban(), t(H), resolution(Outcome::Resolved, "好了")))
        .then_expect_error(CaseError::WrongState {
            action: "resolution",
            state: CaseState::Dispatched,
        });
}

#[test]
fn only_the_handling_unit_resolves() {
    given(handling_by_department())
        .when(cmd(hotline(), t(D), resolution(Outcome::Resolved, "好了")))
        .then_expect_error(CaseError::NotHandlingUnit {
            action: "resolution",
        });
}

// --- verification ----------------------------------------------------------------------------

#[test]
fn the_hotline_accepts_the_resolution_and_the_callback_clock_starts() {
    given(resolved_by_department())
        .when(cmd(hotline(), t(2 * D + H), verify(true)))
        .then_expect_events(vec![CaseEvent::ResolutionAccepted {
            note: None,
            at: t(2 * D + H),
            callback_by: t(3 * D + H),
            ladders: vec![ladder(DeadlineRef::Callback, 2 * D + H, 3 * D + H)],
        }]);
    assert_eq!(
        replay(&awaiting_callback()).state(),
        Some(CaseState::AwaitingCallback)
    );
}

#[test]
fn a_rejected_resolution_goes_back_to_handling_with_the_same_deadline() {
    let rejected = CaseEvent::ResolutionRejected {
        note: Some("现场仍有噪声".into()),
        at: t(2 * D + H),
    };
    let action = CaseAction::Verification(Verify {
        accepted: false,
        note: Some("现场仍有噪声".into()),
    });
    given(resolved_by_department())
        .when(cmd(hotline(), t(2 * D + H), action))
        .then_expect_events(vec![rejected.clone()]);
    let case = replay(&and(resolved_by_department(), [rejected]));
    assert_eq!(case.state(), Some(CaseState::Handling));
    let resolve = case.deadlines().resolve.unwrap();
    assert_eq!(resolve.due_at, t(7 * D));
    assert!(resolve.is_running());
}

#[test]
fn the_dispatching_street_verifies_a_department_resolution() {
    given(and(
        handling_street_to_department(),
        [resolution_submitted(2 * D)],
    ))
    .when(cmd(jingshan(), t(2 * D + H), verify(true)))
    .then_expect_events(vec![CaseEvent::ResolutionAccepted {
        note: None,
        at: t(2 * D + H),
        callback_by: t(3 * D + H),
        ladders: vec![ladder(DeadlineRef::Callback, 2 * D + H, 3 * D + H)],
    }]);
}

#[test]
fn a_street_does_not_verify_cases_the_hotline_dispatched() {
    given(resolved_by_department())
        .when(cmd(jingshan(), t(2 * D + H), verify(true)))
        .then_expect_error(CaseError::NotDispatchingParty {
            action: "verification",
        });
}

#[test]
fn verification_needs_a_submitted_resolution() {
    given(handling_by_department())
        .when(cmd(hotline(), t(D), verify(true)))
        .then_expect_error(CaseError::WrongState {
            action: "verification",
            state: CaseState::Handling,
        });
}
