//! `Case::available_actions`: what each person may do on a case now, for every state and role; and
//! that it agrees with `Case::decide` (an available action with a valid body is decided, any other
//! is refused for who, state or time, never for its body).

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use shaobao_domain::case::*;
use shaobao_domain::sla::WhistleKind;
use shaobao_domain::Actor;

use crate::support::*;

// --- the people ----------------------------------------------------------------------------------

/// Every role, labelled as in the table below. The case is in 景山, dispatched by the hotline to
/// 城管 (or handled by 景山 itself); whistle 1 summons 住建.
fn roles() -> Vec<(&'static str, Actor)> {
    vec![
        ("hotline", hotline()),
        ("street", jingshan()),
        ("other_street", donghuamen()),
        ("handling", urban()),
        ("other_dept", water()),
        ("summoned", housing()),
        ("volunteer", volunteer()),
        ("auditor", Actor::auditor("au-1")),
        ("intake", Actor::intake("app-1")),
        ("admin", Actor::admin("root")),
    ]
}

// --- the cases -----------------------------------------------------------------------------------

/// 城管 handles the case (hotline dispatch, signed, contacted); 景山 whistled 住建 (lead) at
/// T0 + 4 h and published three tasks: 1 open, 2 claimed by the volunteer, 3 completed by them.
fn handling() -> Vec<CaseEvent> {
    and(
        handling_by_department(),
        [
            CaseEvent::WhistleBlown {
                no: 1,
                kind: WhistleKind::Routine,
                departments: vec![summoned("housing", WhistleRole::Lead)],
                note: None,
                at: t(4 * H),
                ladders: vec![],
            },
            task_published(1),
            task_published(2),
            task_claimed(2, volunteer()),
            task_published(3),
            task_claimed(3, volunteer()),
            CaseEvent::TaskCompleted {
                no: 3,
                summary: "已清运".into(),
                at: t(6 * H + 30),
            },
        ],
    )
}

fn return_requested(at: i64) -> CaseEvent {
    CaseEvent::ReturnRequested {
        unit: dept("urban_management"),
        reason: ReturnReason::NotOurFunction,
        note: "不属于本部门职责".into(),
        at: t(at),
    }
}

fn resolved() -> Vec<CaseEvent> {
    and(handling(), [resolution_submitted(2 * D)])
}

fn accepted() -> Vec<CaseEvent> {
    and(
        resolved(),
        [CaseEvent::ResolutionAccepted {
            note: None,
            at: t(2 * D + H),
            callback_by: t(3 * D + H),
            ladders: vec![],
        }],
    )
}

fn closed() -> Vec<CaseEvent> {
    and(
        accepted(),
        [
            callback_recorded(1, Some(Satisfaction::Satisfied), 2 * D + 2 * H),
            closed_at(3 * D, 2),
        ],
    )
}

/// One case: its events, when the person looks, and what each role may do then (roles not
/// listed may do nothing). Tokens are route names, `:no` for a whistle or task.
struct Row {
    case: &'static str,
    events: Vec<CaseEvent>,
    at: i64,
    expect: Vec<(&'static str, &'static str)>,
}

fn row(
    case: &'static str,
    events: Vec<CaseEvent>,
    at: i64,
    expect: &[(&'static str, &'static str)],
) -> Row {
    Row {
        case,
        events,
        at,
        expect: expect.to_vec(),
    }
}

/// Departments claim open tasks on open cases; the summoned one reports in to the whistle; the
/// volunteer claims and completes; the street closes the whistle, publishes and confirms.
const OTHERS_WHILE_OPEN: [(&str, &str); 4] = [
    ("handling", "claim:1"),
    ("other_dept", "claim:1"),
    ("summoned", "report-in:1 decline:1 claim:1"),
    ("volunteer", "claim:1 complete:2"),
];

fn with_others(expect: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut all = expect.to_vec();
    for (role, tokens) in OTHERS_WHILE_OPEN {
        if !expect.iter().any(|(r, _)| *r == role) {
            all.push((role, tokens));
        }
    }
    all
}

fn table() -> Vec<Row> {
    let consultation = opened_as(CaseKind::Consultation);
    let handling_tail = [
        ("summoned", "report-in:1 decline:1 claim:1"),
        ("other_dept", "claim:1"),
        ("volunteer", "claim:1 complete:2"),
    ];
    let handling_expect = |hotline: &'static str, unit: &'static str| {
        let mut expect = vec![
            ("hotline", hotline),
            ("street", "whistles close:1 tasks confirm:3 park"),
            ("handling", unit),
        ];
        expect.extend(handling_tail);
        expect
    };
    vec![
        row(
            "received",
            vec![opened()],
            H,
            &[
                ("hotline", "dispatch exclusion"),
                ("street", "dispatch tasks"),
            ],
        ),
        row(
            "received consultation",
            vec![consultation.clone()],
            H,
            &[
                ("hotline", "answer dispatch exclusion"),
                ("street", "answer dispatch tasks"),
            ],
        ),
        row(
            "answered",
            vec![
                consultation,
                CaseEvent::AnsweredDirectly {
                    note: None,
                    at: t(30),
                },
            ],
            H,
            &[("hotline", "exclusion")],
        ),
        row(
            "dispatched",
            at_department(),
            H,
            &[
                ("hotline", "park exclusion"),
                ("street", "tasks park"),
                ("handling", "sign return"),
            ],
        ),
        row(
            "signed",
            signed_by_department(),
            2 * H,
            &[
                ("hotline", "park exclusion"),
                ("street", "whistles tasks park"),
                ("handling", "contact return progress extension resolution"),
            ],
        ),
        row(
            "handling",
            handling(),
            7 * H,
            &handling_expect(
                "park exclusion",
                "contact return progress extension resolution claim:1",
            ),
        ),
        row(
            "handling after the return window",
            handling(),
            2 * D + 1,
            &handling_expect(
                "park exclusion",
                "contact progress extension resolution claim:1",
            ),
        ),
        row(
            "handling, extension pending",
            and(
                handling(),
                [CaseEvent::ExtensionRequested {
                    until: t(9 * D),
                    reason: "需协调产权单位".into(),
                    at: t(8 * H),
                }],
            ),
            9 * H,
            &handling_expect(
                "extension-decision park exclusion",
                "contact return progress resolution claim:1",
            ),
        ),
        row(
            "handling, the one extension granted",
            and(
                handling(),
                [
                    CaseEvent::ExtensionRequested {
                        until: t(9 * D),
                        reason: "需协调产权单位".into(),
                        at: t(8 * H),
                    },
                    CaseEvent::ExtensionGranted {
                        resolve_by: t(9 * D),
                        note: None,
                        at: t(9 * H),
                        ladders: vec![],
                    },
                ],
            ),
            10 * H,
            &handling_expect(
                "park exclusion",
                "contact return progress resolution claim:1",
            ),
        ),
        row(
            "handling, excluded from assessment",
            and(
                handling(),
                [CaseEvent::CaseExcludedFromAssessment {
                    reason: "不可抗力".into(),
                    at: t(8 * H),
                }],
            ),
            9 * H,
            &handling_expect(
                "park",
                "contact return progress extension resolution claim:1",
            ),
        ),
        row(
            "return_pending",
            and(handling(), [return_requested(8 * H)]),
            9 * H,
            &with_others(&[
                ("hotline", "return-decision exclusion"),
                ("street", "close:1 tasks confirm:3"),
            ]),
        ),
        row(
            "disputed",
            and(
                handling(),
                [
                    return_requested(8 * H),
                    CaseEvent::DisputeRaised {
                        note: None,
                        at: t(9 * H),
                    },
                ],
            ),
            10 * H,
            &with_others(&[
                ("hotline", "return-decision exclusion"),
                ("street", "close:1 tasks confirm:3"),
            ]),
        ),
        row(
            "handling after a binding ruling",
            and(
                handling(),
                [
                    return_requested(8 * H),
                    CaseEvent::DisputeRaised {
                        note: None,
                        at: t(9 * H),
                    },
                    CaseEvent::DisputeRuled {
                        responsible: dept("urban_management"),
                        binding: true,
                        note: None,
                        at: t(10 * H),
                    },
                ],
            ),
            11 * H,
            &handling_expect(
                "park exclusion",
                "contact progress extension resolution claim:1",
            ),
        ),
        row(
            "resolved",
            resolved(),
            2 * D + 30,
            &with_others(&[
                ("hotline", "verification exclusion"),
                ("street", "close:1 tasks confirm:3"),
            ]),
        ),
        row(
            "awaiting_callback",
            accepted(),
            2 * D + 2 * H,
            &with_others(&[
                ("hotline", "callback reopen exclusion"),
                ("street", "close:1 tasks confirm:3 callback reopen"),
            ]),
        ),
        row(
            "awaiting_callback, requester reached",
            and(
                accepted(),
                [callback_recorded(
                    1,
                    Some(Satisfaction::Satisfied),
                    2 * D + 2 * H,
                )],
            ),
            2 * D + 3 * H,
            &with_others(&[
                ("hotline", "callback close reopen exclusion"),
                ("street", "close:1 tasks confirm:3 callback close reopen"),
            ]),
        ),
        row(
            "awaiting_callback, every attempt failed",
            and(
                accepted(),
                (1..=3).map(|n| callback_recorded(n, None, 2 * D + n as i64 * H)),
            ),
            2 * D + 4 * H,
            &with_others(&[
                ("hotline", "callback close reopen exclusion"),
                ("street", "close:1 tasks confirm:3 callback close reopen"),
            ]),
        ),
        // A closed case is done with for summoned departments (no report-in, decline or action
        // until it is reopened); the street may still close its whistle and rate them, and a
        // claimed task may still be completed and confirmed, so no one loses points for work done.
        row(
            "closed",
            closed(),
            4 * D,
            &[
                ("hotline", "reopen exclusion"),
                ("street", "close:1 confirm:3 reopen"),
                ("volunteer", "complete:2"),
            ],
        ),
        row(
            "closed, reopen window over",
            closed(),
            18 * D + 1,
            &[
                ("hotline", "exclusion"),
                ("street", "close:1 confirm:3"),
                ("volunteer", "complete:2"),
            ],
        ),
        row(
            "closed, no reopen left",
            and(accepted(), [closed_at(3 * D, 0)]),
            4 * D,
            &[
                ("hotline", "exclusion"),
                ("street", "close:1 confirm:3"),
                ("volunteer", "complete:2"),
            ],
        ),
        row(
            "parked",
            and(
                handling(),
                [CaseEvent::CaseParked {
                    reason: ParkReason::Funding,
                    review_at: t(30 * D),
                    at: t(8 * H),
                }],
            ),
            9 * H,
            &with_others(&[
                ("hotline", "unpark exclusion"),
                ("street", "close:1 tasks confirm:3 unpark"),
            ]),
        ),
        row(
            "handling, 住建 reported in",
            and(handling(), [reported_in("housing", 5 * H)]),
            7 * H,
            &handling_expect(
                "park exclusion",
                "contact return progress extension resolution claim:1",
            )
            .into_iter()
            .map(|(role, tokens)| match role {
                "summoned" => (role, "action:1 claim:1"),
                _ => (role, tokens),
            })
            .collect::<Vec<_>>(),
        ),
        row(
            "handling, whistle closed",
            and(
                handling(),
                [CaseEvent::WhistleClosed {
                    no: 1,
                    ratings: Default::default(),
                    note: None,
                    at: t(5 * H),
                }],
            ),
            7 * H,
            &handling_expect(
                "park exclusion",
                "contact return progress extension resolution claim:1",
            )
            .into_iter()
            .map(|(role, tokens)| match role {
                "summoned" => (role, "claim:1"),
                "street" => (role, "whistles tasks confirm:3 park"),
                _ => (role, tokens),
            })
            .collect::<Vec<_>>(),
        ),
        // 景山 dispatched to itself: it is coordinator, dispatching party and handling unit.
        row(
            "handling, self-dispatched street",
            handling_self_dispatched(),
            7 * H,
            &[
                ("hotline", "park exclusion"),
                (
                    "street",
                    "contact return whistles tasks progress extension resolution park",
                ),
            ],
        ),
        // A duplicate takes nothing but unmerge; a primary cannot itself be merged.
        row(
            "merged",
            and(at_department(), [merged_into(PRIMARY, H)]),
            2 * H,
            &[("hotline", "unmerge"), ("street", "unmerge")],
        ),
        row(
            "handling primary with a duplicate",
            and(handling(), [attached(DUPLICATE, 5 * H)]),
            7 * H,
            &handling_expect(
                "park exclusion",
                "contact return progress extension resolution claim:1",
            ),
        ),
        // 景山 dispatched to 城管: the street, not the hotline's alone, decides returns and
        // verifies.
        row(
            "return_pending, dispatched by the street",
            and(handling_street_to_department(), [return_requested(8 * H)]),
            9 * H,
            &[
                ("hotline", "return-decision exclusion"),
                ("street", "return-decision tasks"),
            ],
        ),
        row(
            "resolved, dispatched by the street",
            and(
                handling_street_to_department(),
                [resolution_submitted(2 * D)],
            ),
            2 * D + 30,
            &[
                ("hotline", "verification exclusion"),
                ("street", "tasks verification"),
            ],
        ),
    ]
}

/// What every row allows besides its own tokens: the hotline, the case's street and its handling
/// unit tag; the hotline and the street merge a case that is neither answered, closed, merged nor
/// a primary of duplicates. A merged case takes only unmerge (its row says so).
fn tags_and_merge(case: &Case, role: &str) -> &'static str {
    let state = case.state().unwrap();
    if state == CaseState::Merged {
        return "";
    }
    let mergeable =
        !matches!(state, CaseState::Answered | CaseState::Closed) && case.duplicates().is_empty();
    match role {
        "hotline" | "street" if mergeable => "tags merge",
        "hotline" | "street" => "tags",
        "handling" if case.handling_unit() == Some(&dept("urban_management")) => "tags",
        _ => "",
    }
}

fn token(action: &AvailableAction) -> String {
    match action.whistle_no().or(action.task_no()) {
        Some(no) => format!("{}:{no}", action.route_name()),
        None => action.route_name().to_string(),
    }
}

fn tokens(text: &str) -> BTreeSet<String> {
    text.split_whitespace().map(str::to_string).collect()
}

#[test]
fn each_role_sees_exactly_the_actions_the_state_allows() {
    let org = org();
    let mut wrong = Vec::new();
    for row in table() {
        let case = replay(&row.events);
        for (role, actor) in roles() {
            let mut expected = tokens(
                row.expect
                    .iter()
                    .find(|(r, _)| *r == role)
                    .map_or("", |(_, tokens)| tokens),
            );
            expected.extend(tokens(tags_and_merge(&case, role)));
            let available = case.available_actions(&actor, t(row.at), &org);
            let got: BTreeSet<String> = available.iter().map(token).collect();
            assert_eq!(got.len(), available.len(), "no action listed twice");
            if got != expected {
                wrong.push(format!(
                    "{} ({}) / {role}: expected {expected:?}, got {got:?}",
                    row.case,
                    case.state().unwrap(),
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[test]
fn the_table_covers_every_state_and_role() {
    let states: BTreeSet<&str> = table()
        .iter()
        .map(|row| replay(&row.events).state().unwrap().as_str())
        .collect();
    let all = [
        "received",
        "answered",
        "dispatched",
        "signed",
        "handling",
        "return_pending",
        "disputed",
        "resolved",
        "awaiting_callback",
        "closed",
        "parked",
        "merged",
    ];
    assert_eq!(states, all.into_iter().collect());
    for row in table() {
        for (role, _) in &row.expect {
            assert!(
                roles().iter().any(|(r, _)| r == role),
                "{}: unknown role {role}",
                row.case
            );
        }
    }
}

// --- agreement with decide -----------------------------------------------------------------------

/// A body that passes validation for `action` on `case` at `at`.
fn valid(case: &Case, action: AvailableAction, at: DateTime<Utc>) -> CaseAction {
    use AvailableAction as A;
    let text = || "已处理".to_string();
    match action {
        A::Answer => CaseAction::Answer(Note::default()),
        A::Dispatch => dispatch_to(dept("urban_management")),
        A::Sign => CaseAction::Sign,
        A::Contact => CaseAction::Contact(Contact {
            channel: ContactChannel::Phone,
            note: None,
        }),
        A::Return => CaseAction::Return(ReturnCase {
            reason: ReturnReason::Other,
            note: text(),
        }),
        A::ReturnDecision => {
            let decision = case
                .return_verdicts()
                .first()
                .copied()
                .unwrap_or(ReturnVerdict::Approve);
            CaseAction::ReturnDecision(ReturnDecision {
                decision,
                redispatch_to: None,
                responsible: (decision == ReturnVerdict::Rule).then(|| dept("housing")),
                note: None,
            })
        }
        A::BlowWhistle => CaseAction::BlowWhistle(BlowWhistle {
            kind: WhistleKind::Crucial,
            departments: vec![Summons {
                department: "water".into(),
                role: WhistleRole::Lead,
            }],
            note: None,
        }),
        A::WhistleReportIn { no } => whistle(no, WhistleAction::ReportIn { mode: None }),
        A::WhistleDecline { no } => whistle(no, WhistleAction::Decline { reason: text() }),
        A::WhistleAct { no } => whistle(
            no,
            WhistleAction::Act {
                summary: text(),
                evidence: vec![],
            },
        ),
        A::WhistleClose { no } => {
            let ratings = case
                .whistle(no)
                .map(|w| {
                    w.departments
                        .iter()
                        .filter(|d| d.has_reported_in())
                        .map(|d| (d.department.clone(), Rating::Good))
                        .collect()
                })
                .unwrap_or_default();
            whistle(
                no,
                WhistleAction::Close {
                    ratings,
                    note: None,
                },
            )
        }
        A::PublishTask => CaseAction::PublishTask(PublishTask {
            title: "入户宣讲".into(),
            kind: TaskKind::PolicyTalk,
            points: 3,
        }),
        A::TaskClaim { no } => task(no, TaskAction::Claim),
        A::TaskComplete { no } => task(no, TaskAction::Complete { summary: text() }),
        A::TaskConfirm { no } => task(no, TaskAction::Confirm { points: None }),
        A::Progress => CaseAction::Progress(Progress {
            note: text(),
            evidence: vec![],
        }),
        A::Extension => {
            let resolve_by = case.deadlines().resolve.map_or(at, |clock| clock.due_at);
            CaseAction::Extension(RequestExtension {
                until: resolve_by + Duration::days(1),
                reason: text(),
            })
        }
        A::ExtensionDecision => CaseAction::ExtensionDecision(DecideExtension {
            approve: true,
            note: None,
        }),
        A::Resolution => resolution(Outcome::Resolved, "已处理"),
        A::Verification => CaseAction::Verification(Verify {
            accepted: true,
            note: None,
        }),
        A::Callback => reached(Satisfaction::Satisfied),
        A::Close => CaseAction::Close(Note::default()),
        A::Reopen => CaseAction::Reopen(reason("诉求人不满意")),
        A::Park => CaseAction::Park(Park {
            reason: ParkReason::Planning,
            review_at: at + Duration::days(30),
        }),
        A::Unpark => CaseAction::Unpark(Note::default()),
        A::Exclusion => CaseAction::Exclusion(reason("不可抗力")),
        A::Tags => CaseAction::Tags(Tags {
            add: vec!["elderly".into()],
            remove: vec![],
        }),
        A::Merge => CaseAction::Merge {
            case_id: DUPLICATE.into(),
            body: MergeCase {
                into: PRIMARY.into(),
                note: None,
            },
            primary: Some(open_primary()),
        },
        A::Unmerge => CaseAction::Unmerge {
            body: Note::default(),
            primary: Some(open_primary()),
        },
    }
}

/// Every action that could be asked of `case`, with one unknown whistle and task number.
fn candidates(case: &Case) -> Vec<AvailableAction> {
    use AvailableAction as A;
    let mut all = AvailableAction::CASE_ACTIONS.to_vec();
    for no in 1..=case.whistles().len() as u32 + 1 {
        all.extend([
            A::WhistleReportIn { no },
            A::WhistleDecline { no },
            A::WhistleAct { no },
            A::WhistleClose { no },
        ]);
    }
    for no in 1..=case.tasks().len() as u32 + 1 {
        all.extend([
            A::TaskClaim { no },
            A::TaskComplete { no },
            A::TaskConfirm { no },
        ]);
    }
    all
}

/// More people than the table's: another volunteer, a named clerk, the deadline service.
fn everyone() -> Vec<Actor> {
    let mut all: Vec<Actor> = roles().into_iter().map(|(_, actor)| actor).collect();
    all.extend([
        Actor::volunteer("m-7"),
        Actor::department("urban_management", "um-2").with_name("李明"),
        Actor::dispatcher("jingshan", "js-2").with_name("王芳"),
        system(),
    ]);
    all
}

#[test]
fn available_actions_are_decided_and_others_refused_for_who_state_or_time() {
    let org = org();
    let mut checked = 0;
    for row in table() {
        let case = replay(&row.events);
        // When the table looks, and much later (windows closed, deadlines past).
        for at in [t(row.at), t(row.at + 20 * D)] {
            for actor in everyone() {
                let available = case.available_actions(&actor, at, &org);
                for action in candidates(&case) {
                    let body = valid(&case, action, at);
                    assert_eq!(AvailableAction::of(&body), Some(action));
                    assert_eq!(action.name(), body.name());
                    let decided = case.decide(cmd(actor.clone(), at, body), &org);
                    let permit = case.permit(&actor, at, &org, action);
                    let context = format!("{} at {at}, {actor:?}, {action:?}", row.case);
                    if available.contains(&action) {
                        assert_eq!(permit, Ok(()), "{context}");
                        assert!(decided.is_ok(), "{context}: {decided:?}");
                    } else {
                        let refusal = permit.expect_err(&context);
                        assert!(
                            !matches!(
                                refusal.kind(),
                                ErrorKind::Invalid | ErrorKind::UnknownReference
                            ),
                            "{context}: refused for its body: {refusal}"
                        );
                        assert_eq!(decided, Err(refusal), "{context}");
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 10_000, "{checked} checks");
}

#[test]
fn a_display_name_changes_nothing_a_person_may_do() {
    let org = org();
    for row in table() {
        let case = replay(&row.events);
        for (_, actor) in roles() {
            assert_eq!(
                case.available_actions(&actor.clone().with_name("王芳"), t(row.at), &org),
                case.available_actions(&actor, t(row.at), &org),
                "{}",
                row.case
            );
        }
    }
}

#[test]
fn nothing_is_available_before_the_case_is_opened() {
    let org = org();
    for (_, actor) in roles() {
        assert!(Case::default()
            .available_actions(&actor, t(0), &org)
            .is_empty());
    }
    assert_eq!(
        Case::default().permit(&hotline(), t(0), &org, AvailableAction::Dispatch),
        Err(CaseError::NotOpened)
    );
}

#[test]
fn actions_come_in_life_cycle_order_with_whistles_and_tasks_numbered() {
    let case = replay(&and(
        handling_self_dispatched(),
        [whistle_blown(1), task_published(1)],
    ));
    let got: Vec<String> = case
        .available_actions(&jingshan(), t(7 * H), &org())
        .iter()
        .map(token)
        .collect();
    assert_eq!(
        got,
        [
            "contact",
            "return",
            "whistles",
            "close:1",
            "tasks",
            "progress",
            "extension",
            "resolution",
            "park",
            "tags",
            "merge",
        ]
    );
}

#[test]
fn route_names_follow_the_http_paths() {
    use AvailableAction as A;
    let names: Vec<(&str, Option<u32>, Option<u32>)> = [
        A::ReturnDecision,
        A::BlowWhistle,
        A::WhistleReportIn { no: 2 },
        A::WhistleAct { no: 2 },
        A::WhistleClose { no: 2 },
        A::PublishTask,
        A::TaskClaim { no: 3 },
        A::ExtensionDecision,
        A::Close,
    ]
    .iter()
    .map(|a| (a.route_name(), a.whistle_no(), a.task_no()))
    .collect();
    assert_eq!(
        names,
        [
            ("return-decision", None, None),
            ("whistles", None, None),
            ("report-in", Some(2), None),
            ("action", Some(2), None),
            ("close", Some(2), None),
            ("tasks", None, None),
            ("claim", None, Some(3)),
            ("extension-decision", None, None),
            ("close", None, None),
        ]
    );
    assert_eq!(A::WhistleClose { no: 1 }.name(), "close whistle");
}

#[test]
fn a_return_decision_offers_the_verdicts_the_case_waits_for() {
    let pending = replay(&and(handling_by_department(), [return_requested(8 * H)]));
    assert_eq!(
        pending.return_verdicts(),
        [
            ReturnVerdict::Approve,
            ReturnVerdict::Reject,
            ReturnVerdict::Dispute
        ]
    );
    let disputed = replay(&and(
        handling_by_department(),
        [
            return_requested(8 * H),
            CaseEvent::DisputeRaised {
                note: None,
                at: t(9 * H),
            },
        ],
    ));
    assert_eq!(disputed.return_verdicts(), [ReturnVerdict::Rule]);
    assert!(replay(&handling_by_department())
        .return_verdicts()
        .is_empty());
}
