//! Who may act on a case (DESIGN §1), and how refusals map onto HTTP.

use shaobao_domain::case::*;
use shaobao_domain::Actor;

use crate::support::*;

#[test]
fn read_only_roles_never_change_an_existing_case() {
    for (actor, role) in [
        (Actor::auditor("a"), "auditor"),
        (Actor::admin("root"), "admin"),
        (Actor::intake("app"), "intake"),
    ] {
        given(at_department())
            .when(cmd(actor, t(H), CaseAction::Sign))
            .then_expect_error(CaseError::RoleMayNotAct { role });
    }
}

#[test]
fn volunteers_only_open_cases_and_claim_tasks() {
    given(vec![opened()])
        .when(cmd(volunteer(), t(H), dispatch_to(dept("housing"))))
        .then_expect_error(CaseError::NotCoordinator {
            action: "dispatch",
            street: "jingshan".into(),
        });
}

#[test]
fn the_hotline_acts_on_cases_in_any_street() {
    let mut elsewhere = opened();
    if let CaseEvent::CaseOpened { location, .. } = &mut elsewhere {
        *location = Location::street("donghuamen");
    }
    given(vec![elsewhere])
        .when(cmd(hotline(), t(0), dispatch_to(street("donghuamen"))))
        .then_expect_events(vec![dispatched(
            street("donghuamen"),
            Dispatcher::Hotline,
            0,
        )]);
}

#[test]
fn a_co_unit_is_not_the_handling_unit() {
    let mut with_co_unit = dispatched(dept("urban_management"), Dispatcher::Hotline, 0);
    if let CaseEvent::CaseDispatched { co_units, .. } = &mut with_co_unit {
        co_units.push(dept("housing"));
    }
    given(vec![opened(), with_co_unit])
        .when(cmd(housing(), t(H), CaseAction::Sign))
        .then_expect_error(CaseError::NotHandlingUnit { action: "sign" });
}

#[test]
fn a_street_acts_as_handling_unit_for_cases_dispatched_to_it() {
    let action = CaseAction::Contact(Contact {
        channel: ContactChannel::Phone,
        note: None,
    });
    given(and(
        vec![
            opened(),
            dispatched(street("jingshan"), Dispatcher::Hotline, 0),
        ],
        [signed_at(H)],
    ))
    .when(cmd(jingshan(), t(3 * H), action))
    .then_expect_events(vec![contacted_at(3 * H)]);
}

#[test]
fn a_department_does_not_act_on_cases_dispatched_elsewhere() {
    given(handling_street_to_department())
        .when(cmd(housing(), t(D), resolution(Outcome::Resolved, "好了")))
        .then_expect_error(CaseError::NotHandlingUnit {
            action: "resolution",
        });
}

#[test]
fn another_street_does_not_call_back_or_close() {
    given(called_back())
        .when(cmd(
            donghuamen(),
            t(3 * D),
            CaseAction::Close(Note::default()),
        ))
        .then_expect_error(CaseError::NotCoordinator {
            action: "close",
            street: "jingshan".into(),
        });
}

#[test]
fn a_department_does_not_reopen() {
    given(closed_case())
        .when(cmd(
            urban(),
            t(4 * D),
            CaseAction::Reopen(reason("再办一次")),
        ))
        .then_expect_error(CaseError::NotCoordinator {
            action: "reopen",
            street: "jingshan".into(),
        });
}

#[test]
fn errors_map_to_http_kinds_in_one_place() {
    let cases = [
        (
            CaseError::Blank {
                field: "description".into(),
            },
            ErrorKind::Invalid,
            Some("description"),
        ),
        (
            CaseError::UnknownReference {
                field: "location.street".into(),
                code: "x".into(),
            },
            ErrorKind::UnknownReference,
            Some("location.street"),
        ),
        (
            CaseError::UnknownCase {
                field: "related_cases[0]".into(),
                case_id: "x".into(),
            },
            ErrorKind::UnknownReference,
            Some("related_cases[0]"),
        ),
        (
            CaseError::RatingsMismatch {
                missing: vec![],
                extra: vec![],
            },
            ErrorKind::Invalid,
            Some("ratings"),
        ),
        (
            CaseError::ExtensionTooLong { latest: t(0) },
            ErrorKind::Invalid,
            Some("until"),
        ),
        (CaseError::NotSummoned { no: 1 }, ErrorKind::Forbidden, None),
        (
            CaseError::NotHandlingUnit { action: "sign" },
            ErrorKind::Forbidden,
            None,
        ),
        (CaseError::NotOpened, ErrorKind::NotFound, None),
        (
            CaseError::WhistleNotFound { no: 2 },
            ErrorKind::NotFound,
            None,
        ),
        (
            CaseError::ReturnWindowClosed { until: t(0) },
            ErrorKind::Refused,
            None,
        ),
        (
            CaseError::WrongState {
                action: "sign",
                state: CaseState::Closed,
            },
            ErrorKind::Refused,
            None,
        ),
    ];
    for (error, kind, field) in cases {
        assert_eq!(error.kind(), kind, "{error}");
        assert_eq!(error.field(), field, "{error}");
    }
}

#[test]
fn error_messages_say_why() {
    assert_eq!(
        CaseError::WrongState {
            action: "whistles",
            state: CaseState::Closed
        }
        .to_string(),
        "`whistles` is not allowed while the case is closed"
    );
    assert_eq!(
        CaseError::NotSummoned { no: 2 }.to_string(),
        "your department was not summoned by whistle 2"
    );
    assert_eq!(
        CaseError::ReturnBarredByRuling.to_string(),
        "a binding dispute ruling settled who handles this case: no further return"
    );
}
