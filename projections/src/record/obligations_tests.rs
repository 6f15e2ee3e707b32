//! Obligations through a case's life: a late sign and an approved return end the first, a
//! re-dispatch starts the second, an accepted resolution ends it, and a reopen afterwards moves
//! the case's resolve clock but not the ended obligation's.

use chrono::{DateTime, Duration, TimeZone, Utc};
use shaobao_domain::case::*;
use shaobao_domain::sla::Urgency;
use shaobao_domain::CaseEvent::{self, *};

use crate::record::CaseRecord;

fn t(hours: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap() + Duration::hours(hours)
}

fn department(code: &str) -> Unit {
    Unit::Department(code.into())
}

fn dispatched(unit: Unit, at: i64) -> CaseEvent {
    CaseDispatched {
        unit,
        co_units: vec![department("health")],
        dispatched_by: Dispatcher::Hotline,
        at: t(at),
        sign_by: t(at + 2),
        contact_by: t(at + 24),
        resolve_by: t(at + 7 * 24),
        return_until: t(at + 48),
        ladders: vec![],
    }
}

fn played(events: Vec<CaseEvent>) -> CaseRecord {
    let mut record = CaseRecord::new("case-1");
    let opened = CaseOpened {
        channel: Channel::Hotline,
        kind: CaseKind::Complaint,
        category: "noise".into(),
        urgency: Urgency::Ordinary,
        description: "夜间施工".into(),
        location: Location::street("jingshan"),
        requester: None,
        source: None,
        related_cases: vec![],
        at: t(0),
    };
    for (i, event) in std::iter::once(opened).chain(events).enumerate() {
        record.apply(i as i64 + 1, event);
    }
    record
}

#[test]
fn each_dispatch_is_an_obligation_with_its_own_clocks_until_it_ends() {
    let record = played(vec![
        dispatched(department("city_admin"), 0),
        CaseSigned {
            at: t(3),
            on_time: false,
        },
        ReturnRequested {
            unit: department("city_admin"),
            reason: ReturnReason::WrongJurisdiction,
            note: "不属本单位".into(),
            at: t(4),
        },
        ReturnApproved {
            note: None,
            at: t(5),
        },
    ]);
    let [first] = record.obligations.all() else {
        panic!("{:?}", record.obligations)
    };
    assert_eq!(first.ended_at, Some(t(5)), "an approved return ends it");
    assert_eq!(
        first.sign.and_then(|c| c.met_at),
        Some(t(3)),
        "the late sign stays"
    );
    assert_eq!((first.returns, first.resolved_at), (1, None));
    assert_eq!(
        record.latest_clocks()[0].map(|c| c.due_at),
        Some(t(2)),
        "before a re-dispatch the latest dispatch's clocks are the returned one's"
    );

    let record = played(vec![
        dispatched(department("city_admin"), 0),
        ReturnRequested {
            unit: department("city_admin"),
            reason: ReturnReason::WrongJurisdiction,
            note: "不属本单位".into(),
            at: t(1),
        },
        ReturnApproved {
            note: None,
            at: t(2),
        },
        dispatched(department("landscaping"), 2),
        CaseSigned {
            at: t(3),
            on_time: true,
        },
        ResolutionSubmitted {
            outcome: Outcome::Resolved,
            summary: "已处理".into(),
            evidence: vec![],
            at: t(10),
            on_time: true,
            callback_by: None,
            ladders: vec![],
        },
        ResolutionAccepted {
            note: None,
            at: t(11),
            callback_by: t(35),
            ladders: vec![],
        },
        CaseReopened {
            reason: "仍未解决".into(),
            at: t(12),
            resolve_by: t(12 + 7 * 24),
            reopen_count: 1,
            ladders: vec![],
        },
    ]);
    let [_, second] = record.obligations.all() else {
        panic!("{:?}", record.obligations)
    };
    assert_eq!(second.unit, department("landscaping"));
    assert_eq!(
        (second.ended_at, second.resolved_at),
        (Some(t(11)), Some(t(10))),
        "an accepted resolution ends it"
    );
    assert_eq!(
        second.resolve.map(|c| (c.due_at, c.met_at)),
        Some((t(2 + 7 * 24), Some(t(10)))),
        "the reopen does not touch an ended obligation"
    );
    let [sign, _, resolve] = record.latest_clocks();
    assert_eq!(sign.and_then(|c| c.met_at), Some(t(3)));
    assert_eq!(
        resolve.map(|c| (c.due_at, c.met_at)),
        Some((t(12 + 7 * 24), None)),
        "the case's resolve clock is the reopen's"
    );
    assert_eq!(record.resolved_by, Some(department("landscaping")));
    assert_eq!(record.co_units.len(), 2, "one co-unit per dispatch");
}
