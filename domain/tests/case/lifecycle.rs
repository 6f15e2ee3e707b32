//! A whole life cycle driven command by command through `decide` + `apply`, then replayed.

use std::collections::BTreeMap;

use cqrs_es::Aggregate;
use shaobao_domain::case::*;
use shaobao_domain::sla::WhistleKind;
use shaobao_domain::Actor;

use crate::support::*;

/// A case under construction: decides each command, applies its events and keeps the history.
pub struct Story {
    pub case: Case,
    pub history: Vec<CaseEvent>,
}

impl Story {
    pub fn new() -> Self {
        Story {
            case: Case::default(),
            history: Vec::new(),
        }
    }

    pub fn run(&mut self, actor: Actor, at: i64, action: CaseAction) -> Vec<CaseEvent> {
        let events = self
            .case
            .decide(cmd(actor, t(at), action), &org())
            .unwrap_or_else(|e| panic!("refused at {at}: {e}"));
        for event in &events {
            self.case.apply(event.clone());
        }
        self.history.extend(events.clone());
        events
    }
}

/// Every step of DESIGN §3 on one case: dispatch by the street, a rejected return, a whistle, a
/// task, an extension, a deadline alert, verification, an unreached and a dissatisfied callback,
/// a reopen, a second resolution, a satisfied callback, closing and exclusion.
pub fn full_story() -> Story {
    let mut s = Story::new();
    s.run(hotline(), 0, CaseAction::Open(open_body()));
    s.run(
        jingshan(),
        10,
        CaseAction::Dispatch(Dispatch {
            unit: dept("urban_management"),
            co_units: vec![dept("housing")],
        }),
    );
    s.run(urban(), 30, CaseAction::Sign);
    s.run(
        urban(),
        60,
        CaseAction::Return(ReturnCase {
            reason: ReturnReason::UnclearOwnership,
            note: "产权不清".into(),
        }),
    );
    s.run(
        jingshan(),
        70,
        CaseAction::ReturnDecision(ReturnDecision {
            decision: ReturnVerdict::Reject,
            redispatch_to: None,
            responsible: None,
            note: Some("属城管职责".into()),
        }),
    );
    s.run(
        urban(),
        2 * H,
        CaseAction::Contact(Contact {
            channel: ContactChannel::Phone,
            note: None,
        }),
    );
    s.run(
        jingshan(),
        3 * H,
        CaseAction::BlowWhistle(BlowWhistle {
            kind: WhistleKind::Routine,
            departments: vec![
                Summons {
                    department: "urban_management".into(),
                    role: WhistleRole::Lead,
                },
                Summons {
                    department: "water".into(),
                    role: WhistleRole::Assist,
                },
            ],
            note: None,
        }),
    );
    s.run(
        urban(),
        4 * H,
        whistle(1, WhistleAction::ReportIn { mode: None }),
    );
    s.run(
        water(),
        4 * H,
        whistle(
            1,
            WhistleAction::Decline {
                reason: "非供水问题".into(),
            },
        ),
    );
    s.run(
        urban(),
        5 * H,
        whistle(
            1,
            WhistleAction::Act {
                summary: "现场执法".into(),
                evidence: vec!["photo-1".into()],
            },
        ),
    );
    let ratings = BTreeMap::from([("urban_management".to_string(), Rating::Good)]);
    s.run(
        jingshan(),
        D,
        whistle(
            1,
            WhistleAction::Close {
                ratings,
                note: None,
            },
        ),
    );
    s.run(
        jingshan(),
        D,
        CaseAction::PublishTask(PublishTask {
            title: "协助劝导".into(),
            kind: TaskKind::Mediation,
            points: 3,
        }),
    );
    s.run(volunteer(), D + H, task(1, TaskAction::Claim));
    s.run(
        volunteer(),
        D + 2 * H,
        task(
            1,
            TaskAction::Complete {
                summary: "已劝导".into(),
            },
        ),
    );
    s.run(
        jingshan(),
        D + 3 * H,
        task(1, TaskAction::Confirm { points: None }),
    );
    s.run(
        urban(),
        2 * D,
        CaseAction::Extension(RequestExtension {
            until: t(9 * D),
            reason: "需协调产权单位".into(),
        }),
    );
    s.run(
        jingshan(),
        2 * D,
        CaseAction::ExtensionDecision(DecideExtension {
            approve: true,
            note: None,
        }),
    );
    s.run(
        system(),
        8 * D,
        CaseAction::RecordDeadline(RecordDeadline {
            deadline: DeadlineRef::Resolve,
            due_at: t(9 * D),
            step: DeadlineStep::Approaching,
        }),
    );
    s.run(
        urban(),
        8 * D,
        CaseAction::Progress(Progress {
            note: "施工方已整改".into(),
            evidence: vec![],
        }),
    );
    s.run(
        urban(),
        8 * D + H,
        resolution(Outcome::Resolved, "已责令停工"),
    );
    s.run(
        jingshan(),
        8 * D + 2 * H,
        CaseAction::Verification(Verify {
            accepted: true,
            note: None,
        }),
    );
    s.run(hotline(), 8 * D + 3 * H, unreached());
    s.run(
        hotline(),
        8 * D + 4 * H,
        reached(Satisfaction::Dissatisfied),
    );
    s.run(
        hotline(),
        8 * D + 5 * H,
        CaseAction::Reopen(reason("夜间仍施工")),
    );
    s.run(urban(), 10 * D, resolution(Outcome::Resolved, "已暂扣设备"));
    s.run(
        hotline(),
        10 * D + H,
        CaseAction::Verification(Verify {
            accepted: true,
            note: None,
        }),
    );
    s.run(hotline(), 10 * D + 2 * H, reached(Satisfaction::Satisfied));
    s.run(hotline(), 11 * D, CaseAction::Close(Note::default()));
    s.run(hotline(), 12 * D, CaseAction::Exclusion(reason("重复诉求")));
    s
}

#[test]
fn a_full_life_cycle_ends_closed_and_replays_to_the_same_state() {
    let story = full_story();
    let case = &story.case;
    assert_eq!(case.state(), Some(CaseState::Closed));
    assert_eq!(case.handling_unit(), Some(&dept("urban_management")));
    assert_eq!(case.co_units(), &[dept("housing")]);
    assert_eq!(case.dispatched_by(), Some(&by_street("jingshan")));
    assert_eq!(case.reopen_count(), 1);
    assert_eq!(case.extension().granted, 1);
    assert_eq!(case.closure().unwrap().reopens_left, 1);
    assert_eq!(case.closure().unwrap().reopen_until, t(26 * D));
    assert_eq!(case.callbacks().satisfaction, Some(Satisfaction::Satisfied));
    assert!(case.is_excluded());
    assert!(case.pending_deadlines().is_empty());

    let whistle = case.whistle(1).unwrap();
    assert!(whistle.is_closed());
    let urban = whistle.department("urban_management").unwrap();
    assert_eq!(
        (urban.status, urban.rating),
        (DepartmentStatus::Closed, Some(Rating::Good))
    );
    assert_eq!(urban.actions.len(), 1);
    assert_eq!(
        whistle.department("water").unwrap().status,
        DepartmentStatus::Declined
    );
    let task = case.task(1).unwrap();
    assert_eq!(
        (task.status, task.awarded_points),
        (TaskStatus::Confirmed, Some(3))
    );
    assert_eq!(case.alerts().len(), 1);

    assert_eq!(story.history.len(), 29);
    assert_eq!(&replay(&story.history), case);
}

#[test]
fn the_case_serializes_for_get_and_reads_back_equal() {
    let case = full_story().case;
    let json = serde_json::to_value(&case).unwrap();
    assert_eq!(json["state"], "closed");
    assert_eq!(json["channel"], "hotline");
    assert_eq!(json["kind"], "complaint");
    assert_eq!(json["category"], "noise");
    assert_eq!(json["urgency"], "ordinary");
    assert_eq!(json["location"]["street"], "jingshan");
    assert_eq!(json["handling_unit"]["department"], "urban_management");
    assert_eq!(
        json["deadlines"]["resolve"]["due_at"],
        "2025-03-18T06:00:00Z"
    );
    assert_eq!(json["whistles"][0]["departments"][0]["status"], "closed");
    assert_eq!(json["whistles"][0]["departments"][0]["rating"], "good");
    assert_eq!(json["tasks"][0]["status"], "confirmed");
    assert_eq!(json["excluded"], true);
    let back: Case = serde_json::from_value(json).unwrap();
    assert_eq!(back, case);
}

#[test]
fn an_unopened_case_serializes_without_intake() {
    let json = serde_json::to_value(Case::default()).unwrap();
    assert_eq!(json["state"], serde_json::Value::Null);
    let back: Case = serde_json::from_value(json).unwrap();
    assert_eq!(back, Case::default());
}
