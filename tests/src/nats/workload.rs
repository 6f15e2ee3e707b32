//! Cases whose events use every part of the NATS feed: dispatches to departments (with a co-unit),
//! whistles summoning two departments, deadline alerts, household visits, and community lists and
//! member registrations (`shaobao.community.…`), in two streets.
//!
//! Every command has an idempotency key derived from the case number, so running a case's life
//! again (after a failure half-way) finishes it without doubling anything.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use shaobao_domain::case::{
    BlowWhistle, CaseKind, Channel, DeadlineRef, DeadlineStep, Dispatch, Location, OpenCase,
    Progress, RecordDeadline, Summons, Unit, WhistleRole,
};
use shaobao_domain::community::{
    CommunityAction, NeedAction, NeedKind, OfferResource, PublishNeed, RegisterMember,
};
use shaobao_domain::sla::WhistleKind;
use shaobao_domain::visit::Finding;
use shaobao_domain::{Actor, CaseAction};
use shaobao_services::cases::{CaseCommandError, CaseService, Request, VisitReport};
use shaobao_services::clock::ManualClock;
use shaobao_services::command::CommandOutcome;
use shaobao_services::org_file::load_org;
use shaobao_services::store::Store;

/// The streets cases are opened in, in turn.
pub const STREETS: [&str; 2] = ["jingshan", "donghuamen"];

/// The departments cases are dispatched to and whistles summon.
pub const DEPARTMENTS: [&str; 2] = ["urban_management", "housing"];

/// The case service on the sample district, its clock standing at Monday 2 March 2026, 10:00 in
/// Beijing (a working day, inside working hours).
pub fn case_service(store: &Store) -> CaseService {
    let org = Arc::new(load_org(None, 1.0).expect("sample district"));
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap());
    CaseService::new(store.clone(), org, Arc::new(clock))
}

/// Case number `n`'s life, by `n % 3`: dispatched to a department with a co-unit, signed, and
/// alerted (contact deadline approaching); or dispatched to its street, signed there and whistled
/// (both departments summoned); or dispatched to a department, signed and progressed. Every
/// seventh case is also a household visit with one finding; every fifth also brings a member
/// registration, a need the member claims and a resource offered, in a community of the street.
/// Returns the case id; panics with the failing step when a command fails.
pub async fn case_life(service: &CaseService, n: usize) -> String {
    let street = STREETS[n % STREETS.len()];
    let [urban, housing] = DEPARTMENTS;
    let hotline = Actor::hotline("op-1");
    let dispatcher = Actor::dispatcher(street, format!("{street}-desk"));
    let key = |step: &str| Request {
        idempotency_key: Some(format!("case-{n}-{step}")),
        correlation_id: format!("case-{n}"),
        expected_version: None,
    };
    let opened = service
        .open(&hotline, complaint(street), &key("open"))
        .await;
    let id = succeeded(n, "open", opened).aggregate_id;
    let run = |actor: Actor, action: CaseAction, step: &'static str| {
        let (id, request) = (id.clone(), key(step));
        async move {
            succeeded(
                n,
                step,
                service.execute(&id, &actor, action, &request).await,
            )
        }
    };
    let department = |code: &str| Actor::department(code, format!("{code}-desk"));
    match n % 3 {
        0 => {
            let dispatch = dispatch(Unit::Department(urban.into()), vec![housing]);
            run(hotline, dispatch, "dispatch").await;
            run(department(urban), CaseAction::Sign, "sign").await;
            let case = service.case(&id).await.expect("read case").expect("case");
            let (deadline, due_at) = case.aggregate.pending_deadlines()[0].clone();
            assert_eq!(deadline, DeadlineRef::Contact, "signed: contact is next");
            let approaching = CaseAction::RecordDeadline(RecordDeadline {
                deadline,
                due_at,
                step: DeadlineStep::Approaching,
            });
            run(Actor::system(), approaching, "approaching").await;
        }
        1 => {
            let dispatch = dispatch(Unit::Street(street.into()), vec![]);
            run(hotline, dispatch, "dispatch").await;
            run(dispatcher.clone(), CaseAction::Sign, "sign").await;
            run(dispatcher.clone(), whistle(), "whistle").await;
        }
        _ => {
            let dispatch = dispatch(Unit::Department(housing.into()), vec![]);
            run(hotline, dispatch, "dispatch").await;
            run(department(housing), CaseAction::Sign, "sign").await;
            let progress = CaseAction::Progress(Progress {
                note: "已约业主现场查看".into(),
                evidence: vec![],
            });
            run(department(housing), progress, "progress").await;
        }
    }
    if n.is_multiple_of(7) {
        let visit = VisitReport {
            street: street.into(),
            community: community_of(street).into(),
            visitors: vec!["grid-worker-1".into()],
            households: 12,
            findings: vec![Finding {
                category: "noise".into(),
                description: "楼道堆物影响通行".into(),
                address: None,
                urgency: None,
            }],
        };
        let recorded = service
            .record_visit(&dispatcher, visit, &key("visit"))
            .await;
        recorded.unwrap_or_else(|err| panic!("case {n}: visit: {err}"));
    }
    if n.is_multiple_of(5) {
        community_life(service, n, street, &dispatcher).await;
    }
    id
}

/// A member registers in a community of `street` and claims a need its dispatcher publishes; a
/// department offers a resource there.
async fn community_life(service: &CaseService, n: usize, street: &str, dispatcher: &Actor) {
    let community = community_of(street);
    let key = |step: &str| Request {
        idempotency_key: Some(format!("case-{n}-{step}")),
        correlation_id: format!("case-{n}"),
        expected_version: None,
    };
    let member = Actor::volunteer(format!("wm-{n}"));
    let register = RegisterMember {
        member: None,
        name: format!("党员{n}"),
        community: community.into(),
        home_unit: Some(DEPARTMENTS[1].into()),
    };
    let registered = service
        .register_member(&member, register, &key("register"))
        .await;
    registered.unwrap_or_else(|err| panic!("case {n}: register: {err}"));
    let need = CommunityAction::PublishNeed(PublishNeed {
        title: "楼道清扫".into(),
        description: None,
        kind: NeedKind::Volunteering,
        points: 5,
        deadline: None,
    });
    let published = service
        .community(community, dispatcher, need, &key("need"))
        .await
        .unwrap_or_else(|err| panic!("case {n}: need: {err}"));
    let list = service
        .community_list(community, Some(published.version))
        .await
        .expect("read list")
        .expect("list");
    let no = list.aggregate.needs().last().expect("a need").no;
    let claim = CommunityAction::Need {
        no,
        action: NeedAction::Claim,
    };
    let claimed = service
        .community(community, &member, claim, &key("claim"))
        .await;
    claimed.unwrap_or_else(|err| panic!("case {n}: claim: {err}"));
    let offer = CommunityAction::OfferResource(OfferResource {
        title: "会议室共享".into(),
        description: None,
        capacity: Some(2),
        available_from: None,
        available_until: None,
    });
    let unit = Actor::department(DEPARTMENTS[0], "urban-desk");
    let offered = service
        .community(community, &unit, offer, &key("offer"))
        .await;
    offered.unwrap_or_else(|err| panic!("case {n}: offer: {err}"));
}

fn succeeded(
    n: usize,
    step: &str,
    outcome: Result<CommandOutcome, CaseCommandError>,
) -> CommandOutcome {
    outcome.unwrap_or_else(|err| panic!("case {n}: {step}: {err}"))
}

fn complaint(street: &str) -> OpenCase {
    OpenCase {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind: CaseKind::Complaint,
        category: "noise".into(),
        urgency: None,
        description: "楼下商铺夜间施工噪声扰民".into(),
        location: Location::street(street),
        requester: None,
        source: None,
    }
}

fn dispatch(unit: Unit, co_units: Vec<&str>) -> CaseAction {
    CaseAction::Dispatch(Dispatch {
        unit,
        co_units: co_units
            .into_iter()
            .map(|code| Unit::Department(code.into()))
            .collect(),
    })
}

fn whistle() -> CaseAction {
    let [urban, housing] = DEPARTMENTS;
    CaseAction::BlowWhistle(BlowWhistle {
        kind: WhistleKind::Routine,
        departments: vec![
            Summons {
                department: urban.into(),
                role: WhistleRole::Lead,
            },
            Summons {
                department: housing.into(),
                role: WhistleRole::Assist,
            },
        ],
        note: Some("占道施工，需城管、住建联合处置".into()),
    })
}

/// A community of each workload street in the sample district.
fn community_of(street: &str) -> &'static str {
    match street {
        "jingshan" => "jingshan-jixiang",
        _ => "donghuamen-nanchizi",
    }
}
