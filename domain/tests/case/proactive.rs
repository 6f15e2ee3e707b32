//! 主动治理 proactive cases: opened by a street or the hotline for a hot spot, no requester.

use shaobao_domain::case::*;
use shaobao_domain::sla::Urgency;

use crate::support::*;

const RELATED: [&str; 2] = [DUPLICATE, PRIMARY];

fn proactive_body(related: &[&str]) -> OpenCase {
    OpenCase {
        channel: Channel::Proactive,
        kind: CaseKind::Report,
        requester: None,
        related_cases: related.iter().map(|s| s.to_string()).collect(),
        description: "同一路段本月第三次反映路灯不亮，主动排查".into(),
        ..open_body()
    }
}

#[test]
fn a_street_opens_a_proactive_case_for_a_hot_spot() {
    let body = proactive_body(&RELATED);
    given_none()
        .when(cmd(jingshan(), t(0), CaseAction::Open(body.clone())))
        .then_expect_events(vec![CaseEvent::CaseOpened {
            channel: Channel::Proactive,
            kind: CaseKind::Report,
            category: body.category,
            urgency: Urgency::Ordinary,
            description: body.description,
            location: body.location,
            requester: None,
            source: None,
            at: t(0),
            related_cases: RELATED.iter().map(|s| s.to_string()).collect(),
        }]);
}

#[test]
fn a_proactive_case_has_no_requester() {
    let body = OpenCase {
        requester: open_body().requester,
        ..proactive_body(&[])
    };
    let refusal = Case::default()
        .decide(cmd(hotline(), t(0), CaseAction::Open(body)), &org())
        .unwrap_err();
    assert_eq!(refusal, CaseError::ProactiveWithRequester);
    assert_eq!(refusal.field(), Some("requester"));
}

#[test]
fn related_cases_must_be_case_ids_each_once() {
    for (related, field) in [
        (vec!["not-a-case"], "related_cases[0]"),
        (vec![DUPLICATE, DUPLICATE], "related_cases[1]"),
    ] {
        let refusal = Case::default()
            .decide(
                cmd(hotline(), t(0), CaseAction::Open(proactive_body(&related))),
                &org(),
            )
            .unwrap_err();
        assert_eq!(refusal.kind(), ErrorKind::Invalid);
        assert_eq!(refusal.field(), Some(field));
    }
}

#[test]
fn related_cases_go_only_with_a_proactive_case() {
    let body = OpenCase {
        related_cases: vec![DUPLICATE.into()],
        ..open_body()
    };
    let refusal = Case::default()
        .decide(cmd(hotline(), t(0), CaseAction::Open(body)), &org())
        .unwrap_err();
    assert_eq!(refusal, CaseError::RelatedCasesNotProactive);
    assert_eq!(refusal.field(), Some("related_cases"));
}

#[test]
fn residents_apps_and_volunteers_do_not_open_proactive_cases() {
    for actor in [shaobao_domain::Actor::intake("app-1"), volunteer()] {
        given_none()
            .when(cmd(
                actor.clone(),
                t(0),
                CaseAction::Open(proactive_body(&[])),
            ))
            .then_expect_error(CaseError::MayNotOpenProactive {
                role: actor.role.name(),
            });
    }
}
