//! The breach ladder each deadline-setting event records, fixed by the policy of the command that
//! set the deadline (DESIGN §2), and the deadline steps checked against it whatever the policy
//! in force later. The policy here differs from the fixture's: approaching at half the window,
//! district supervision 1 working day and city supervision 5 working days after the breach.
//! T0 is a Monday 09:00 in Beijing, and the fixture calendar has no holidays.

use std::sync::{Arc, OnceLock};

use chrono::Duration;
use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use shaobao_domain::case::*;
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::WhistleKind;

use crate::support::*;

fn working_day_org() -> Arc<Organisation> {
    static ORG: OnceLock<Arc<Organisation>> = OnceLock::new();
    ORG.get_or_init(|| {
        let toml = ORG_TOML
            .replace("approaching_fraction = 0.8", "approaching_fraction = 0.5")
            .replace(
                "district_supervision = \"1d\"",
                "district_supervision = \"1wd\"",
            )
            .replace("city_supervision = \"5d\"", "city_supervision = \"5wd\"");
        Arc::new(Organisation::from_toml_str(&toml).expect("working-day org"))
    })
    .clone()
}

fn under_working_days(events: Vec<CaseEvent>) -> AggregateTestExecutor<Case> {
    TestFramework::<Case>::with(working_day_org()).given(events)
}

/// A ladder under the working-day policy, times in minutes after T0.
fn fixed(deadline: DeadlineRef, approaching: i64, due: i64, district: i64, city: i64) -> Ladder {
    Ladder {
        deadline,
        due_at: t(due),
        approaching_at: t(approaching),
        district_supervision_at: t(district),
        city_supervision_at: t(city),
    }
}

/// The ladders of the one event `command` decides on `history` under the working-day policy.
fn ladders_recorded(history: Vec<CaseEvent>, command: CaseCommand) -> Vec<Ladder> {
    let events = under_working_days(history)
        .when(command)
        .inspect_result()
        .expect("accepted");
    let [event] = events.as_slice() else {
        panic!("one event expected: {events:?}")
    };
    ladders_of(event).to_vec()
}

fn ladders_of(event: &CaseEvent) -> &[Ladder] {
    use CaseEvent::*;
    match event {
        CaseDispatched { ladders, .. }
        | WhistleBlown { ladders, .. }
        | ExtensionGranted { ladders, .. }
        | ResolutionSubmitted { ladders, .. }
        | ResolutionAccepted { ladders, .. }
        | CaseReopened { ladders, .. }
        | CaseUnparked { ladders, .. } => ladders,
        other => panic!("{} sets no deadline", other.name()),
    }
}

/// `events` as recorded before ladders were.
fn legacy(events: Vec<CaseEvent>) -> Vec<CaseEvent> {
    use CaseEvent::*;
    events
        .into_iter()
        .map(|mut event| {
            if let CaseDispatched { ladders, .. }
            | WhistleBlown { ladders, .. }
            | ExtensionGranted { ladders, .. }
            | ResolutionSubmitted { ladders, .. }
            | ResolutionAccepted { ladders, .. }
            | CaseReopened { ladders, .. }
            | CaseUnparked { ladders, .. } = &mut event
            {
                ladders.clear();
            }
            event
        })
        .collect()
}

fn record(deadline: DeadlineRef, due_at: i64, step: DeadlineStep) -> CaseAction {
    CaseAction::RecordDeadline(RecordDeadline {
        deadline,
        due_at: t(due_at),
        step,
    })
}

// --- what each deadline-setting event records --------------------------------------------------

#[test]
fn a_dispatch_fixes_the_sign_contact_and_resolve_ladders_in_working_days() {
    let ladders = ladders_recorded(
        vec![opened()],
        cmd(hotline(), t(0), dispatch_to(dept("urban_management"))),
    );
    assert_eq!(
        ladders,
        vec![
            // Due Monday 11:00: supervision Tuesday 11:00 and the next Monday 11:00.
            fixed(DeadlineRef::Sign, H, 2 * H, D + 2 * H, 7 * D + 2 * H),
            fixed(DeadlineRef::Contact, 12 * H, D, 2 * D, 8 * D),
            // Due the next Monday 09:00: city supervision skips the weekend, 14 d later, not 12.
            fixed(DeadlineRef::Resolve, 3 * D + 12 * H, 7 * D, 8 * D, 14 * D),
        ]
    );
}

#[test]
fn a_whistle_fixes_each_summoned_departments_report_in_ladder() {
    let blow = CaseAction::BlowWhistle(BlowWhistle {
        kind: WhistleKind::Routine,
        departments: ["urban_management", "housing"]
            .map(|department| Summons {
                department: department.into(),
                role: WhistleRole::Lead,
            })
            .into(),
        note: None,
    });
    let ladders = ladders_recorded(handling_self_dispatched(), cmd(jingshan(), t(4 * H), blow));
    // Blown Monday 13:00 (lunch), due Thursday 13:00: a working day after it counts from the
    // afternoon's start, 13:30.
    let report_in = |department| {
        fixed(
            report_in_deadline(1, department),
            4 * H + 36 * H,
            3 * D + 4 * H,
            4 * D + 4 * H + 30,
            10 * D + 4 * H + 30,
        )
    };
    assert_eq!(
        ladders,
        vec![report_in("urban_management"), report_in("housing")]
    );
}

#[test]
fn a_granted_extension_fixes_a_ladder_over_the_window_from_the_grant() {
    let requested = CaseEvent::ExtensionRequested {
        until: t(9 * D),
        reason: "需协调产权单位".into(),
        at: t(D),
    };
    let grant = CaseAction::ExtensionDecision(DecideExtension {
        approve: true,
        note: None,
    });
    let ladders = ladders_recorded(
        and(handling_by_department(), [requested]),
        cmd(hotline(), t(D + H), grant),
    );
    // Half of Tuesday 10:00 → the next Wednesday 09:00; supervision Thursday and a week later.
    assert_eq!(
        ladders,
        vec![fixed(
            DeadlineRef::Resolve,
            5 * D + 30,
            9 * D,
            10 * D,
            16 * D
        )]
    );
}

#[test]
fn a_resolution_awaiting_callback_at_once_fixes_the_callback_ladder() {
    let ladders = ladders_recorded(
        handling_self_dispatched(),
        cmd(
            jingshan(),
            t(D),
            resolution(Outcome::Resolved, "已协调解决"),
        ),
    );
    assert_eq!(
        ladders,
        vec![fixed(
            DeadlineRef::Callback,
            D + 12 * H,
            2 * D,
            3 * D,
            9 * D
        )]
    );
    let verified_later = ladders_recorded(
        handling_by_department(),
        cmd(urban(), t(D), resolution(Outcome::Resolved, "已责令停工")),
    );
    assert_eq!(verified_later, vec![], "no deadline set, no ladder");
}

#[test]
fn an_accepted_resolution_fixes_the_callback_ladder() {
    let accept = CaseAction::Verification(Verify {
        accepted: true,
        note: None,
    });
    let ladders = ladders_recorded(
        resolved_by_department(),
        cmd(hotline(), t(2 * D + H), accept),
    );
    assert_eq!(
        ladders,
        vec![fixed(
            DeadlineRef::Callback,
            2 * D + 13 * H,
            3 * D + H,
            4 * D + H,
            10 * D + H
        )]
    );
}

#[test]
fn a_reopen_fixes_the_new_resolve_ladder() {
    let ladders = ladders_recorded(
        closed_case(),
        cmd(
            hotline(),
            t(4 * D),
            CaseAction::Reopen(reason("诉求人不满意")),
        ),
    );
    // Due Friday 03-14 09:00: district supervision the next Monday, city the Friday after.
    assert_eq!(
        ladders,
        vec![fixed(
            DeadlineRef::Resolve,
            7 * D + 12 * H,
            11 * D,
            14 * D,
            18 * D
        )]
    );
}

#[test]
fn an_unpark_shifts_the_recorded_ladders_and_recomputes_nothing() {
    // Dispatched under the fixture policy (elapsed days, approaching at 80 %), parked a day, then
    // unparked under the working-day policy: the ladder moves by the pause, as fixed at dispatch.
    let history = and(
        handling_by_department(),
        [CaseEvent::CaseParked {
            reason: ParkReason::Funding,
            review_at: t(30 * D),
            at: t(D),
        }],
    );
    let unpark = CaseAction::Unpark(Note { note: None });
    let ladders = ladders_recorded(history.clone(), cmd(hotline(), t(3 * D), unpark.clone()));
    let paused = Duration::days(2);
    let at_dispatch = ladder(DeadlineRef::Resolve, 0, 7 * D);
    assert_eq!(
        ladders,
        vec![Ladder {
            deadline: DeadlineRef::Resolve,
            due_at: at_dispatch.due_at + paused,
            approaching_at: at_dispatch.approaching_at + paused,
            district_supervision_at: at_dispatch.district_supervision_at + paused,
            city_supervision_at: at_dispatch.city_supervision_at + paused,
        }]
    );
    // A deadline set before ladders were recorded still has none after the unpark.
    let unrecorded = ladders_recorded(legacy(history), cmd(hotline(), t(3 * D), unpark));
    assert_eq!(unrecorded, vec![]);
}

#[test]
fn the_case_keeps_the_latest_ladder_of_each_deadline() {
    let dispatched_ladder = ladder(DeadlineRef::Resolve, 0, 7 * D);
    let case = replay(&handling_by_department());
    assert_eq!(
        case.ladder(&DeadlineRef::Resolve, t(7 * D)),
        Some(&dispatched_ladder)
    );
    let extended = ladder(DeadlineRef::Resolve, D, 9 * D);
    let case = replay(&and(
        handling_by_department(),
        [CaseEvent::ExtensionGranted {
            resolve_by: t(9 * D),
            note: None,
            at: t(D),
            ladders: vec![extended.clone()],
        }],
    ));
    assert_eq!(case.ladder(&DeadlineRef::Resolve, t(7 * D)), None);
    assert_eq!(
        case.ladder(&DeadlineRef::Resolve, t(9 * D)),
        Some(&extended)
    );
    assert_eq!(
        replay(&legacy(handling_by_department())).ladder(&DeadlineRef::Resolve, t(7 * D)),
        None
    );
}

// --- steps checked against the recorded ladder, whatever the policy now -------------------------

#[test]
fn supervision_follows_the_recorded_ladder_not_the_policy_in_force() {
    // Recorded under the fixture: district supervision 1 d after the breach (a Tuesday), city
    // 5 d after (a Saturday, which the working-day policy would never give).
    let reminded = and(
        handling_by_department(),
        [
            CaseEvent::DeadlineBreached {
                deadline: DeadlineRef::Resolve,
                due_at: t(7 * D),
                at: t(7 * D),
            },
            CaseEvent::ReminderIssued {
                deadline: DeadlineRef::Resolve,
                due_at: t(7 * D),
                at: t(7 * D),
            },
            CaseEvent::SupervisionIssued {
                deadline: DeadlineRef::Resolve,
                due_at: t(7 * D),
                level: SupervisionLevel::District,
                at: t(8 * D),
            },
        ],
    );
    let city = record(DeadlineRef::Resolve, 7 * D, DeadlineStep::CitySupervision);
    under_working_days(reminded.clone())
        .when(cmd(system(), t(12 * D), city.clone()))
        .then_expect_events(vec![CaseEvent::SupervisionIssued {
            deadline: DeadlineRef::Resolve,
            due_at: t(7 * D),
            level: SupervisionLevel::City,
            at: t(12 * D),
        }]);
    under_working_days(reminded.clone())
        .when(cmd(system(), t(12 * D - 1), city.clone()))
        .then_expect_error(CaseError::TooEarly {
            step: DeadlineStep::CitySupervision,
            not_before: t(12 * D),
        });
    // Recorded before ladders were: the policy in force decides, in working days (Monday 03-17).
    under_working_days(legacy(reminded))
        .when(cmd(system(), t(12 * D), city))
        .then_expect_error(CaseError::TooEarly {
            step: DeadlineStep::CitySupervision,
            not_before: t(14 * D),
        });
}

// --- stored events from before ladders ---------------------------------------------------------

#[test]
fn an_event_stored_without_ladders_loads_and_serialises_as_stored() {
    let stored = serde_json::json!({"CaseReopened": {
        "reason": "诉求人不满意",
        "at": "2025-03-07T01:00:00Z",
        "resolve_by": "2025-03-14T01:00:00Z",
        "reopen_count": 1
    }});
    let event: CaseEvent = serde_json::from_value(stored.clone()).expect("a legacy event loads");
    assert_eq!(ladders_of(&event), &[] as &[Ladder]);
    // Same JSON back, so the stored hash chain still verifies.
    assert_eq!(serde_json::to_value(&event).unwrap(), stored);
}
