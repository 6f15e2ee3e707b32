//! Pending deadlines and the breach ladder recorded by the deadline service.

use shaobao_domain::case::*;

use crate::support::*;

fn record(deadline: DeadlineRef, due_at: i64, step: DeadlineStep) -> CaseAction {
    CaseAction::RecordDeadline(RecordDeadline {
        deadline,
        due_at: t(due_at),
        step,
    })
}

/// The resolve deadline (T0 + 7 d) of the department's case.
fn resolve(step: DeadlineStep) -> CaseAction {
    record(DeadlineRef::Resolve, 7 * D, step)
}

fn breached(at: i64) -> CaseEvent {
    CaseEvent::DeadlineBreached {
        deadline: DeadlineRef::Resolve,
        due_at: t(7 * D),
        at: t(at),
    }
}

fn reminded(at: i64) -> CaseEvent {
    CaseEvent::ReminderIssued {
        deadline: DeadlineRef::Resolve,
        due_at: t(7 * D),
        at: t(at),
    }
}

fn supervised(level: SupervisionLevel, at: i64) -> CaseEvent {
    CaseEvent::SupervisionIssued {
        deadline: DeadlineRef::Resolve,
        due_at: t(7 * D),
        level,
        at: t(at),
    }
}

fn reminded_case() -> Vec<CaseEvent> {
    and(handling_by_department(), [breached(7 * D), reminded(7 * D)])
}

// --- pending ---------------------------------------------------------------------------------

#[test]
fn a_dispatched_case_runs_sign_contact_and_resolve() {
    assert_eq!(
        replay(&at_department()).pending_deadlines(),
        vec![
            (DeadlineRef::Sign, t(2 * H)),
            (DeadlineRef::Contact, t(24 * H)),
            (DeadlineRef::Resolve, t(7 * D)),
        ]
    );
}

#[test]
fn signing_and_contacting_meet_their_deadlines() {
    assert_eq!(
        replay(&signed_by_department()).pending_deadlines(),
        vec![
            (DeadlineRef::Contact, t(24 * H)),
            (DeadlineRef::Resolve, t(7 * D)),
        ]
    );
    assert_eq!(
        replay(&handling_by_department()).pending_deadlines(),
        vec![(DeadlineRef::Resolve, t(7 * D))]
    );
}

#[test]
fn clocks_keep_running_while_a_return_is_pending() {
    let history = and(
        signed_by_department(),
        [CaseEvent::ReturnRequested {
            unit: dept("urban_management"),
            reason: ReturnReason::WrongJurisdiction,
            note: "不归我管".into(),
            at: t(2 * H),
        }],
    );
    assert_eq!(replay(&history).pending_deadlines().len(), 2);
}

#[test]
fn summoned_departments_have_report_in_deadlines() {
    let case = replay(&and(whistled(), [reported_in("urban_management", 5 * H)]));
    assert_eq!(
        case.pending_deadlines(),
        vec![
            (DeadlineRef::Resolve, t(7 * D)),
            (
                DeadlineRef::ReportIn {
                    no: 1,
                    department: "housing".into()
                },
                t(3 * D + 4 * H)
            ),
        ]
    );
}

#[test]
fn an_accepted_resolution_runs_the_callback_deadline() {
    assert_eq!(
        replay(&awaiting_callback()).pending_deadlines(),
        vec![(DeadlineRef::Callback, t(3 * D + H))]
    );
}

#[test]
fn a_closed_case_has_no_pending_deadlines() {
    assert!(replay(&closed_case()).pending_deadlines().is_empty());
}

// --- the ladder --------------------------------------------------------------------------------

#[test]
fn approaching_is_recorded_before_the_due_time() {
    given(handling_by_department())
        .when(cmd(system(), t(6 * D), resolve(DeadlineStep::Approaching)))
        .then_expect_events(vec![CaseEvent::DeadlineApproaching {
            deadline: DeadlineRef::Resolve,
            due_at: t(7 * D),
            at: t(6 * D),
        }]);
}

#[test]
fn approaching_is_too_late_once_due() {
    given(handling_by_department())
        .when(cmd(system(), t(7 * D), resolve(DeadlineStep::Approaching)))
        .then_expect_error(CaseError::AlreadyDue);
}

#[test]
fn a_breach_is_recorded_at_the_due_time() {
    given(handling_by_department())
        .when(cmd(system(), t(7 * D), resolve(DeadlineStep::Breached)))
        .then_expect_events(vec![breached(7 * D)]);
}

#[test]
fn a_breach_is_not_recorded_early() {
    given(handling_by_department())
        .when(cmd(system(), t(7 * D - 1), resolve(DeadlineStep::Breached)))
        .then_expect_error(CaseError::TooEarly {
            step: DeadlineStep::Breached,
            not_before: t(7 * D),
        });
}

#[test]
fn each_step_is_recorded_once_per_deadline() {
    given(and(handling_by_department(), [breached(7 * D)]))
        .when(cmd(system(), t(7 * D + 5), resolve(DeadlineStep::Breached)))
        .then_expect_error(CaseError::AlreadyRecorded {
            step: DeadlineStep::Breached,
        });
}

#[test]
fn a_reminder_follows_the_breach() {
    given(and(handling_by_department(), [breached(7 * D)]))
        .when(cmd(system(), t(7 * D), resolve(DeadlineStep::Reminder)))
        .then_expect_events(vec![reminded(7 * D)]);
}

#[test]
fn no_reminder_without_a_breach() {
    given(handling_by_department())
        .when(cmd(system(), t(7 * D), resolve(DeadlineStep::Reminder)))
        .then_expect_error(CaseError::StepOutOfOrder {
            step: DeadlineStep::Reminder,
            requires: DeadlineStep::Breached,
        });
}

#[test]
fn district_supervision_one_day_after_the_breach() {
    given(reminded_case())
        .when(cmd(
            system(),
            t(8 * D),
            resolve(DeadlineStep::DistrictSupervision),
        ))
        .then_expect_events(vec![supervised(SupervisionLevel::District, 8 * D)]);
}

#[test]
fn district_supervision_not_before_its_time() {
    given(reminded_case())
        .when(cmd(
            system(),
            t(8 * D - 1),
            resolve(DeadlineStep::DistrictSupervision),
        ))
        .then_expect_error(CaseError::TooEarly {
            step: DeadlineStep::DistrictSupervision,
            not_before: t(8 * D),
        });
}

#[test]
fn district_supervision_follows_the_reminder() {
    given(and(handling_by_department(), [breached(7 * D)]))
        .when(cmd(
            system(),
            t(9 * D),
            resolve(DeadlineStep::DistrictSupervision),
        ))
        .then_expect_error(CaseError::StepOutOfOrder {
            step: DeadlineStep::DistrictSupervision,
            requires: DeadlineStep::Reminder,
        });
}

#[test]
fn city_supervision_five_days_after_the_breach() {
    let history = and(
        reminded_case(),
        [supervised(SupervisionLevel::District, 8 * D)],
    );
    given(history.clone())
        .when(cmd(
            system(),
            t(12 * D),
            resolve(DeadlineStep::CitySupervision),
        ))
        .then_expect_events(vec![supervised(SupervisionLevel::City, 12 * D)]);
    let case = replay(&and(history, [supervised(SupervisionLevel::City, 12 * D)]));
    assert_eq!(case.supervision(), Some(SupervisionLevel::City));
    assert_eq!(case.alerts().len(), 4);
}

#[test]
fn city_supervision_not_before_its_time() {
    let history = and(
        reminded_case(),
        [supervised(SupervisionLevel::District, 8 * D)],
    );
    given(history)
        .when(cmd(
            system(),
            t(12 * D - 1),
            resolve(DeadlineStep::CitySupervision),
        ))
        .then_expect_error(CaseError::TooEarly {
            step: DeadlineStep::CitySupervision,
            not_before: t(12 * D),
        });
}

#[test]
fn city_supervision_follows_district_supervision() {
    given(reminded_case())
        .when(cmd(
            system(),
            t(12 * D),
            resolve(DeadlineStep::CitySupervision),
        ))
        .then_expect_error(CaseError::StepOutOfOrder {
            step: DeadlineStep::CitySupervision,
            requires: DeadlineStep::DistrictSupervision,
        });
}

#[test]
fn a_report_in_deadline_breaches() {
    let report_in = DeadlineRef::ReportIn {
        no: 1,
        department: "housing".into(),
    };
    given(whistled())
        .when(cmd(
            system(),
            t(3 * D + 4 * H),
            record(report_in.clone(), 3 * D + 4 * H, DeadlineStep::Breached),
        ))
        .then_expect_events(vec![CaseEvent::DeadlineBreached {
            deadline: report_in,
            due_at: t(3 * D + 4 * H),
            at: t(3 * D + 4 * H),
        }]);
}

// --- not pending -----------------------------------------------------------------------------

#[test]
fn a_met_deadline_is_not_pending() {
    given(signed_by_department())
        .when(cmd(
            system(),
            t(2 * H),
            record(DeadlineRef::Sign, 2 * H, DeadlineStep::Breached),
        ))
        .then_expect_error(CaseError::DeadlineNotPending);
}

#[test]
fn a_moved_deadline_is_not_pending_at_its_old_time() {
    let extended = and(
        handling_by_department(),
        [
            CaseEvent::ExtensionRequested {
                until: t(9 * D),
                reason: "协调".into(),
                at: t(D),
            },
            CaseEvent::ExtensionGranted {
                resolve_by: t(9 * D),
                note: None,
                at: t(D),
                ladders: vec![],
            },
        ],
    );
    given(extended)
        .when(cmd(system(), t(7 * D), resolve(DeadlineStep::Breached)))
        .then_expect_error(CaseError::DeadlineNotPending);
}

#[test]
fn a_parked_case_has_no_pending_deadline() {
    let parked = and(
        handling_by_department(),
        [CaseEvent::CaseParked {
            reason: ParkReason::Planning,
            review_at: t(30 * D),
            at: t(D),
        }],
    );
    given(parked)
        .when(cmd(system(), t(7 * D), resolve(DeadlineStep::Breached)))
        .then_expect_error(CaseError::DeadlineNotPending);
}

#[test]
fn only_the_deadline_service_records_deadlines() {
    given(handling_by_department())
        .when(cmd(hotline(), t(7 * D), resolve(DeadlineStep::Breached)))
        .then_expect_error(CaseError::SystemOnly);
}

#[test]
fn the_deadline_service_does_nothing_else() {
    given(at_department())
        .when(cmd(system(), t(H), CaseAction::Sign))
        .then_expect_error(CaseError::RoleMayNotAct { role: "system" });
}
