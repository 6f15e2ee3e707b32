//! Fixture organisation (the case tests' one), actors, times and event builders for the community
//! tests. Times are minutes after T0 (2025-03-03 09:00 in Beijing).

#![allow(dead_code)]

use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use shaobao_domain::community::*;
use shaobao_domain::Actor;

#[path = "../case/support.rs"]
mod case_support;

pub use case_support::{donghuamen, hotline, housing, jingshan, org, t, urban, D, H};

/// The fixture organisation file (no `[scoring]` table).
pub fn case_support_org_toml() -> String {
    case_support::ORG_TOML.to_string()
}

pub const HC: &str = "jingshan-huangcheng";
pub const JX: &str = "jingshan-jixiang";
pub const ZY: &str = "donghuamen-zhengyi";

pub fn member(id: &str) -> Actor {
    Actor::volunteer(id)
}

/// Member m-1, registered in 黄城根 (HC) in the tests that say so.
pub fn resident() -> Actor {
    member("m-1")
}

pub fn auditor() -> Actor {
    Actor::auditor("au-1")
}

// --- the community list ----------------------------------------------------------------------

pub fn cmd(actor: Actor, at: i64, action: CommunityAction) -> CommunityCommand {
    CommunityCommand::new(actor, t(at), HC, action)
}

/// A command by a member registered in `community`.
pub fn as_member(
    actor: Actor,
    community: &str,
    at: i64,
    action: CommunityAction,
) -> CommunityCommand {
    cmd(actor, at, action).registered_in(Some(community.to_string()))
}

pub fn given(events: Vec<CommunityEvent>) -> AggregateTestExecutor<CommunityList> {
    TestFramework::<CommunityList>::with(org()).given(events)
}

pub fn given_none() -> AggregateTestExecutor<CommunityList> {
    TestFramework::<CommunityList>::with(org()).given_no_previous_events()
}

pub fn replay(events: &[CommunityEvent]) -> CommunityList {
    let mut list = CommunityList::default();
    for event in events {
        list.apply(event.clone());
    }
    list
}

pub fn and(
    mut events: Vec<CommunityEvent>,
    more: impl IntoIterator<Item = CommunityEvent>,
) -> Vec<CommunityEvent> {
    events.extend(more);
    events
}

pub fn publish_body() -> PublishNeed {
    PublishNeed {
        title: "为独居老人修理水管".into(),
        description: Some("3 号楼 2 单元".into()),
        kind: NeedKind::Practical,
        points: 5,
        deadline: None,
    }
}

pub fn publish() -> CommunityAction {
    CommunityAction::PublishNeed(publish_body())
}

pub fn need(no: u32, action: NeedAction) -> CommunityAction {
    CommunityAction::Need { no, action }
}

pub fn claim(no: u32) -> CommunityAction {
    need(no, NeedAction::Claim)
}

pub fn deliver(no: u32, summary: &str) -> CommunityAction {
    need(
        no,
        NeedAction::Deliver {
            summary: summary.into(),
            evidence: vec![],
        },
    )
}

pub fn confirm(no: u32, points: Option<u32>) -> CommunityAction {
    need(no, NeedAction::Confirm { points })
}

pub fn withdraw(no: u32, reason: &str) -> CommunityAction {
    need(
        no,
        NeedAction::Withdraw {
            reason: reason.into(),
        },
    )
}

pub fn published(no: u32) -> CommunityEvent {
    published_with(no, None)
}

pub fn published_with(no: u32, deadline: Option<i64>) -> CommunityEvent {
    let body = publish_body();
    CommunityEvent::NeedPublished {
        no,
        street: "jingshan".into(),
        community: HC.into(),
        title: body.title,
        description: body.description,
        kind: body.kind,
        points: body.points,
        deadline: deadline.map(t),
        at: t(0),
    }
}

pub fn claimed(no: u32, claimant: Party, at: i64) -> CommunityEvent {
    CommunityEvent::NeedClaimed {
        no,
        street: "jingshan".into(),
        community: HC.into(),
        claimant,
        at: t(at),
    }
}

pub fn delivered(no: u32, at: i64) -> CommunityEvent {
    CommunityEvent::NeedDelivered {
        no,
        street: "jingshan".into(),
        community: HC.into(),
        summary: "已修好".into(),
        evidence: vec![],
        at: t(at),
    }
}

pub fn confirmed(no: u32, claimant: Party, points: u32, at: i64) -> CommunityEvent {
    CommunityEvent::NeedConfirmed {
        no,
        street: "jingshan".into(),
        community: HC.into(),
        claimant,
        points,
        at: t(at),
    }
}

pub fn unit(code: &str) -> Party {
    Party::Unit(code.into())
}

pub fn party_member(id: &str) -> Party {
    Party::Member(id.into())
}

/// Need 1 published.
pub fn open_need() -> Vec<CommunityEvent> {
    vec![published(1)]
}

/// Need 1 claimed by `housing`.
pub fn claimed_by_housing() -> Vec<CommunityEvent> {
    and(open_need(), [claimed(1, unit("housing"), 60)])
}

/// Need 1 delivered by `housing`.
pub fn delivered_by_housing() -> Vec<CommunityEvent> {
    and(claimed_by_housing(), [delivered(1, 120)])
}

pub fn offer_body() -> OfferResource {
    OfferResource {
        title: "周末法律咨询".into(),
        description: None,
        capacity: None,
        available_from: None,
        available_until: None,
    }
}

pub fn offered(no: u32, unit: &str, capacity: u32) -> CommunityEvent {
    offered_between(no, unit, capacity, None, None)
}

pub fn offered_between(
    no: u32,
    unit: &str,
    capacity: u32,
    from: Option<i64>,
    until: Option<i64>,
) -> CommunityEvent {
    CommunityEvent::ResourceOffered {
        no,
        street: "jingshan".into(),
        community: HC.into(),
        unit: unit.into(),
        title: "周末法律咨询".into(),
        description: None,
        capacity,
        available_from: from.map(t),
        available_until: until.map(t),
        at: t(0),
    }
}

pub fn matched(no: u32, unit: &str, need_no: u32, at: i64) -> CommunityEvent {
    CommunityEvent::ResourceMatched {
        no,
        street: "jingshan".into(),
        community: HC.into(),
        unit: unit.into(),
        need_no,
        at: t(at),
    }
}
