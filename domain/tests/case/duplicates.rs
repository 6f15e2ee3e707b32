//! 并单 merge and unmerge: the duplicate's side (a person's command), the primary's side (the
//! merge follower's system steps) and closing duplicates with their primary.

use shaobao_domain::case::*;
use shaobao_domain::Actor;

use crate::support::*;

fn merge(into: &str, primary: Option<OtherCase>) -> CaseAction {
    CaseAction::Merge {
        case_id: DUPLICATE.into(),
        body: MergeCase {
            into: into.into(),
            note: Some("同一路灯".into()),
        },
        primary,
    }
}

fn merge_into_primary() -> CaseAction {
    merge(PRIMARY, Some(open_primary()))
}

fn primary_in(state: CaseState) -> OtherCase {
    OtherCase {
        state,
        ..open_primary()
    }
}

fn unmerge(primary: Option<OtherCase>) -> CaseAction {
    CaseAction::Unmerge {
        body: Note {
            note: Some("并错了".into()),
        },
        primary,
    }
}

/// The duplicate: received in 景山, merged into the primary at T0 + 1 h.
fn merged() -> Vec<CaseEvent> {
    vec![opened(), merged_into(PRIMARY, H)]
}

fn case_merged(at: i64) -> CaseEvent {
    CaseEvent::CaseMerged {
        into: PRIMARY.into(),
        note: Some("同一路灯".into()),
        at: t(at),
    }
}

// --- merge ---------------------------------------------------------------------------------------

#[test]
fn the_hotline_merges_a_duplicate_into_an_open_case() {
    given(vec![opened()])
        .when(cmd(hotline(), t(H), merge_into_primary()))
        .then_expect_events(vec![case_merged(H)]);
    let case = replay(&merged());
    assert_eq!(case.state(), Some(CaseState::Merged));
    assert_eq!(case.merged_into(), Some(PRIMARY));
}

#[test]
fn the_street_merges_within_its_street() {
    given(at_department())
        .when(cmd(jingshan(), t(H), merge_into_primary()))
        .then_expect_events(vec![case_merged(H)]);
}

#[test]
fn a_merged_case_stops_its_clocks() {
    let case = replay(&and(at_department(), [merged_into(PRIMARY, H)]));
    assert!(case.pending_deadlines().is_empty());
}

#[test]
fn a_street_dispatcher_may_not_merge_into_another_street() {
    let elsewhere = OtherCase {
        street: "donghuamen".into(),
        ..open_primary()
    };
    given(vec![opened()])
        .when(cmd(
            jingshan(),
            t(H),
            merge(PRIMARY, Some(elsewhere.clone())),
        ))
        .then_expect_error(CaseError::MergeAcrossStreets {
            street: "donghuamen".into(),
        });
    // The hotline may.
    given(vec![opened()])
        .when(cmd(hotline(), t(H), merge(PRIMARY, Some(elsewhere))))
        .then_expect_events(vec![case_merged(H)]);
}

#[test]
fn another_street_may_not_merge_this_case() {
    given(vec![opened()])
        .when(cmd(donghuamen(), t(H), merge_into_primary()))
        .then_expect_error(CaseError::NotCoordinator {
            action: "merge",
            street: "jingshan".into(),
        });
}

#[test]
fn a_department_may_not_merge() {
    given(at_department())
        .when(cmd(urban(), t(H), merge_into_primary()))
        .then_expect_error(CaseError::NotCoordinator {
            action: "merge",
            street: "jingshan".into(),
        });
}

#[test]
fn a_case_is_not_merged_into_itself() {
    given(vec![opened()])
        .when(cmd(hotline(), t(H), merge(DUPLICATE, None)))
        .then_expect_error(CaseError::MergeIntoItself);
}

#[test]
fn the_primary_must_exist() {
    given(vec![opened()])
        .when(cmd(hotline(), t(H), merge(PRIMARY, None)))
        .then_expect_error(CaseError::UnknownCase {
            field: "into".into(),
            case_id: PRIMARY.into(),
        });
}

#[test]
fn no_merge_into_a_closed_answered_or_merged_case() {
    for state in [CaseState::Closed, CaseState::Answered, CaseState::Merged] {
        given(vec![opened()])
            .when(cmd(
                hotline(),
                t(H),
                merge(PRIMARY, Some(primary_in(state))),
            ))
            .then_expect_error(CaseError::PrimaryNotOpen {
                into: PRIMARY.into(),
                state,
            });
    }
}

#[test]
fn merging_back_into_ones_own_duplicate_is_a_cycle() {
    let duplicate_of_this = OtherCase {
        state: CaseState::Merged,
        merged_into: Some(DUPLICATE.into()),
        ..open_primary()
    };
    given(vec![opened()])
        .when(cmd(
            hotline(),
            t(H),
            merge(PRIMARY, Some(duplicate_of_this)),
        ))
        .then_expect_error(CaseError::MergeCycle {
            into: PRIMARY.into(),
        });
}

#[test]
fn a_primary_with_duplicates_is_not_merged() {
    given(vec![
        opened(),
        attached("0f0f0f0f-0000-4000-8000-000000000003", H),
    ])
    .when(cmd(hotline(), t(2 * H), merge_into_primary()))
    .then_expect_error(CaseError::HasDuplicates { count: 1 });
}

#[test]
fn a_closed_or_answered_case_is_not_merged() {
    given(closed_case())
        .when(cmd(hotline(), t(4 * D), merge_into_primary()))
        .then_expect_error(CaseError::WrongState {
            action: "merge",
            state: CaseState::Closed,
        });
}

#[test]
fn a_merged_case_takes_no_other_command() {
    given(merged())
        .when(cmd(hotline(), t(2 * H), dispatch_to(dept("water"))))
        .then_expect_error(CaseError::MergedDuplicate {
            into: PRIMARY.into(),
        });
    given(merged())
        .when(cmd(hotline(), t(2 * H), merge_into_primary()))
        .then_expect_error(CaseError::MergedDuplicate {
            into: PRIMARY.into(),
        });
}

// --- the primary's half --------------------------------------------------------------------------

fn attach() -> CaseAction {
    CaseAction::AttachDuplicate {
        case_id: DUPLICATE.into(),
        requester: open_body().requester,
    }
}

#[test]
fn the_primary_attaches_the_duplicate_and_its_requester() {
    given(handling_by_department())
        .when(cmd(system(), t(5 * H), attach()))
        .then_expect_events(vec![attached(DUPLICATE, 5 * H)]);
    let primary = replay(&and(handling_by_department(), [attached(DUPLICATE, 5 * H)]));
    assert_eq!(primary.duplicates().len(), 1);
    assert_eq!(
        primary.duplicates()[0].requester.as_ref().unwrap().name,
        "王女士"
    );
}

#[test]
fn only_the_system_attaches() {
    given(handling_by_department())
        .when(cmd(hotline(), t(5 * H), attach()))
        .then_expect_error(CaseError::SystemOnly);
}

#[test]
fn a_closed_primary_accepts_no_duplicate() {
    given(closed_case())
        .when(cmd(system(), t(4 * D), attach()))
        .then_expect_error(CaseError::AcceptsNoDuplicates {
            state: CaseState::Closed,
        });
}

#[test]
fn a_duplicate_is_attached_once() {
    given(and(handling_by_department(), [attached(DUPLICATE, 5 * H)]))
        .when(cmd(system(), t(6 * H), attach()))
        .then_expect_error(CaseError::AlreadyAttached {
            case_id: DUPLICATE.into(),
        });
}

#[test]
fn a_refused_attachment_abandons_the_merge() {
    given(merged())
        .when(cmd(
            system(),
            t(2 * H),
            CaseAction::AbandonMerge {
                primary: PRIMARY.into(),
            },
        ))
        .then_expect_events(vec![CaseEvent::CaseUnmerged {
            primary: PRIMARY.into(),
            note: Some(format!("case {PRIMARY} did not accept the duplicate")),
            at: t(2 * H),
        }]);
}

// --- unmerge -------------------------------------------------------------------------------------

fn unmerged(at: i64) -> CaseEvent {
    CaseEvent::CaseUnmerged {
        primary: PRIMARY.into(),
        note: Some("并错了".into()),
        at: t(at),
    }
}

#[test]
fn unmerge_returns_the_case_to_where_it_was() {
    let events = and(at_department(), [merged_into(PRIMARY, H)]);
    given(events.clone())
        .when(cmd(jingshan(), t(2 * H), unmerge(Some(open_primary()))))
        .then_expect_events(vec![unmerged(2 * H)]);
    let case = replay(&and(events, [unmerged(2 * H)]));
    assert_eq!(case.state(), Some(CaseState::Dispatched));
    assert_eq!(case.merged_into(), None);
    assert!(!case.pending_deadlines().is_empty());
}

#[test]
fn no_unmerge_after_the_primary_closed() {
    given(merged())
        .when(cmd(
            hotline(),
            t(2 * H),
            unmerge(Some(primary_in(CaseState::Closed))),
        ))
        .then_expect_error(CaseError::PrimaryClosed {
            primary: PRIMARY.into(),
        });
}

#[test]
fn only_a_merged_case_is_unmerged() {
    given(vec![opened()])
        .when(cmd(hotline(), t(H), unmerge(Some(open_primary()))))
        .then_expect_error(CaseError::WrongState {
            action: "unmerge",
            state: CaseState::Received,
        });
}

#[test]
fn a_department_may_not_unmerge() {
    given(merged())
        .when(cmd(water(), t(2 * H), unmerge(Some(open_primary()))))
        .then_expect_error(CaseError::NotCoordinator {
            action: "unmerge",
            street: "jingshan".into(),
        });
}

#[test]
fn the_primary_detaches_the_duplicate() {
    let primary = and(handling_by_department(), [attached(DUPLICATE, 5 * H)]);
    let detach = CaseAction::DetachDuplicate {
        case_id: DUPLICATE.into(),
    };
    let detached = CaseEvent::DuplicateDetached {
        case_id: DUPLICATE.into(),
        at: t(6 * H),
    };
    given(primary.clone())
        .when(cmd(system(), t(6 * H), detach.clone()))
        .then_expect_events(vec![detached.clone()]);
    assert!(replay(&and(primary, [detached])).duplicates().is_empty());
    given(handling_by_department())
        .when(cmd(system(), t(6 * H), detach))
        .then_expect_error(CaseError::NotAttached {
            case_id: DUPLICATE.into(),
        });
}

// --- closing with the primary ----------------------------------------------------------------------

fn close_via_primary() -> CaseAction {
    CaseAction::CloseViaPrimary {
        primary: PRIMARY.into(),
    }
}

fn closed_via_primary(at: i64) -> CaseEvent {
    CaseEvent::CaseClosed {
        note: None,
        at: t(at),
        reopen_until: t(at),
        reopens_left: 0,
        via_primary: Some(PRIMARY.into()),
    }
}

#[test]
fn a_duplicate_closes_with_its_primary_once() {
    given(merged())
        .when(cmd(system(), t(3 * D), close_via_primary()))
        .then_expect_events(vec![closed_via_primary(3 * D)]);
    let closed = and(merged(), [closed_via_primary(3 * D)]);
    assert_eq!(replay(&closed).state(), Some(CaseState::Closed));
    given(closed.clone())
        .when(cmd(system(), t(3 * D + 1), close_via_primary()))
        .then_expect_error(CaseError::NotMergedInto {
            primary: PRIMARY.into(),
        });
    // Closed with its primary, it has no reopen of its own.
    given(closed)
        .when(cmd(
            hotline(),
            t(3 * D + H),
            CaseAction::Reopen(reason("不满意")),
        ))
        .then_expect_error(CaseError::ClosedWithPrimary {
            primary: PRIMARY.into(),
        });
}

#[test]
fn an_unmerged_case_does_not_close_with_its_old_primary() {
    given(and(merged(), [unmerged(2 * H)]))
        .when(cmd(system(), t(3 * D), close_via_primary()))
        .then_expect_error(CaseError::NotMergedInto {
            primary: PRIMARY.into(),
        });
}

#[test]
fn only_the_system_closes_via_the_primary() {
    given(merged())
        .when(cmd(Actor::hotline("op-2"), t(3 * D), close_via_primary()))
        .then_expect_error(CaseError::SystemOnly);
}
