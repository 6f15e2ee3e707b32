//! 受理 open, 直接答复 answer, 派单 dispatch.

use shaobao_domain::case::*;
use shaobao_domain::sla::Urgency;
use shaobao_domain::Actor;

use crate::support::*;

fn open(actor: Actor, body: OpenCase) -> CaseCommand {
    cmd(actor, t(0), CaseAction::Open(body))
}

fn opened_from(body: OpenCase, urgency: Urgency) -> CaseEvent {
    CaseEvent::CaseOpened {
        related_cases: vec![],
        channel: body.channel,
        kind: body.kind,
        category: body.category,
        urgency,
        description: body.description,
        location: body.location,
        requester: body.requester,
        source: body.source,
        at: t(0),
    }
}

fn unknown(field: &str, code: &str) -> CaseError {
    CaseError::UnknownReference {
        field: field.into(),
        code: code.into(),
    }
}

// --- open ------------------------------------------------------------------------------------

#[test]
fn hotline_opens_a_case_with_the_category_urgency() {
    given_none()
        .when(open(hotline(), open_body()))
        .then_expect_events(vec![opened()]);
}

#[test]
fn an_explicit_urgency_overrides_the_category_default() {
    let body = OpenCase {
        urgency: Some(Urgency::Emergency),
        ..open_body()
    };
    given_none()
        .when(open(hotline(), body.clone()))
        .then_expect_events(vec![opened_from(body, Urgency::Emergency)]);
}

#[test]
fn a_street_dispatcher_opens_cases_in_its_own_street() {
    given_none()
        .when(open(jingshan(), open_body()))
        .then_expect_events(vec![opened()]);
}

#[test]
fn intake_apps_open_cases() {
    let body = OpenCase {
        channel: Channel::Open311,
        requester: None,
        ..open_body()
    };
    given_none()
        .when(open(Actor::intake("app"), body.clone()))
        .then_expect_events(vec![opened_from(body, Urgency::Ordinary)]);
}

#[test]
fn a_household_visit_finding_opens_a_case_linked_to_the_visit() {
    let body = OpenCase {
        channel: Channel::HouseholdVisit,
        source: Some(VisitLink {
            visit_id: "visit-7".into(),
            finding: 0,
        }),
        ..open_body()
    };
    given_none()
        .when(open(volunteer(), body.clone()))
        .then_expect_events(vec![opened_from(body, Urgency::Ordinary)]);
}

#[test]
fn a_case_is_opened_only_once() {
    given(vec![opened()])
        .when(open(hotline(), open_body()))
        .then_expect_error(CaseError::AlreadyOpened);
}

#[test]
fn open_refuses_an_unknown_category() {
    let body = OpenCase {
        category: "ufo".into(),
        ..open_body()
    };
    given_none()
        .when(open(hotline(), body))
        .then_expect_error(unknown("category", "ufo"));
}

#[test]
fn open_refuses_a_blank_description() {
    let body = OpenCase {
        description: "  ".into(),
        ..open_body()
    };
    given_none()
        .when(open(hotline(), body))
        .then_expect_error(CaseError::Blank {
            field: "description".into(),
        });
}

#[test]
fn open_refuses_a_description_over_4000_characters() {
    let body = OpenCase {
        description: "噪".repeat(4001),
        ..open_body()
    };
    given_none()
        .when(open(hotline(), body))
        .then_expect_error(CaseError::TooLong {
            field: "description".into(),
            max: 4000,
        });
}

#[test]
fn open_accepts_exactly_4000_characters() {
    let body = OpenCase {
        description: "噪".repeat(4000),
        ..open_body()
    };
    given_none()
        .when(open(hotline(), body.clone()))
        .then_expect_events(vec![opened_from(body, Urgency::Ordinary)]);
}

#[test]
fn open_refuses_an_unknown_street() {
    let body = OpenCase {
        location: Location::street("atlantis"),
        ..open_body()
    };
    given_none()
        .when(open(hotline(), body))
        .then_expect_error(unknown("location.street", "atlantis"));
}

#[test]
fn open_refuses_a_community_of_another_street() {
    let mut body = open_body();
    body.location.community = Some("donghuamen-zhengyi".into());
    body.location.grid = None;
    given_none()
        .when(open(hotline(), body))
        .then_expect_error(unknown("location.community", "donghuamen-zhengyi"));
}

#[test]
fn open_refuses_a_grid_of_another_community() {
    let mut body = open_body();
    body.location.grid = Some("JS-JX-01".into());
    given_none()
        .when(open(hotline(), body))
        .then_expect_error(unknown("location.grid", "JS-JX-01"));
}

#[test]
fn a_grid_without_community_must_be_in_the_street() {
    let mut body = open_body();
    body.location.community = None;
    body.location.grid = Some("JS-JX-01".into());
    given_none()
        .when(open(hotline(), body.clone()))
        .then_expect_events(vec![opened_from(body.clone(), Urgency::Ordinary)]);
    body.location.grid = Some("DHM-ZY-01".into());
    given_none()
        .when(open(hotline(), body))
        .then_expect_error(unknown("location.grid", "DHM-ZY-01"));
}

#[test]
fn a_dispatcher_may_not_open_cases_in_another_street() {
    given_none()
        .when(open(donghuamen(), open_body()))
        .then_expect_error(CaseError::NotCoordinator {
            action: "open",
            street: "jingshan".into(),
        });
}

#[test]
fn departments_auditors_and_admins_may_not_open() {
    for (actor, role) in [
        (urban(), "department"),
        (Actor::auditor("a"), "auditor"),
        (Actor::admin("root"), "admin"),
        (system(), "system"),
    ] {
        given_none()
            .when(open(actor, open_body()))
            .then_expect_error(CaseError::MayNotOpen { role });
    }
}

#[test]
fn any_other_command_on_an_unopened_case_is_not_found() {
    given_none()
        .when(cmd(urban(), t(0), CaseAction::Sign))
        .then_expect_error(CaseError::NotOpened);
}

// --- answer ----------------------------------------------------------------------------------

#[test]
fn a_consultation_is_answered_directly() {
    let note = Note {
        note: Some("已告知办理流程".into()),
    };
    given(vec![opened_as(CaseKind::Consultation)])
        .when(cmd(hotline(), t(5), CaseAction::Answer(note)))
        .then_expect_events(vec![CaseEvent::AnsweredDirectly {
            note: Some("已告知办理流程".into()),
            at: t(5),
        }]);
    let case = replay(&[
        opened_as(CaseKind::Consultation),
        CaseEvent::AnsweredDirectly {
            note: None,
            at: t(5),
        },
    ]);
    assert_eq!(case.state(), Some(CaseState::Answered));
}

#[test]
fn only_a_consultation_can_be_answered_directly() {
    given(vec![opened()])
        .when(cmd(hotline(), t(5), CaseAction::Answer(Note::default())))
        .then_expect_error(CaseError::NotConsultation);
}

#[test]
fn a_dispatched_consultation_can_no_longer_be_answered_directly() {
    given(vec![
        opened_as(CaseKind::Consultation),
        dispatched(dept("urban_management"), Dispatcher::Hotline, 0),
    ])
    .when(cmd(hotline(), t(5), CaseAction::Answer(Note::default())))
    .then_expect_error(CaseError::WrongState {
        action: "answer",
        state: CaseState::Dispatched,
    });
}

#[test]
fn departments_do_not_answer_at_intake() {
    given(vec![opened_as(CaseKind::Consultation)])
        .when(cmd(urban(), t(5), CaseAction::Answer(Note::default())))
        .then_expect_error(CaseError::NotCoordinator {
            action: "answer",
            street: "jingshan".into(),
        });
}

// --- dispatch --------------------------------------------------------------------------------

#[test]
fn hotline_dispatches_to_a_department_with_deadlines() {
    given(vec![opened()])
        .when(cmd(hotline(), t(0), dispatch_to(dept("urban_management"))))
        .then_expect_events(vec![dispatched(
            dept("urban_management"),
            Dispatcher::Hotline,
            0,
        )]);
}

#[test]
fn hotline_dispatches_with_co_units() {
    let action = CaseAction::Dispatch(Dispatch {
        unit: dept("urban_management"),
        co_units: vec![dept("housing"), street("jingshan")],
    });
    let mut expected = dispatched(dept("urban_management"), Dispatcher::Hotline, 0);
    if let CaseEvent::CaseDispatched { co_units, .. } = &mut expected {
        *co_units = vec![dept("housing"), street("jingshan")];
    }
    given(vec![opened()])
        .when(cmd(hotline(), t(0), action))
        .then_expect_events(vec![expected]);
}

#[test]
fn a_street_dispatches_to_itself() {
    given(vec![opened()])
        .when(cmd(jingshan(), t(0), dispatch_to(street("jingshan"))))
        .then_expect_events(vec![dispatched(
            street("jingshan"),
            by_street("jingshan"),
            0,
        )]);
}

#[test]
fn a_street_dispatches_to_a_department() {
    given(vec![opened()])
        .when(cmd(jingshan(), t(0), dispatch_to(dept("housing"))))
        .then_expect_events(vec![dispatched(dept("housing"), by_street("jingshan"), 0)]);
}

#[test]
fn a_street_never_dispatches_to_another_street() {
    given(vec![opened()])
        .when(cmd(jingshan(), t(0), dispatch_to(street("donghuamen"))))
        .then_expect_error(CaseError::DispatchToOtherStreet {
            street: "donghuamen".into(),
        });
}

#[test]
fn a_street_never_names_another_street_as_co_unit() {
    let action = CaseAction::Dispatch(Dispatch {
        unit: dept("housing"),
        co_units: vec![street("donghuamen")],
    });
    given(vec![opened()])
        .when(cmd(jingshan(), t(0), action))
        .then_expect_error(CaseError::DispatchToOtherStreet {
            street: "donghuamen".into(),
        });
}

#[test]
fn a_dispatcher_of_another_street_may_not_dispatch() {
    given(vec![opened()])
        .when(cmd(donghuamen(), t(0), dispatch_to(street("donghuamen"))))
        .then_expect_error(CaseError::NotCoordinator {
            action: "dispatch",
            street: "jingshan".into(),
        });
}

#[test]
fn dispatch_refuses_an_unknown_unit() {
    given(vec![opened()])
        .when(cmd(hotline(), t(0), dispatch_to(dept("fire_brigade"))))
        .then_expect_error(unknown("unit", "fire_brigade"));
}

#[test]
fn dispatch_refuses_an_unknown_co_unit() {
    let action = CaseAction::Dispatch(Dispatch {
        unit: dept("housing"),
        co_units: vec![dept("water"), street("atlantis")],
    });
    given(vec![opened()])
        .when(cmd(hotline(), t(0), action))
        .then_expect_error(unknown("co_units[1]", "atlantis"));
}

#[test]
fn co_units_must_differ_from_the_unit() {
    let action = CaseAction::Dispatch(Dispatch {
        unit: dept("housing"),
        co_units: vec![dept("housing")],
    });
    given(vec![opened()])
        .when(cmd(hotline(), t(0), action))
        .then_expect_error(CaseError::DuplicateUnit {
            field: "co_units".into(),
        });
}

#[test]
fn co_units_must_differ_from_each_other() {
    let action = CaseAction::Dispatch(Dispatch {
        unit: dept("housing"),
        co_units: vec![dept("water"), dept("water")],
    });
    given(vec![opened()])
        .when(cmd(hotline(), t(0), action))
        .then_expect_error(CaseError::DuplicateUnit {
            field: "co_units".into(),
        });
}

#[test]
fn a_dispatched_case_is_not_dispatched_again() {
    given(at_department())
        .when(cmd(hotline(), t(5), dispatch_to(dept("housing"))))
        .then_expect_error(CaseError::WrongState {
            action: "dispatch",
            state: CaseState::Dispatched,
        });
}

#[test]
fn an_answered_case_is_never_dispatched() {
    given(vec![
        opened_as(CaseKind::Consultation),
        CaseEvent::AnsweredDirectly {
            note: None,
            at: t(5),
        },
    ])
    .when(cmd(hotline(), t(6), dispatch_to(dept("housing"))))
    .then_expect_error(CaseError::WrongState {
        action: "dispatch",
        state: CaseState::Answered,
    });
}

#[test]
fn an_emergency_case_gets_emergency_deadlines() {
    let emergency = CaseEvent::CaseOpened {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind: CaseKind::Report,
        category: "gas_leak".into(),
        urgency: Urgency::Emergency,
        description: "闻到燃气味".into(),
        location: jingshan_location(),
        requester: None,
        source: None,
        at: t(0),
    };
    given(vec![emergency])
        .when(cmd(hotline(), t(10), dispatch_to(dept("housing"))))
        .then_expect_events(vec![CaseEvent::CaseDispatched {
            unit: dept("housing"),
            co_units: vec![],
            dispatched_by: Dispatcher::Hotline,
            at: t(10),
            sign_by: t(40),
            contact_by: t(40),
            resolve_by: t(10 + 2 * H),
            return_until: t(10 + 2 * D),
            ladders: vec![
                ladder(DeadlineRef::Sign, 10, 40),
                ladder(DeadlineRef::Contact, 10, 40),
                ladder(DeadlineRef::Resolve, 10, 10 + 2 * H),
            ],
        }]);
}

#[test]
fn dispatch_sets_the_handling_unit_and_deadlines() {
    let case = replay(&at_department());
    assert_eq!(case.state(), Some(CaseState::Dispatched));
    assert_eq!(case.handling_unit(), Some(&dept("urban_management")));
    assert_eq!(case.dispatched_by(), Some(&Dispatcher::Hotline));
    assert_eq!(case.deadlines().sign.unwrap().due_at, t(2 * H));
    assert_eq!(case.deadlines().return_until, Some(t(2 * D)));
}
