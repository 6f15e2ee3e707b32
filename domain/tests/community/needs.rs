//! 双向需求清单, the community's side: publish, 认领 claim, deliver, confirm with points, withdraw.

use shaobao_domain::community::*;
use shaobao_domain::Actor;

use crate::support::*;

// --- publish ---------------------------------------------------------------------------------

#[test]
fn the_street_dispatcher_publishes_a_need() {
    given_none()
        .when(cmd(jingshan(), 0, publish()))
        .then_expect_events(vec![published(1)]);
    let list = replay(&open_need());
    let need = list.need(1).unwrap();
    assert_eq!(need.status, NeedStatus::Open);
    assert_eq!(list.place().unwrap().street, "jingshan");
}

#[test]
fn needs_are_numbered_per_community() {
    given(open_need())
        .when(cmd(jingshan(), 0, publish()))
        .then_expect_events(vec![published(2)]);
}

#[test]
fn a_need_may_carry_a_deadline() {
    let body = PublishNeed {
        deadline: Some(t(3 * D)),
        ..publish_body()
    };
    given_none()
        .when(cmd(jingshan(), 0, CommunityAction::PublishNeed(body)))
        .then_expect_events(vec![published_with(1, Some(3 * D))]);
}

#[test]
fn who_may_not_publish() {
    let cases: Vec<(Actor, CommunityError)> = vec![
        (donghuamen(), not_dispatcher("needs")),
        (hotline(), not_dispatcher("needs")),
        (housing(), not_dispatcher("needs")),
        (resident(), not_dispatcher("needs")),
        (auditor(), CommunityError::RoleMayNotAct { role: "auditor" }),
        (
            Actor::intake("app"),
            CommunityError::RoleMayNotAct { role: "intake" },
        ),
    ];
    for (actor, error) in cases {
        given_none()
            .when(cmd(actor, 0, publish()))
            .then_expect_error(error);
    }
}

fn not_dispatcher(action: &'static str) -> CommunityError {
    CommunityError::NotStreetDispatcher {
        action,
        street: "jingshan".into(),
    }
}

#[test]
fn an_unknown_community_has_no_list() {
    given_none()
        .when(CommunityCommand::new(
            jingshan(),
            t(0),
            "nowhere",
            publish(),
        ))
        .then_expect_error(CommunityError::UnknownCommunity {
            community: "nowhere".into(),
        });
}

#[test]
fn a_need_body_is_checked_field_by_field() {
    let base = publish_body;
    let cases: Vec<(PublishNeed, CommunityError)> = vec![
        (
            PublishNeed {
                title: "  ".into(),
                ..base()
            },
            CommunityError::Blank {
                field: "title".into(),
            },
        ),
        (
            PublishNeed {
                title: "长".repeat(201),
                ..base()
            },
            CommunityError::TooLong {
                field: "title".into(),
                max: 200,
            },
        ),
        (
            PublishNeed {
                description: Some("长".repeat(4001)),
                ..base()
            },
            CommunityError::TooLong {
                field: "description".into(),
                max: 4000,
            },
        ),
        (
            PublishNeed {
                points: 0,
                ..base()
            },
            CommunityError::PointsOutOfRange { min: 1, max: 1000 },
        ),
        (
            PublishNeed {
                points: 1001,
                ..base()
            },
            CommunityError::PointsOutOfRange { min: 1, max: 1000 },
        ),
        (
            PublishNeed {
                deadline: Some(t(0)),
                ..base()
            },
            CommunityError::DeadlineInPast,
        ),
    ];
    for (body, error) in cases {
        let field = error.field().map(str::to_string);
        given_none()
            .when(cmd(jingshan(), 0, CommunityAction::PublishNeed(body)))
            .then_expect_error(error);
        assert!(field.is_some());
    }
}

// --- claim -----------------------------------------------------------------------------------

#[test]
fn a_unit_claims_a_need() {
    given(open_need())
        .when(cmd(housing(), 60, claim(1)))
        .then_expect_events(vec![claimed(1, unit("housing"), 60)]);
}

#[test]
fn a_member_registered_in_the_community_claims_a_need() {
    given(open_need())
        .when(as_member(resident(), HC, 60, claim(1)))
        .then_expect_events(vec![claimed(1, party_member("m-1"), 60)]);
}

#[test]
fn a_member_claims_only_where_registered() {
    for registered in [None, Some(JX.to_string()), Some(ZY.to_string())] {
        given(open_need())
            .when(cmd(resident(), 60, claim(1)).registered_in(registered))
            .then_expect_error(CommunityError::NotRegisteredHere {
                community: HC.into(),
            });
    }
}

#[test]
fn only_units_and_members_claim() {
    for actor in [jingshan(), donghuamen(), hotline()] {
        given(open_need())
            .when(cmd(actor, 60, claim(1)))
            .then_expect_error(CommunityError::MayNotClaim);
    }
}

#[test]
fn claiming_what_cannot_be_claimed_is_refused() {
    let withdrawn = CommunityEvent::NeedWithdrawn {
        no: 1,
        street: "jingshan".into(),
        community: HC.into(),
        reason: "已由物业解决".into(),
        at: t(30),
    };
    let cases: Vec<(Vec<CommunityEvent>, u32, i64, CommunityError)> = vec![
        (
            claimed_by_housing(),
            1,
            90,
            CommunityError::NeedAlreadyClaimed { no: 1 },
        ),
        (
            delivered_by_housing(),
            1,
            200,
            CommunityError::NeedAlreadyClaimed { no: 1 },
        ),
        (
            and(open_need(), [withdrawn]),
            1,
            90,
            CommunityError::NeedWithdrawn { no: 1 },
        ),
        (
            vec![published_with(1, Some(D))],
            1,
            D + 1,
            CommunityError::NeedExpired {
                no: 1,
                deadline: t(D),
            },
        ),
        (open_need(), 2, 90, CommunityError::NeedNotFound { no: 2 }),
    ];
    for (events, no, at, error) in cases {
        given(events)
            .when(cmd(urban(), at, claim(no)))
            .then_expect_error(error);
    }
}

#[test]
fn a_need_is_claimable_up_to_its_deadline() {
    given(vec![published_with(1, Some(D))])
        .when(cmd(urban(), D, claim(1)))
        .then_expect_events(vec![claimed(1, unit("urban_management"), D)]);
}

// --- deliver ---------------------------------------------------------------------------------

#[test]
fn the_claimant_delivers() {
    given(claimed_by_housing())
        .when(cmd(housing(), 120, deliver(1, "已修好")))
        .then_expect_events(vec![delivered(1, 120)]);
}

#[test]
fn any_clerk_of_the_claiming_unit_delivers() {
    given(claimed_by_housing())
        .when(cmd(
            Actor::department("housing", "hs-2"),
            120,
            deliver(1, "已修好"),
        ))
        .then_expect_events(vec![delivered(1, 120)]);
}

#[test]
fn a_member_delivers_what_they_claimed() {
    given(and(open_need(), [claimed(1, party_member("m-1"), 60)]))
        .when(cmd(resident(), 120, deliver(1, "已修好")))
        .then_expect_events(vec![delivered(1, 120)]);
}

#[test]
fn delivering_is_refused_when() {
    let cases: Vec<(Vec<CommunityEvent>, Actor, CommunityError)> = vec![
        (
            claimed_by_housing(),
            urban(),
            CommunityError::NotClaimant { no: 1 },
        ),
        (
            claimed_by_housing(),
            resident(),
            CommunityError::NotClaimant { no: 1 },
        ),
        (
            claimed_by_housing(),
            jingshan(),
            CommunityError::NotClaimant { no: 1 },
        ),
        (
            open_need(),
            housing(),
            CommunityError::NeedNotClaimed { no: 1 },
        ),
        (
            delivered_by_housing(),
            housing(),
            CommunityError::NeedAlreadyDelivered { no: 1 },
        ),
    ];
    for (events, actor, error) in cases {
        given(events)
            .when(cmd(actor, 150, deliver(1, "已修好")))
            .then_expect_error(error);
    }
}

#[test]
fn a_delivery_needs_a_summary() {
    given(claimed_by_housing())
        .when(cmd(housing(), 120, deliver(1, " ")))
        .then_expect_error(CommunityError::Blank {
            field: "summary".into(),
        });
}

// --- confirm ---------------------------------------------------------------------------------

#[test]
fn confirming_awards_the_published_points_to_the_claimant() {
    let done = confirmed(1, unit("housing"), 5, 180);
    given(delivered_by_housing())
        .when(cmd(jingshan(), 180, confirm(1, None)))
        .then_expect_events(vec![done.clone()]);
    let need = replay(&and(delivered_by_housing(), [done]))
        .need(1)
        .cloned()
        .unwrap();
    assert_eq!(need.status, NeedStatus::Confirmed);
    assert_eq!(need.awarded_points, Some(5));
    assert_eq!(need.claimant, Some(unit("housing")));
}

#[test]
fn confirming_may_award_other_points() {
    given(delivered_by_housing())
        .when(cmd(jingshan(), 180, confirm(1, Some(8))))
        .then_expect_events(vec![confirmed(1, unit("housing"), 8, 180)]);
    given(delivered_by_housing())
        .when(cmd(jingshan(), 180, confirm(1, Some(1001))))
        .then_expect_error(CommunityError::PointsOutOfRange { min: 0, max: 1000 });
}

#[test]
fn confirming_is_refused_when() {
    let done = and(
        delivered_by_housing(),
        [confirmed(1, unit("housing"), 5, 180)],
    );
    let cases: Vec<(Vec<CommunityEvent>, Actor, CommunityError)> = vec![
        (
            done,
            jingshan(),
            CommunityError::NeedAlreadyConfirmed { no: 1 },
        ),
        (
            claimed_by_housing(),
            jingshan(),
            CommunityError::NeedNotDelivered { no: 1 },
        ),
        (
            open_need(),
            jingshan(),
            CommunityError::NeedNotDelivered { no: 1 },
        ),
        (
            delivered_by_housing(),
            donghuamen(),
            not_dispatcher("confirm"),
        ),
        (delivered_by_housing(), housing(), not_dispatcher("confirm")),
        (delivered_by_housing(), hotline(), not_dispatcher("confirm")),
    ];
    for (events, actor, error) in cases {
        given(events)
            .when(cmd(actor, 200, confirm(1, None)))
            .then_expect_error(error);
    }
}

// --- withdraw --------------------------------------------------------------------------------

fn withdrawn(no: u32, at: i64) -> CommunityEvent {
    CommunityEvent::NeedWithdrawn {
        no,
        street: "jingshan".into(),
        community: HC.into(),
        reason: "已由物业解决".into(),
        at: t(at),
    }
}

#[test]
fn the_street_withdraws_an_open_or_claimed_need() {
    for events in [open_need(), claimed_by_housing()] {
        given(events.clone())
            .when(cmd(jingshan(), 90, withdraw(1, "已由物业解决")))
            .then_expect_events(vec![withdrawn(1, 90)]);
        let list = replay(&and(events, [withdrawn(1, 90)]));
        assert_eq!(list.need(1).unwrap().status, NeedStatus::Withdrawn);
    }
}

#[test]
fn withdrawing_is_refused_when() {
    let cases: Vec<(Vec<CommunityEvent>, Actor, &str, CommunityError)> = vec![
        (
            delivered_by_housing(),
            jingshan(),
            "x",
            CommunityError::NeedAlreadyDelivered { no: 1 },
        ),
        (
            and(open_need(), [withdrawn(1, 90)]),
            jingshan(),
            "x",
            CommunityError::NeedWithdrawn { no: 1 },
        ),
        (open_need(), donghuamen(), "x", not_dispatcher("withdraw")),
        (open_need(), housing(), "x", not_dispatcher("withdraw")),
        (
            open_need(),
            jingshan(),
            "",
            CommunityError::Blank {
                field: "reason".into(),
            },
        ),
    ];
    for (events, actor, reason, error) in cases {
        given(events)
            .when(cmd(actor, 100, withdraw(1, reason)))
            .then_expect_error(error);
    }
}

#[test]
fn a_withdrawn_need_takes_no_further_step() {
    let events = and(claimed_by_housing(), [withdrawn(1, 90)]);
    given(events.clone())
        .when(cmd(housing(), 100, deliver(1, "已修好")))
        .then_expect_error(CommunityError::NeedWithdrawn { no: 1 });
    given(events)
        .when(cmd(jingshan(), 100, confirm(1, None)))
        .then_expect_error(CommunityError::NeedWithdrawn { no: 1 });
}

// --- who may do what now ---------------------------------------------------------------------

#[test]
fn available_steps_follow_the_permit() {
    let list = replay(&and(claimed_by_housing(), [published(2)]));
    let place = list.place().unwrap().clone();
    let at = t(100);
    assert_eq!(
        list.available(&jingshan(), at, &place, None),
        vec![
            ListStep::PublishNeed,
            ListStep::Withdraw { no: 1 },
            ListStep::Withdraw { no: 2 },
        ]
    );
    assert_eq!(
        list.available(&housing(), at, &place, None),
        vec![
            ListStep::OfferResource,
            ListStep::Deliver { no: 1 },
            ListStep::Claim { no: 2 },
        ]
    );
    assert_eq!(
        list.available(&resident(), at, &place, Some(HC)),
        vec![ListStep::Claim { no: 2 }]
    );
    assert!(list.available(&resident(), at, &place, Some(JX)).is_empty());
    assert!(list.available(&auditor(), at, &place, None).is_empty());
}

#[test]
fn a_need_row_alone_gives_the_same_steps_as_the_whole_list() {
    // The board lists needs from the read model: each need's facts must give exactly the steps
    // the list's permit gives for that need, for every actor.
    let list = replay(&and(delivered_by_housing(), [published(2)]));
    let place = list.place().unwrap().clone();
    let at = t(100);
    let registered_here = Some(HC);
    for actor in [jingshan(), housing(), resident(), auditor(), member("m-9")] {
        let from_list: Vec<ListStep> = list
            .available(&actor, at, &place, registered_here)
            .into_iter()
            .filter(|s| !matches!(s, ListStep::PublishNeed | ListStep::OfferResource))
            .collect();
        let from_facts: Vec<ListStep> = list
            .needs()
            .iter()
            .flat_map(|need| {
                need.facts()
                    .steps(&actor, at, &place, registered_here)
                    .into_iter()
                    .map(|step| step.on(need.no))
            })
            .collect();
        assert_eq!(from_facts, from_list, "{actor:?}");
    }
    let delivered = list.need(1).unwrap().facts();
    assert_eq!(
        delivered.steps(&jingshan(), at, &place, None),
        vec![NeedStep::Confirm]
    );
    assert_eq!(
        delivered.permit(&housing(), at, &place, None, NeedStep::Confirm),
        Err(CommunityError::NotStreetDispatcher {
            action: "confirm",
            street: "jingshan".into()
        })
    );
    assert_eq!(
        list.need(2)
            .unwrap()
            .facts()
            .steps(&housing(), at, &place, None),
        vec![NeedStep::Claim]
    );
}

#[test]
fn publishing_and_offering_depend_on_the_actor_and_the_place_only() {
    let place = Place {
        street: "jingshan".into(),
        community: HC.into(),
    };
    assert_eq!(list_steps(&jingshan(), &place), vec![ListStep::PublishNeed]);
    assert_eq!(
        list_steps(&housing(), &place),
        vec![ListStep::OfferResource]
    );
    assert!(list_steps(&resident(), &place).is_empty());
    assert!(list_steps(&auditor(), &place).is_empty());
    let elsewhere = Place {
        street: "donghuamen".into(),
        community: ZY.into(),
    };
    assert!(list_steps(&jingshan(), &elsewhere).is_empty());
}
