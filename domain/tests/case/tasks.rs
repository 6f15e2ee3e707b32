//! 需求清单 tasks: publish, 认领 claim, complete, confirm.

use shaobao_domain::case::*;
use shaobao_domain::Actor;

use crate::support::*;

fn publish(title: &str) -> CaseAction {
    CaseAction::PublishTask(PublishTask {
        title: title.into(),
        kind: TaskKind::Practical,
        points: 5,
    })
}

fn complete(summary: &str) -> CaseAction {
    task(
        1,
        TaskAction::Complete {
            summary: summary.into(),
        },
    )
}

fn confirm(points: Option<u32>) -> CaseAction {
    task(1, TaskAction::Confirm { points })
}

fn published() -> Vec<CaseEvent> {
    and(handling_self_dispatched(), [task_published(1)])
}

fn claimed() -> Vec<CaseEvent> {
    and(published(), [task_claimed(1, volunteer())])
}

fn completed_event() -> CaseEvent {
    CaseEvent::TaskCompleted {
        no: 1,
        summary: "已清运".into(),
        at: t(8 * H),
    }
}

fn completed() -> Vec<CaseEvent> {
    and(claimed(), [completed_event()])
}

#[test]
fn the_street_publishes_a_task() {
    given(handling_self_dispatched())
        .when(cmd(jingshan(), t(5 * H), publish("协助清运建筑垃圾")))
        .then_expect_events(vec![task_published(1)]);
    let case = replay(&published());
    assert_eq!(case.task(1).unwrap().status, TaskStatus::Open);
}

#[test]
fn tasks_are_numbered_per_case() {
    given(published())
        .when(cmd(jingshan(), t(5 * H), publish("协助清运建筑垃圾")))
        .then_expect_events(vec![task_published(2)]);
}

#[test]
fn only_the_street_publishes_tasks() {
    given(handling_self_dispatched())
        .when(cmd(hotline(), t(5 * H), publish("x")))
        .then_expect_error(CaseError::NotStreetDispatcher {
            action: "tasks",
            street: "jingshan".into(),
        });
}

#[test]
fn no_tasks_on_a_closed_case() {
    given(closed_case())
        .when(cmd(jingshan(), t(4 * D), publish("x")))
        .then_expect_error(CaseError::WrongState {
            action: "tasks",
            state: CaseState::Closed,
        });
}

#[test]
fn a_task_needs_a_title() {
    given(handling_self_dispatched())
        .when(cmd(jingshan(), t(5 * H), publish("")))
        .then_expect_error(CaseError::Blank {
            field: "title".into(),
        });
}

#[test]
fn a_volunteer_claims_a_task() {
    given(published())
        .when(cmd(volunteer(), t(6 * H), task(1, TaskAction::Claim)))
        .then_expect_events(vec![task_claimed(1, volunteer())]);
}

#[test]
fn a_department_claims_a_task() {
    given(published())
        .when(cmd(housing(), t(6 * H), task(1, TaskAction::Claim)))
        .then_expect_events(vec![task_claimed(1, housing())]);
}

#[test]
fn the_hotline_does_not_claim_tasks() {
    given(published())
        .when(cmd(hotline(), t(6 * H), task(1, TaskAction::Claim)))
        .then_expect_error(CaseError::MayNotClaim);
}

#[test]
fn a_task_is_claimed_once() {
    given(claimed())
        .when(cmd(
            Actor::volunteer("m-7"),
            t(7 * H),
            task(1, TaskAction::Claim),
        ))
        .then_expect_error(CaseError::TaskAlreadyClaimed { no: 1 });
}

#[test]
fn the_claimant_completes_the_task() {
    given(claimed())
        .when(cmd(volunteer(), t(8 * H), complete("已清运")))
        .then_expect_events(vec![completed_event()]);
}

#[test]
fn only_the_claimant_completes() {
    given(claimed())
        .when(cmd(Actor::volunteer("m-7"), t(8 * H), complete("我干的")))
        .then_expect_error(CaseError::NotClaimant { no: 1 });
}

#[test]
fn an_unclaimed_task_cannot_be_completed() {
    given(published())
        .when(cmd(volunteer(), t(8 * H), complete("已清运")))
        .then_expect_error(CaseError::TaskNotClaimed { no: 1 });
}

#[test]
fn a_task_is_completed_once() {
    given(completed())
        .when(cmd(volunteer(), t(9 * H), complete("又清运了")))
        .then_expect_error(CaseError::TaskAlreadyCompleted { no: 1 });
}

#[test]
fn completing_needs_a_summary() {
    given(claimed())
        .when(cmd(volunteer(), t(8 * H), complete(" ")))
        .then_expect_error(CaseError::Blank {
            field: "summary".into(),
        });
}

#[test]
fn confirming_awards_the_published_points_by_default() {
    let confirmed = CaseEvent::TaskConfirmed {
        no: 1,
        points: 5,
        at: t(9 * H),
    };
    given(completed())
        .when(cmd(jingshan(), t(9 * H), confirm(None)))
        .then_expect_events(vec![confirmed.clone()]);
    let task = replay(&and(completed(), [confirmed]))
        .task(1)
        .cloned()
        .unwrap();
    assert_eq!(task.status, TaskStatus::Confirmed);
    assert_eq!(task.awarded_points, Some(5));
    assert_eq!(task.claimant, Some(volunteer()));
}

#[test]
fn confirming_may_award_other_points() {
    given(completed())
        .when(cmd(jingshan(), t(9 * H), confirm(Some(8))))
        .then_expect_events(vec![CaseEvent::TaskConfirmed {
            no: 1,
            points: 8,
            at: t(9 * H),
        }]);
}

#[test]
fn a_task_is_confirmed_after_completion() {
    given(claimed())
        .when(cmd(jingshan(), t(9 * H), confirm(None)))
        .then_expect_error(CaseError::TaskNotCompleted { no: 1 });
}

#[test]
fn a_task_is_confirmed_once() {
    given(and(
        completed(),
        [CaseEvent::TaskConfirmed {
            no: 1,
            points: 5,
            at: t(9 * H),
        }],
    ))
    .when(cmd(jingshan(), t(10 * H), confirm(None)))
    .then_expect_error(CaseError::TaskAlreadyConfirmed { no: 1 });
}

#[test]
fn only_the_street_confirms() {
    given(completed())
        .when(cmd(volunteer(), t(9 * H), confirm(Some(100))))
        .then_expect_error(CaseError::NotStreetDispatcher {
            action: "confirm",
            street: "jingshan".into(),
        });
}

#[test]
fn an_unknown_task_is_not_found() {
    given(published())
        .when(cmd(volunteer(), t(6 * H), task(3, TaskAction::Claim)))
        .then_expect_error(CaseError::TaskNotFound { no: 3 });
}

#[test]
fn the_claimant_is_known_by_role_and_scope_not_by_display_name() {
    given(and(
        published(),
        [task_claimed(1, volunteer().with_name("王芳"))],
    ))
    .when(cmd(volunteer(), t(8 * H), complete("已清运")))
    .then_expect_events(vec![completed_event()]);
}
