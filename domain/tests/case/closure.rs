//! 回访 callback, 结案 close, 重办 reopen, 挂账 park / unpark, 不纳入考核 exclusion.

use shaobao_domain::case::*;

use crate::support::*;

fn close() -> CaseAction {
    CaseAction::Close(Note::default())
}

fn reopen(text: &str) -> CaseAction {
    CaseAction::Reopen(reason(text))
}

fn reopened(at: i64, count: u32) -> CaseEvent {
    CaseEvent::CaseReopened {
        reason: "诉求人不满意".into(),
        at: t(at),
        resolve_by: t(at + 7 * D),
        reopen_count: count,
        ladders: vec![ladder(DeadlineRef::Resolve, at, at + 7 * D)],
    }
}

fn three_unreached() -> Vec<CaseEvent> {
    and(
        awaiting_callback(),
        (1..=3).map(|n| callback_recorded(n, None, 2 * D + n as i64 * H)),
    )
}

fn park(review_at: i64) -> CaseAction {
    CaseAction::Park(Park {
        reason: ParkReason::Funding,
        review_at: t(review_at),
    })
}

fn parked_at(at: i64) -> CaseEvent {
    CaseEvent::CaseParked {
        reason: ParkReason::Funding,
        review_at: t(30 * D),
        at: t(at),
    }
}

// --- callback --------------------------------------------------------------------------------

#[test]
fn a_reached_callback_is_recorded() {
    given(awaiting_callback())
        .when(cmd(
            hotline(),
            t(2 * D + 2 * H),
            reached(Satisfaction::Satisfied),
        ))
        .then_expect_events(vec![callback_recorded(
            1,
            Some(Satisfaction::Satisfied),
            2 * D + 2 * H,
        )]);
    let case = replay(&called_back());
    assert_eq!(case.state(), Some(CaseState::AwaitingCallback));
    assert!(case.callbacks().reached);
    assert!(case.pending_deadlines().is_empty());
}

#[test]
fn attempts_are_counted() {
    given(and(
        awaiting_callback(),
        [callback_recorded(1, None, 2 * D + H)],
    ))
    .when(cmd(
        jingshan(),
        t(2 * D + 3 * H),
        reached(Satisfaction::BasicallySatisfied),
    ))
    .then_expect_events(vec![callback_recorded(
        2,
        Some(Satisfaction::BasicallySatisfied),
        2 * D + 3 * H,
    )]);
}

#[test]
fn a_reached_callback_says_how_satisfied() {
    let action = CaseAction::Callback(Callback {
        reached: true,
        resolved: Some(true),
        satisfaction: None,
        comment: None,
    });
    given(awaiting_callback())
        .when(cmd(hotline(), t(2 * D + 2 * H), action))
        .then_expect_error(CaseError::CallbackDetailRequired {
            field: "satisfaction".into(),
        });
}

#[test]
fn a_reached_callback_says_whether_resolved() {
    let action = CaseAction::Callback(Callback {
        reached: true,
        resolved: None,
        satisfaction: Some(Satisfaction::Satisfied),
        comment: None,
    });
    given(awaiting_callback())
        .when(cmd(hotline(), t(2 * D + 2 * H), action))
        .then_expect_error(CaseError::CallbackDetailRequired {
            field: "resolved".into(),
        });
}

#[test]
fn an_unreached_callback_has_no_answers() {
    let action = CaseAction::Callback(Callback {
        reached: false,
        resolved: None,
        satisfaction: Some(Satisfaction::Dissatisfied),
        comment: None,
    });
    given(awaiting_callback())
        .when(cmd(hotline(), t(2 * D + 2 * H), action))
        .then_expect_error(CaseError::CallbackDetailForbidden {
            field: "satisfaction".into(),
        });
}

#[test]
fn unreached_attempts_are_limited() {
    given(three_unreached())
        .when(cmd(hotline(), t(2 * D + 5 * H), unreached()))
        .then_expect_error(CaseError::CallbackAttemptsExhausted { max: 3 });
}

#[test]
fn a_reached_callback_after_failed_attempts_is_still_welcome() {
    given(three_unreached())
        .when(cmd(
            hotline(),
            t(2 * D + 5 * H),
            reached(Satisfaction::Satisfied),
        ))
        .then_expect_events(vec![callback_recorded(
            4,
            Some(Satisfaction::Satisfied),
            2 * D + 5 * H,
        )]);
}

#[test]
fn callbacks_come_after_acceptance() {
    given(resolved_by_department())
        .when(cmd(
            hotline(),
            t(2 * D + 2 * H),
            reached(Satisfaction::Satisfied),
        ))
        .then_expect_error(CaseError::WrongState {
            action: "callback",
            state: CaseState::Resolved,
        });
}

#[test]
fn departments_do_not_call_back() {
    given(awaiting_callback())
        .when(cmd(
            urban(),
            t(2 * D + 2 * H),
            reached(Satisfaction::Satisfied),
        ))
        .then_expect_error(CaseError::NotCoordinator {
            action: "callback",
            street: "jingshan".into(),
        });
}

// --- close -----------------------------------------------------------------------------------

#[test]
fn a_case_closes_after_a_reached_callback() {
    given(called_back())
        .when(cmd(hotline(), t(3 * D), close()))
        .then_expect_events(vec![closed_at(3 * D, 2)]);
    let case = replay(&closed_case());
    assert_eq!(case.state(), Some(CaseState::Closed));
    assert_eq!(case.closure().unwrap().reopen_until, t(18 * D));
}

#[test]
fn a_case_closes_after_every_attempt_failed() {
    given(three_unreached())
        .when(cmd(jingshan(), t(3 * D), close()))
        .then_expect_events(vec![closed_at(3 * D, 2)]);
}

#[test]
fn a_case_does_not_close_before_the_callback() {
    given(and(
        awaiting_callback(),
        [callback_recorded(1, None, 2 * D + H)],
    ))
    .when(cmd(hotline(), t(3 * D), close()))
    .then_expect_error(CaseError::CallbackOutstanding { max: 3 });
}

#[test]
fn a_handling_case_does_not_close() {
    given(handling_by_department())
        .when(cmd(hotline(), t(3 * D), close()))
        .then_expect_error(CaseError::WrongState {
            action: "close",
            state: CaseState::Handling,
        });
}

#[test]
fn closing_records_the_reopens_left() {
    let history = and(
        called_back(),
        [
            reopened(3 * D, 1),
            resolution_submitted(4 * D),
            CaseEvent::ResolutionAccepted {
                note: None,
                at: t(4 * D),
                callback_by: t(5 * D),
                ladders: vec![ladder(DeadlineRef::Callback, 4 * D, 5 * D)],
            },
            callback_recorded(1, Some(Satisfaction::Satisfied), 4 * D + H),
        ],
    );
    given(history)
        .when(cmd(hotline(), t(5 * D), close()))
        .then_expect_events(vec![closed_at(5 * D, 1)]);
}

// --- reopen ----------------------------------------------------------------------------------

#[test]
fn a_dissatisfied_requester_gets_the_case_reopened() {
    let history = and(
        awaiting_callback(),
        [callback_recorded(
            1,
            Some(Satisfaction::Dissatisfied),
            2 * D + 2 * H,
        )],
    );
    given(history.clone())
        .when(cmd(hotline(), t(2 * D + 3 * H), reopen("诉求人不满意")))
        .then_expect_events(vec![reopened(2 * D + 3 * H, 1)]);
    let case = replay(&and(history, [reopened(2 * D + 3 * H, 1)]));
    assert_eq!(case.state(), Some(CaseState::Handling));
    assert_eq!(case.handling_unit(), Some(&dept("urban_management")));
    assert_eq!(case.reopen_count(), 1);
    assert_eq!(case.deadlines().resolve.unwrap().due_at, t(9 * D + 3 * H));
}

#[test]
fn a_closed_case_reopens_within_the_window() {
    given(closed_case())
        .when(cmd(jingshan(), t(18 * D), reopen("诉求人不满意")))
        .then_expect_events(vec![reopened(18 * D, 1)]);
}

#[test]
fn no_reopen_after_the_window() {
    given(closed_case())
        .when(cmd(hotline(), t(18 * D + 1), reopen("诉求人不满意")))
        .then_expect_error(CaseError::ReopenWindowClosed { until: t(18 * D) });
}

#[test]
fn no_reopen_beyond_the_limit_recorded_at_close() {
    let history = and(called_back(), [closed_at(3 * D, 0)]);
    given(history)
        .when(cmd(hotline(), t(4 * D), reopen("诉求人不满意")))
        .then_expect_error(CaseError::ReopenLimitReached { max: 0 });
}

#[test]
fn no_reopen_beyond_the_policy_limit_while_awaiting_callback() {
    let accepted = |at: i64| CaseEvent::ResolutionAccepted {
        note: None,
        at: t(at),
        callback_by: t(at + D),
        ladders: vec![ladder(DeadlineRef::Callback, at, at + D)],
    };
    let history = and(
        awaiting_callback(),
        [
            reopened(3 * D, 1),
            resolution_submitted(4 * D),
            accepted(4 * D),
            reopened(5 * D, 2),
            resolution_submitted(6 * D),
            accepted(6 * D),
        ],
    );
    given(history)
        .when(cmd(hotline(), t(6 * D + H), reopen("诉求人不满意")))
        .then_expect_error(CaseError::ReopenLimitReached { max: 2 });
}

#[test]
fn a_reopen_needs_a_reason() {
    given(closed_case())
        .when(cmd(hotline(), t(4 * D), reopen("")))
        .then_expect_error(CaseError::Blank {
            field: "reason".into(),
        });
}

#[test]
fn a_case_in_handling_is_not_reopened() {
    given(handling_by_department())
        .when(cmd(hotline(), t(D), reopen("诉求人不满意")))
        .then_expect_error(CaseError::WrongState {
            action: "reopen",
            state: CaseState::Handling,
        });
}

#[test]
fn a_reopened_case_is_resolved_again_directly() {
    given(and(closed_case(), [reopened(4 * D, 1)]))
        .when(cmd(
            urban(),
            t(5 * D),
            resolution(Outcome::Resolved, "已责令停工"),
        ))
        .then_expect_events(vec![resolution_submitted(5 * D)]);
}

// --- park ------------------------------------------------------------------------------------

#[test]
fn a_case_waiting_on_funding_is_parked() {
    given(handling_by_department())
        .when(cmd(hotline(), t(D), park(30 * D)))
        .then_expect_events(vec![parked_at(D)]);
    let case = replay(&and(handling_by_department(), [parked_at(D)]));
    assert_eq!(case.state(), Some(CaseState::Parked));
    assert!(case.pending_deadlines().is_empty());
}

#[test]
fn the_review_date_is_in_the_future() {
    given(handling_by_department())
        .when(cmd(hotline(), t(D), park(D)))
        .then_expect_error(CaseError::ReviewNotInFuture);
}

#[test]
fn an_undispatched_case_is_not_parked() {
    given(vec![opened()])
        .when(cmd(hotline(), t(D), park(30 * D)))
        .then_expect_error(CaseError::WrongState {
            action: "park",
            state: CaseState::Received,
        });
}

#[test]
fn departments_do_not_park() {
    given(handling_by_department())
        .when(cmd(urban(), t(D), park(30 * D)))
        .then_expect_error(CaseError::NotCoordinator {
            action: "park",
            street: "jingshan".into(),
        });
}

#[test]
fn a_parked_case_takes_no_handling() {
    given(and(handling_by_department(), [parked_at(D)]))
        .when(cmd(
            urban(),
            t(2 * D),
            resolution(Outcome::Resolved, "好了"),
        ))
        .then_expect_error(CaseError::WrongState {
            action: "resolution",
            state: CaseState::Parked,
        });
}

#[test]
fn unparking_shifts_the_running_deadlines_by_the_parked_time() {
    let unparked = CaseEvent::CaseUnparked {
        note: None,
        at: t(11 * D),
        deadlines: vec![DeadlineDue {
            deadline: DeadlineRef::Resolve,
            due_at: t(17 * D),
        }],
        return_until: Some(t(12 * D)),
        // Paused 10 d: the ladder fixed at dispatch, 10 d later.
        ladders: vec![ladder(DeadlineRef::Resolve, 10 * D, 17 * D)],
    };
    let history = and(handling_by_department(), [parked_at(D)]);
    given(history.clone())
        .when(cmd(
            hotline(),
            t(11 * D),
            CaseAction::Unpark(Note::default()),
        ))
        .then_expect_events(vec![unparked.clone()]);
    let case = replay(&and(history, [unparked]));
    assert_eq!(case.state(), Some(CaseState::Handling));
    assert_eq!(
        case.pending_deadlines(),
        vec![(DeadlineRef::Resolve, t(17 * D))]
    );
}

#[test]
fn only_a_parked_case_is_unparked() {
    given(handling_by_department())
        .when(cmd(hotline(), t(D), CaseAction::Unpark(Note::default())))
        .then_expect_error(CaseError::WrongState {
            action: "unpark",
            state: CaseState::Handling,
        });
}

// --- exclusion -------------------------------------------------------------------------------

#[test]
fn the_hotline_excludes_a_case_from_assessment() {
    let excluded = CaseEvent::CaseExcludedFromAssessment {
        reason: "恶意诉求".into(),
        at: t(D),
    };
    given(handling_by_department())
        .when(cmd(
            hotline(),
            t(D),
            CaseAction::Exclusion(reason("恶意诉求")),
        ))
        .then_expect_events(vec![excluded.clone()]);
    let case = replay(&and(handling_by_department(), [excluded]));
    assert!(case.is_excluded());
    assert_eq!(case.exclusion_reason(), Some("恶意诉求"));
}

#[test]
fn a_case_is_excluded_once() {
    let excluded = CaseEvent::CaseExcludedFromAssessment {
        reason: "恶意诉求".into(),
        at: t(D),
    };
    given(and(handling_by_department(), [excluded]))
        .when(cmd(
            hotline(),
            t(2 * D),
            CaseAction::Exclusion(reason("重复")),
        ))
        .then_expect_error(CaseError::AlreadyExcluded);
}

#[test]
fn only_the_hotline_excludes() {
    given(handling_by_department())
        .when(cmd(
            jingshan(),
            t(D),
            CaseAction::Exclusion(reason("恶意诉求")),
        ))
        .then_expect_error(CaseError::HotlineOnly {
            action: "exclusion",
        });
}

#[test]
fn an_exclusion_needs_a_reason() {
    given(handling_by_department())
        .when(cmd(hotline(), t(D), CaseAction::Exclusion(reason(" "))))
        .then_expect_error(CaseError::Blank {
            field: "reason".into(),
        });
}

#[test]
fn unparking_shifts_report_in_deadlines_too() {
    let history = and(whistled(), [parked_at(D)]);
    let report_in = DeadlineRef::ReportIn {
        no: 1,
        department: "urban_management".into(),
    };
    let housing = DeadlineRef::ReportIn {
        no: 1,
        department: "housing".into(),
    };
    let unparked = CaseEvent::CaseUnparked {
        note: Some("资金到位".into()),
        at: t(3 * D),
        deadlines: vec![
            DeadlineDue {
                deadline: DeadlineRef::Resolve,
                due_at: t(9 * D),
            },
            DeadlineDue {
                deadline: report_in.clone(),
                due_at: t(5 * D + 4 * H),
            },
            DeadlineDue {
                deadline: housing.clone(),
                due_at: t(5 * D + 4 * H),
            },
        ],
        return_until: Some(t(4 * D)),
        ladders: vec![
            ladder(DeadlineRef::Resolve, 2 * D, 9 * D),
            ladder(report_in.clone(), 2 * D + 4 * H, 5 * D + 4 * H),
            ladder(housing.clone(), 2 * D + 4 * H, 5 * D + 4 * H),
        ],
    };
    let action = CaseAction::Unpark(Note {
        note: Some("资金到位".into()),
    });
    given(history.clone())
        .when(cmd(jingshan(), t(3 * D), action))
        .then_expect_events(vec![unparked.clone()]);
    let case = replay(&and(history, [unparked]));
    assert_eq!(
        case.whistle(1).unwrap().departments[0].report_in_by,
        t(5 * D + 4 * H)
    );
    assert_eq!(case.pending_deadlines().len(), 3);
}
