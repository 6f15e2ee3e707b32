//! Fixture organisation, actors, times and event builders shared by the case tests.
//!
//! Times are minutes after T0 (2025-03-03 01:00 UTC, a Monday, 09:00 in Beijing); every span in the
//! fixture is elapsed time, so deadlines are T0 + a round number.

#![allow(dead_code)]

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Duration, TimeZone, Utc};
use cqrs_es::test::{AggregateTestExecutor, TestFramework};
use cqrs_es::Aggregate;
use shaobao_domain::case::*;
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::{Urgency, WhistleKind};
use shaobao_domain::Actor;

pub const ORG_TOML: &str = r#"
[district]
code = "dongcheng"
name = "东城区"
[calendar]
timezone = "Asia/Shanghai"
working_hours = ["09:00-12:00", "13:30-17:30"]
holidays = []
make_up_workdays = []
[sla]
approaching_fraction = 0.8
max_extensions = 1
max_callback_attempts = 3
max_reopens = 2
return_window = "2d"
extension_max = "10d"
callback = "24h"
reopen_window = "15d"
district_supervision = "1d"
city_supervision = "5d"
[sla.emergency]
sign = "30m"
contact = "30m"
resolve = "2h"
[sla.utility]
sign = "2h"
contact = "2h"
resolve = "24h"
[sla.ordinary]
sign = "2h"
contact = "24h"
resolve = "7d"
[sla.complex]
sign = "2h"
contact = "24h"
resolve = "15d"
[sla.whistle]
routine = "3d"
crucial = "5d"
emergency = "30m"

[[streets]]
code = "jingshan"
name = "景山街道"
[[streets.communities]]
code = "jingshan-huangcheng"
name = "黄城根社区"
grids = ["JS-HC-01", "JS-HC-02"]
[[streets.communities]]
code = "jingshan-jixiang"
name = "吉祥社区"
grids = ["JS-JX-01"]

[[streets]]
code = "donghuamen"
name = "东华门街道"
[[streets.communities]]
code = "donghuamen-zhengyi"
name = "正义路社区"
grids = ["DHM-ZY-01"]

[[departments]]
code = "urban_management"
name = "区城管执法局"
[[departments]]
code = "housing"
name = "区住建委"
[[departments]]
code = "water"
name = "自来水集团"
[[departments]]
code = "transport"
name = "区交通委"

[[categories]]
code = "noise"
name = "噪声扰民"
default_urgency = "ordinary"
default_department = "urban_management"
[[categories]]
code = "water_outage"
name = "停水"
default_urgency = "utility"
default_department = "water"
[[categories]]
code = "gas_leak"
name = "燃气泄漏"
default_urgency = "emergency"
[[categories]]
code = "policy_question"
name = "政策咨询"
default_urgency = "ordinary"

[[tags]]
code = "elderly"
name = "老年人"
group = "population"
[[tags]]
code = "hutong"
name = "胡同平房"
group = "place"
"#;

pub fn org() -> Arc<Organisation> {
    static ORG: OnceLock<Arc<Organisation>> = OnceLock::new();
    ORG.get_or_init(|| Arc::new(Organisation::from_toml_str(ORG_TOML).expect("fixture org")))
        .clone()
}

// --- time ------------------------------------------------------------------------------------

pub const H: i64 = 60;
pub const D: i64 = 24 * H;

/// T0 + `minutes`.
pub fn t(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 3, 1, 0, 0).unwrap() + Duration::minutes(minutes)
}

// --- actors ----------------------------------------------------------------------------------

pub fn hotline() -> Actor {
    Actor::hotline("op-1")
}
pub fn jingshan() -> Actor {
    Actor::dispatcher("jingshan", "js-1")
}
pub fn donghuamen() -> Actor {
    Actor::dispatcher("donghuamen", "dhm-1")
}
pub fn urban() -> Actor {
    Actor::department("urban_management", "um-1")
}
pub fn housing() -> Actor {
    Actor::department("housing", "hs-1")
}
pub fn water() -> Actor {
    Actor::department("water", "wt-1")
}
pub fn volunteer() -> Actor {
    Actor::volunteer("m-42")
}
pub fn system() -> Actor {
    Actor::system()
}

pub fn dept(code: &str) -> Unit {
    Unit::Department(code.into())
}
pub fn street(code: &str) -> Unit {
    Unit::Street(code.into())
}
pub fn by_street(code: &str) -> Dispatcher {
    Dispatcher::Street(code.into())
}

// --- running commands --------------------------------------------------------------------------

pub fn cmd(actor: Actor, at: DateTime<Utc>, action: CaseAction) -> CaseCommand {
    CaseCommand::new(actor, at, action)
}

pub fn given(events: Vec<CaseEvent>) -> AggregateTestExecutor<Case> {
    TestFramework::<Case>::with(org()).given(events)
}

pub fn given_none() -> AggregateTestExecutor<Case> {
    TestFramework::<Case>::with(org()).given_no_previous_events()
}

/// The case after `events`.
pub fn replay(events: &[CaseEvent]) -> Case {
    let mut case = Case::default();
    for event in events {
        case.apply(event.clone());
    }
    case
}

/// `events` followed by `more`.
pub fn and(
    mut events: Vec<CaseEvent>,
    more: impl IntoIterator<Item = CaseEvent>,
) -> Vec<CaseEvent> {
    events.extend(more);
    events
}

// --- commands ----------------------------------------------------------------------------------

pub fn open_body() -> OpenCase {
    OpenCase {
        related_cases: vec![],
        channel: Channel::Hotline,
        kind: CaseKind::Complaint,
        category: "noise".into(),
        urgency: None,
        description: "夜间施工噪声扰民".into(),
        location: jingshan_location(),
        requester: Some(Requester {
            name: "王女士".into(),
            phone: "13800000000".into(),
        }),
        source: None,
    }
}

pub fn jingshan_location() -> Location {
    Location {
        community: Some("jingshan-huangcheng".into()),
        grid: Some("JS-HC-01".into()),
        address: Some("黄城根北街 1 号".into()),
        ..Location::street("jingshan")
    }
}

pub fn dispatch_to(unit: Unit) -> CaseAction {
    CaseAction::Dispatch(Dispatch {
        unit,
        co_units: vec![],
    })
}

pub fn resolution(outcome: Outcome, summary: &str) -> CaseAction {
    CaseAction::Resolution(SubmitResolution {
        outcome,
        summary: summary.into(),
        evidence: vec![],
    })
}

pub fn reached(satisfaction: Satisfaction) -> CaseAction {
    CaseAction::Callback(Callback {
        reached: true,
        resolved: Some(satisfaction != Satisfaction::Dissatisfied),
        satisfaction: Some(satisfaction),
        comment: None,
    })
}

pub fn unreached() -> CaseAction {
    CaseAction::Callback(Callback {
        reached: false,
        resolved: None,
        satisfaction: None,
        comment: None,
    })
}

pub fn reason(text: &str) -> Reason {
    Reason {
        reason: text.into(),
    }
}

pub fn whistle(no: u32, action: WhistleAction) -> CaseAction {
    CaseAction::Whistle { no, action }
}

pub fn task(no: u32, action: TaskAction) -> CaseAction {
    CaseAction::Task { no, action }
}

/// The fixture's ladder of `deadline`, set at T0 + `set` and due at T0 + `due` (minutes): approaching
/// at 80 % of the window, district supervision 1 d and city supervision 5 d after the due time.
pub fn ladder(deadline: DeadlineRef, set: i64, due: i64) -> Ladder {
    Ladder {
        deadline,
        due_at: t(due),
        // 80 % of the window in minutes, as seconds to stay exact.
        approaching_at: t(set) + Duration::seconds((due - set) * 48),
        district_supervision_at: t(due + D),
        city_supervision_at: t(due + 5 * D),
    }
}

// --- events --------------------------------------------------------------------------------------

/// A noise complaint (ordinary) in 景山 at T0.
pub fn opened() -> CaseEvent {
    opened_as(CaseKind::Complaint)
}

pub fn opened_as(kind: CaseKind) -> CaseEvent {
    let body = open_body();
    CaseEvent::CaseOpened {
        related_cases: vec![],
        channel: body.channel,
        kind,
        category: body.category,
        urgency: Urgency::Ordinary,
        description: body.description,
        location: body.location,
        requester: body.requester,
        source: None,
        at: t(0),
    }
}

/// Dispatched at `at` with the ordinary deadlines: sign 2 h, contact 24 h, resolve 7 d, return 2 d.
pub fn dispatched(unit: Unit, by: Dispatcher, at: i64) -> CaseEvent {
    CaseEvent::CaseDispatched {
        unit,
        co_units: vec![],
        dispatched_by: by,
        at: t(at),
        sign_by: t(at + 2 * H),
        contact_by: t(at + 24 * H),
        resolve_by: t(at + 7 * D),
        return_until: t(at + 2 * D),
        ladders: vec![
            ladder(DeadlineRef::Sign, at, at + 2 * H),
            ladder(DeadlineRef::Contact, at, at + 24 * H),
            ladder(DeadlineRef::Resolve, at, at + 7 * D),
        ],
    }
}

pub fn signed_at(at: i64) -> CaseEvent {
    CaseEvent::CaseSigned {
        at: t(at),
        on_time: true,
    }
}

pub fn contacted_at(at: i64) -> CaseEvent {
    CaseEvent::RequesterContacted {
        channel: ContactChannel::Phone,
        note: None,
        at: t(at),
        on_time: true,
    }
}

/// The hotline dispatched the case to 城管 at T0.
pub fn at_department() -> Vec<CaseEvent> {
    vec![
        opened(),
        dispatched(dept("urban_management"), Dispatcher::Hotline, 0),
    ]
}

/// ... and 城管 signed for it at T0 + 1 h.
pub fn signed_by_department() -> Vec<CaseEvent> {
    and(at_department(), [signed_at(H)])
}

/// ... and contacted the requester at T0 + 3 h.
pub fn handling_by_department() -> Vec<CaseEvent> {
    and(signed_by_department(), [contacted_at(3 * H)])
}

/// The hotline dispatched the case to 景山 street, which signed and contacted.
pub fn handling_by_street() -> Vec<CaseEvent> {
    vec![
        opened(),
        dispatched(street("jingshan"), Dispatcher::Hotline, 0),
        signed_at(H),
        contacted_at(3 * H),
    ]
}

/// 景山 dispatched the case to itself, signed and contacted.
pub fn handling_self_dispatched() -> Vec<CaseEvent> {
    vec![
        opened(),
        dispatched(street("jingshan"), by_street("jingshan"), 0),
        signed_at(H),
        contacted_at(3 * H),
    ]
}

/// 景山 dispatched the case to 城管, which signed and contacted.
pub fn handling_street_to_department() -> Vec<CaseEvent> {
    vec![
        opened(),
        dispatched(dept("urban_management"), by_street("jingshan"), 0),
        signed_at(H),
        contacted_at(3 * H),
    ]
}

pub fn resolution_submitted(at: i64) -> CaseEvent {
    CaseEvent::ResolutionSubmitted {
        outcome: Outcome::Resolved,
        summary: "已责令停工".into(),
        evidence: vec![],
        at: t(at),
        on_time: true,
        callback_by: None,
        ladders: vec![],
    }
}

/// 城管 resolved the case at T0 + 2 d.
pub fn resolved_by_department() -> Vec<CaseEvent> {
    and(handling_by_department(), [resolution_submitted(2 * D)])
}

/// The hotline accepted the resolution at T0 + 2 d + 1 h; callback due 24 h later.
pub fn awaiting_callback() -> Vec<CaseEvent> {
    and(
        resolved_by_department(),
        [CaseEvent::ResolutionAccepted {
            note: None,
            at: t(2 * D + H),
            callback_by: t(3 * D + H),
            ladders: vec![ladder(DeadlineRef::Callback, 2 * D + H, 3 * D + H)],
        }],
    )
}

pub fn callback_recorded(attempt: u32, satisfaction: Option<Satisfaction>, at: i64) -> CaseEvent {
    CaseEvent::CallbackRecorded {
        attempt,
        reached: satisfaction.is_some(),
        resolved: satisfaction.map(|s| s != Satisfaction::Dissatisfied),
        satisfaction,
        comment: None,
        at: t(at),
    }
}

/// Reached and satisfied at T0 + 2 d + 2 h.
pub fn called_back() -> Vec<CaseEvent> {
    and(
        awaiting_callback(),
        [callback_recorded(
            1,
            Some(Satisfaction::Satisfied),
            2 * D + 2 * H,
        )],
    )
}

/// Closed at T0 + 3 d: reopen until T0 + 18 d, 2 reopens left.
pub fn closed_case() -> Vec<CaseEvent> {
    and(called_back(), [closed_at(3 * D, 2)])
}

pub fn closed_at(at: i64, reopens_left: u32) -> CaseEvent {
    CaseEvent::CaseClosed {
        via_primary: None,
        note: None,
        at: t(at),
        reopen_until: t(at + 15 * D),
        reopens_left,
    }
}

/// 景山 blew routine whistle `no` at T0 + 4 h: 城管 lead, 住建 assist; report in by T0 + 3 d + 4 h.
pub fn whistle_blown(no: u32) -> CaseEvent {
    CaseEvent::WhistleBlown {
        no,
        kind: WhistleKind::Routine,
        departments: vec![
            summoned("urban_management", WhistleRole::Lead),
            summoned("housing", WhistleRole::Assist),
        ],
        note: None,
        at: t(4 * H),
        ladders: ["urban_management", "housing"]
            .map(|d| ladder(report_in_deadline(no, d), 4 * H, 3 * D + 4 * H))
            .into(),
    }
}

pub fn report_in_deadline(no: u32, department: &str) -> DeadlineRef {
    DeadlineRef::ReportIn {
        no,
        department: department.into(),
    }
}

pub fn summoned(department: &str, role: WhistleRole) -> SummonedDepartment {
    SummonedDepartment {
        department: department.into(),
        role,
        report_in_by: t(3 * D + 4 * H),
    }
}

/// The street handles the case itself and has whistled 城管 and 住建.
pub fn whistled() -> Vec<CaseEvent> {
    and(handling_self_dispatched(), [whistle_blown(1)])
}

pub fn reported_in(department: &str, at: i64) -> CaseEvent {
    CaseEvent::DepartmentReportedIn {
        no: 1,
        department: department.into(),
        mode: ReportInMode::OnSite,
        at: t(at),
        on_time: true,
    }
}

pub fn task_published(no: u32) -> CaseEvent {
    CaseEvent::TaskPublished {
        no,
        title: "协助清运建筑垃圾".into(),
        kind: TaskKind::Practical,
        points: 5,
        at: t(5 * H),
    }
}

pub fn task_claimed(no: u32, claimant: Actor) -> CaseEvent {
    CaseEvent::TaskClaimed {
        no,
        claimant,
        at: t(6 * H),
    }
}

// --- duplicates ----------------------------------------------------------------------------------

/// The case the tests merge (its own id) and the open primary it goes into.
pub const DUPLICATE: &str = "0d0d0d0d-0000-4000-8000-000000000001";
pub const PRIMARY: &str = "0e0e0e0e-0000-4000-8000-000000000002";

/// The primary as the service reads it: handling, in 景山.
pub fn open_primary() -> OtherCase {
    OtherCase {
        case_id: PRIMARY.into(),
        state: CaseState::Handling,
        street: "jingshan".into(),
        merged_into: None,
    }
}

pub fn merged_into(into: &str, at: i64) -> CaseEvent {
    CaseEvent::CaseMerged {
        into: into.into(),
        note: None,
        at: t(at),
    }
}

pub fn attached(case_id: &str, at: i64) -> CaseEvent {
    CaseEvent::DuplicateAttached {
        case_id: case_id.into(),
        requester: open_body().requester,
        at: t(at),
    }
}
