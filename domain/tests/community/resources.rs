//! 双向需求清单, the units' side: a resident unit offers a resource; the community (or the unit)
//! matches it to a need, which the unit then delivers like a claim.

use shaobao_domain::community::*;
use shaobao_domain::Actor;

use crate::support::*;

fn offer(body: OfferResource) -> CommunityAction {
    CommunityAction::OfferResource(body)
}

fn match_to(no: u32, need_no: u32) -> CommunityAction {
    CommunityAction::MatchResource { no, need_no }
}

#[test]
fn a_unit_offers_a_resource() {
    given_none()
        .when(cmd(housing(), 0, offer(offer_body())))
        .then_expect_events(vec![offered(1, "housing", 1)]);
    let list = replay(&[offered(1, "housing", 1)]);
    let resource = list.resource(1).unwrap();
    assert_eq!(resource.remaining(), 1);
}

#[test]
fn an_offer_may_carry_capacity_and_availability() {
    let body = OfferResource {
        capacity: Some(3),
        available_from: Some(t(D)),
        available_until: Some(t(10 * D)),
        ..offer_body()
    };
    given(vec![offered(1, "urban_management", 1)])
        .when(cmd(housing(), 0, offer(body)))
        .then_expect_events(vec![offered_between(
            2,
            "housing",
            3,
            Some(D),
            Some(10 * D),
        )]);
}

#[test]
fn only_units_offer_resources() {
    let cases: Vec<(Actor, CommunityError)> = vec![
        (jingshan(), CommunityError::NotAUnit { role: "dispatcher" }),
        (hotline(), CommunityError::NotAUnit { role: "hotline" }),
        (resident(), CommunityError::NotAUnit { role: "volunteer" }),
        (auditor(), CommunityError::RoleMayNotAct { role: "auditor" }),
    ];
    for (actor, error) in cases {
        given_none()
            .when(cmd(actor, 0, offer(offer_body())))
            .then_expect_error(error);
    }
}

#[test]
fn a_unit_unknown_to_the_organisation_offers_nothing() {
    given_none()
        .when(cmd(
            Actor::department("ghost_co", "g-1"),
            0,
            offer(offer_body()),
        ))
        .then_expect_error(CommunityError::UnknownReference {
            field: "unit".into(),
            code: "ghost_co".into(),
        });
}

#[test]
fn an_offer_body_is_checked_field_by_field() {
    let cases: Vec<(OfferResource, CommunityError)> = vec![
        (
            OfferResource {
                title: "".into(),
                ..offer_body()
            },
            CommunityError::Blank {
                field: "title".into(),
            },
        ),
        (
            OfferResource {
                capacity: Some(0),
                ..offer_body()
            },
            CommunityError::NoCapacity,
        ),
        (
            OfferResource {
                available_from: Some(t(2 * D)),
                available_until: Some(t(D)),
                ..offer_body()
            },
            CommunityError::AvailabilityOrder,
        ),
        (
            OfferResource {
                available_until: Some(t(0)),
                ..offer_body()
            },
            CommunityError::AvailabilityOver,
        ),
    ];
    for (body, error) in cases {
        assert!(error.field().is_some(), "{error}");
        given_none()
            .when(cmd(housing(), 0, offer(body)))
            .then_expect_error(error);
    }
}

fn offered_and_open() -> Vec<CommunityEvent> {
    vec![offered(1, "housing", 2), published(1), published(2)]
}

#[test]
fn the_community_or_the_offering_unit_matches_a_resource_to_a_need() {
    for actor in [jingshan(), housing()] {
        given(offered_and_open())
            .when(cmd(actor, 60, match_to(1, 2)))
            .then_expect_events(vec![matched(1, "housing", 2, 60)]);
    }
    let list = replay(&and(offered_and_open(), [matched(1, "housing", 2, 60)]));
    let need = list.need(2).unwrap();
    assert_eq!(need.status, NeedStatus::Claimed);
    assert_eq!(need.claimant, Some(unit("housing")));
    assert_eq!(need.resource_no, Some(1));
    assert_eq!(list.resource(1).unwrap().matched, vec![2]);
    assert_eq!(list.resource(1).unwrap().remaining(), 1);
}

#[test]
fn the_needs_a_resource_may_be_matched_to_come_from_its_facts_and_theirs() {
    let list = replay(&and(offered_and_open(), [matched(1, "housing", 2, 60)]));
    let place = list.place().unwrap().clone();
    let needs: Vec<NeedFacts> = list.needs().iter().map(Need::facts).collect();
    let resource = list.resource(1).unwrap().facts();
    let matchable = |actor: &Actor| -> Vec<u32> {
        resource
            .matchable(&needs, actor, t(90), &place)
            .iter()
            .map(|n| n.no)
            .collect()
    };
    // Need 2 is taken; need 1 is still open; capacity 2 has one match left.
    assert_eq!(matchable(&housing()), vec![1]);
    assert_eq!(matchable(&jingshan()), vec![1]);
    assert!(matchable(&urban()).is_empty());
    assert_eq!(
        resource.permit_match(&needs[1], &housing(), t(90), &place),
        Err(CommunityError::NeedAlreadyClaimed { no: 2 })
    );
}

#[test]
fn a_matched_need_is_delivered_by_the_unit_and_confirmed_with_points_for_it() {
    let events = and(offered_and_open(), [matched(1, "housing", 1, 60)]);
    given(events.clone())
        .when(cmd(housing(), 120, deliver(1, "已修好")))
        .then_expect_events(vec![delivered(1, 120)]);
    given(and(events, [delivered(1, 120)]))
        .when(cmd(jingshan(), 180, confirm(1, None)))
        .then_expect_events(vec![confirmed(1, unit("housing"), 5, 180)]);
}

#[test]
fn matching_is_refused_when() {
    let full = and(
        offered_and_open(),
        [matched(1, "housing", 1, 10), matched(1, "housing", 2, 20)],
    );
    let cases: Vec<(
        Vec<CommunityEvent>,
        Actor,
        CommunityAction,
        i64,
        CommunityError,
    )> = vec![
        (
            offered_and_open(),
            urban(),
            match_to(1, 1),
            60,
            CommunityError::MayNotMatch { no: 1 },
        ),
        (
            offered_and_open(),
            donghuamen(),
            match_to(1, 1),
            60,
            CommunityError::MayNotMatch { no: 1 },
        ),
        (
            and(full.clone(), [published(3)]),
            jingshan(),
            match_to(1, 3),
            60,
            CommunityError::ResourceExhausted { no: 1, capacity: 2 },
        ),
        (
            full,
            jingshan(),
            match_to(1, 1),
            60,
            CommunityError::NeedAlreadyClaimed { no: 1 },
        ),
        (
            offered_and_open(),
            jingshan(),
            match_to(2, 1),
            60,
            CommunityError::ResourceNotFound { no: 2 },
        ),
        (
            offered_and_open(),
            jingshan(),
            match_to(1, 9),
            60,
            CommunityError::NeedNotFound { no: 9 },
        ),
        (
            vec![
                offered_between(1, "housing", 1, Some(D), None),
                published(1),
            ],
            jingshan(),
            match_to(1, 1),
            60,
            CommunityError::ResourceUnavailable { no: 1 },
        ),
        (
            vec![
                offered_between(1, "housing", 1, None, Some(D)),
                published(1),
            ],
            jingshan(),
            match_to(1, 1),
            D + 1,
            CommunityError::ResourceUnavailable { no: 1 },
        ),
        (
            vec![offered(1, "housing", 1), published_with(1, Some(H))],
            jingshan(),
            match_to(1, 1),
            H + 1,
            CommunityError::NeedExpired {
                no: 1,
                deadline: t(H),
            },
        ),
    ];
    for (events, actor, action, at, error) in cases {
        given(events)
            .when(cmd(actor, at, action))
            .then_expect_error(error);
    }
}

#[test]
fn community_events_serialize_with_their_names_and_place() {
    let event = confirmed(1, unit("housing"), 5, 180);
    let json = serde_json::to_value(&event).unwrap();
    assert_eq!(json["NeedConfirmed"]["claimant"]["unit"], "housing");
    assert_eq!(json["NeedConfirmed"]["points"], 5);
    assert_eq!(json["NeedConfirmed"]["street"], "jingshan");
    assert_eq!(event.name(), "NeedConfirmed");
    let back: CommunityEvent = serde_json::from_value(json).unwrap();
    assert_eq!(back, event);
    let member = serde_json::to_value(party_member("m-1")).unwrap();
    assert_eq!(member, serde_json::json!({"member": "m-1"}));
}
