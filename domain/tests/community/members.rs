//! 在职党员回小区报到: members register where they live, move and leave.

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use shaobao_domain::community::*;
use shaobao_domain::Actor;

use crate::support::*;

fn members(events: Vec<MemberEvent>) -> AggregateTestExecutor<Member> {
    TestFramework::<Member>::with(org()).given(events)
}

fn command(actor: Actor, action: MemberAction) -> MemberCommand {
    MemberCommand {
        actor,
        at: t(0),
        member: "m-1".into(),
        action,
    }
}

fn register_in(community: &str) -> MemberAction {
    MemberAction::Register(RegisterMember {
        member: None,
        name: "李红".into(),
        community: community.into(),
        home_unit: Some("housing".into()),
    })
}

fn move_to(community: &str) -> MemberAction {
    MemberAction::Move(MoveMember {
        community: community.into(),
    })
}

fn leave() -> MemberAction {
    MemberAction::Leave {
        reason: Some("搬离本区".into()),
    }
}

fn registered(street: &str, community: &str) -> MemberEvent {
    MemberEvent::MemberRegistered {
        member: "m-1".into(),
        name: "李红".into(),
        street: street.into(),
        community: community.into(),
        home_unit: Some("housing".into()),
        at: t(0),
    }
}

fn registered_hc() -> Vec<MemberEvent> {
    vec![registered("jingshan", HC)]
}

fn left() -> MemberEvent {
    MemberEvent::MemberLeft {
        member: "m-1".into(),
        street: "jingshan".into(),
        community: HC.into(),
        reason: Some("搬离本区".into()),
        at: t(0),
    }
}

fn state(events: &[MemberEvent]) -> Member {
    let mut member = Member::default();
    for event in events {
        member.apply(event.clone());
    }
    member
}

#[test]
fn a_member_registers_where_they_live() {
    members(vec![])
        .when(command(resident(), register_in(HC)))
        .then_expect_events(registered_hc());
    let member = state(&registered_hc());
    assert_eq!(member.community(), Some(HC));
    assert_eq!(member.home_unit.as_deref(), Some("housing"));
}

#[test]
fn the_street_dispatcher_registers_a_member_of_its_community() {
    members(vec![])
        .when(command(jingshan(), register_in(HC)))
        .then_expect_events(registered_hc());
}

#[test]
fn who_may_not_register() {
    let cases: Vec<(Actor, MemberError)> = vec![
        (
            member("m-2"),
            MemberError::NotThisMember { own: "m-2".into() },
        ),
        (
            donghuamen(),
            MemberError::NotStreetDispatcher {
                action: "register",
                street: "jingshan".into(),
            },
        ),
        (hotline(), MemberError::MayNotRegister { role: "hotline" }),
        (
            housing(),
            MemberError::MayNotRegister { role: "department" },
        ),
        (auditor(), MemberError::MayNotRegister { role: "auditor" }),
    ];
    for (actor, error) in cases {
        members(vec![])
            .when(command(actor, register_in(HC)))
            .then_expect_error(error);
    }
}

#[test]
fn a_registration_is_checked_field_by_field() {
    let body = |name: &str, community: &str, home_unit: Option<&str>| {
        MemberAction::Register(RegisterMember {
            member: None,
            name: name.into(),
            community: community.into(),
            home_unit: home_unit.map(str::to_string),
        })
    };
    let cases: Vec<(MemberAction, MemberError)> = vec![
        (
            body("李红", "nowhere", None),
            MemberError::UnknownReference {
                field: "community".into(),
                code: "nowhere".into(),
            },
        ),
        (
            body("李红", HC, Some("ghost_co")),
            MemberError::UnknownReference {
                field: "home_unit".into(),
                code: "ghost_co".into(),
            },
        ),
        (
            body(" ", HC, None),
            MemberError::Blank {
                field: "name".into(),
            },
        ),
    ];
    for (action, error) in cases {
        members(vec![])
            .when(command(resident(), action))
            .then_expect_error(error);
    }
    let bad_id = MemberCommand {
        member: "m 1/x".into(),
        ..command(jingshan(), register_in(HC))
    };
    members(vec![])
        .when(bad_id)
        .then_expect_error(MemberError::InvalidMemberId);
}

#[test]
fn a_member_registers_once_and_again_after_leaving() {
    members(registered_hc())
        .when(command(resident(), register_in(JX)))
        .then_expect_error(MemberError::AlreadyRegistered {
            community: HC.into(),
        });
    let after_leaving = vec![registered("jingshan", HC), left()];
    members(after_leaving.clone())
        .when(command(resident(), register_in(JX)))
        .then_expect_events(vec![registered("jingshan", JX)]);
    let member = state(&after_leaving);
    assert!(!member.is_registered());
    assert_eq!(member.left_at, Some(t(0)));
}

fn moved_to_zy() -> MemberEvent {
    MemberEvent::MemberMoved {
        member: "m-1".into(),
        from_street: "jingshan".into(),
        from_community: HC.into(),
        street: "donghuamen".into(),
        community: ZY.into(),
        at: t(0),
    }
}

#[test]
fn a_member_moves_to_another_community() {
    for actor in [resident(), jingshan(), donghuamen()] {
        members(registered_hc())
            .when(command(actor, move_to(ZY)))
            .then_expect_events(vec![moved_to_zy()]);
    }
    let member = state(&[registered("jingshan", HC), moved_to_zy()]);
    assert_eq!(member.community(), Some(ZY));
}

#[test]
fn moving_is_refused_when() {
    members(registered_hc())
        .when(command(resident(), move_to(HC)))
        .then_expect_error(MemberError::AlreadyThere {
            community: HC.into(),
        });
    members(vec![])
        .when(command(resident(), move_to(HC)))
        .then_expect_error(MemberError::NotRegistered);
    // A dispatcher of neither street.
    members(vec![registered("donghuamen", ZY)])
        .when(command(donghuamen(), move_to(JX)))
        .then_expect_events(vec![MemberEvent::MemberMoved {
            member: "m-1".into(),
            from_street: "donghuamen".into(),
            from_community: ZY.into(),
            street: "jingshan".into(),
            community: JX.into(),
            at: t(0),
        }]);
    members(vec![registered("jingshan", JX)])
        .when(command(donghuamen(), move_to(HC)))
        .then_expect_error(MemberError::NotStreetDispatcher {
            action: "move",
            street: "jingshan".into(),
        });
}

#[test]
fn a_member_leaves() {
    for actor in [resident(), jingshan()] {
        members(registered_hc())
            .when(command(actor, leave()))
            .then_expect_events(vec![left()]);
    }
    members(registered_hc())
        .when(command(donghuamen(), leave()))
        .then_expect_error(MemberError::NotStreetDispatcher {
            action: "leave",
            street: "jingshan".into(),
        });
    members(vec![])
        .when(command(resident(), leave()))
        .then_expect_error(MemberError::NotRegistered);
}
