//! The public JSON: event names and shapes, value enums, request bodies.

use std::collections::BTreeSet;

use cqrs_es::DomainEvent;
use serde_json::json;
use shaobao_domain::case::*;
use shaobao_domain::Actor;

use crate::lifecycle::full_story;
use crate::support::*;

const DESIGN_EVENT_NAMES: [&str; 36] = [
    "CaseOpened",
    "AnsweredDirectly",
    "CaseDispatched",
    "CaseSigned",
    "RequesterContacted",
    "ReturnRequested",
    "ReturnApproved",
    "ReturnRejected",
    "DisputeRaised",
    "DisputeRuled",
    "WhistleBlown",
    "DepartmentReportedIn",
    "WhistleDeclined",
    "WhistleActionReported",
    "WhistleClosed",
    "TaskPublished",
    "TaskClaimed",
    "TaskCompleted",
    "TaskConfirmed",
    "ProgressRecorded",
    "ExtensionRequested",
    "ExtensionGranted",
    "ExtensionDenied",
    "ResolutionSubmitted",
    "ResolutionAccepted",
    "ResolutionRejected",
    "CallbackRecorded",
    "CaseClosed",
    "CaseReopened",
    "CaseParked",
    "CaseUnparked",
    "CaseExcludedFromAssessment",
    "DeadlineApproaching",
    "DeadlineBreached",
    "ReminderIssued",
    "SupervisionIssued",
];

/// At least one event of every type.
fn one_of_each() -> Vec<CaseEvent> {
    let at = t(D);
    let resolve = DeadlineRef::Resolve;
    let mut events = full_story().history;
    events.extend([
        CaseEvent::AnsweredDirectly { note: None, at },
        CaseEvent::ReturnApproved { note: None, at },
        CaseEvent::DisputeRaised { note: None, at },
        CaseEvent::DisputeRuled {
            responsible: dept("housing"),
            binding: true,
            note: None,
            at,
        },
        CaseEvent::ExtensionDenied { note: None, at },
        CaseEvent::ResolutionRejected { note: None, at },
        CaseEvent::CaseParked {
            reason: ParkReason::Policy,
            review_at: t(9 * D),
            at,
        },
        CaseEvent::CaseUnparked {
            note: None,
            at,
            deadlines: vec![DeadlineDue {
                deadline: resolve.clone(),
                due_at: at,
            }],
            return_until: None,
            ladders: vec![ladder(resolve.clone(), D, 2 * D)],
        },
        CaseEvent::DeadlineBreached {
            deadline: resolve.clone(),
            due_at: at,
            at,
        },
        CaseEvent::ReminderIssued {
            deadline: resolve.clone(),
            due_at: at,
            at,
        },
        CaseEvent::SupervisionIssued {
            deadline: resolve,
            due_at: at,
            level: SupervisionLevel::City,
            at,
        },
    ]);
    events
}

#[test]
fn event_types_are_the_design_names_and_the_json_tags() {
    let mut seen = BTreeSet::new();
    for event in one_of_each() {
        let json = serde_json::to_value(&event).unwrap();
        let object = json.as_object().unwrap();
        assert_eq!(object.len(), 1, "externally tagged: {json}");
        let tag = object.keys().next().unwrap();
        assert_eq!(tag, &event.event_type());
        assert_eq!(event.event_version(), "1");
        assert!(object[tag].get("at").is_some(), "{tag} records its time");
        let back: CaseEvent = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(back, event);
        seen.insert(event.event_type());
    }
    let expected: BTreeSet<String> = DESIGN_EVENT_NAMES.iter().map(|s| s.to_string()).collect();
    assert_eq!(seen, expected);
}

#[test]
fn case_opened_json_uses_snake_case_fields_and_values() {
    let json = serde_json::to_value(opened()).unwrap();
    assert_eq!(
        json,
        json!({"CaseOpened": {
            "channel": "hotline",
            "kind": "complaint",
            "category": "noise",
            "urgency": "ordinary",
            "description": "夜间施工噪声扰民",
            "location": {
                "street": "jingshan",
                "community": "jingshan-huangcheng",
                "grid": "JS-HC-01",
                "address": "黄城根北街 1 号"
            },
            "requester": {"name": "王女士", "phone": "13800000000"},
            "source": null,
            "at": "2025-03-03T01:00:00Z"
        }})
    );
}

#[test]
fn case_dispatched_json_records_its_deadlines() {
    let json = serde_json::to_value(dispatched(dept("water"), by_street("jingshan"), 0)).unwrap();
    assert_eq!(
        json,
        json!({"CaseDispatched": {
            "unit": {"department": "water"},
            "co_units": [],
            "dispatched_by": {"street": "jingshan"},
            "at": "2025-03-03T01:00:00Z",
            "sign_by": "2025-03-03T03:00:00Z",
            "contact_by": "2025-03-04T01:00:00Z",
            "resolve_by": "2025-03-10T01:00:00Z",
            "return_until": "2025-03-05T01:00:00Z",
            "ladders": [
                {
                    "deadline": "sign",
                    "due_at": "2025-03-03T03:00:00Z",
                    "approaching_at": "2025-03-03T02:36:00Z",
                    "district_supervision_at": "2025-03-04T03:00:00Z",
                    "city_supervision_at": "2025-03-08T03:00:00Z"
                },
                {
                    "deadline": "contact",
                    "due_at": "2025-03-04T01:00:00Z",
                    "approaching_at": "2025-03-03T20:12:00Z",
                    "district_supervision_at": "2025-03-05T01:00:00Z",
                    "city_supervision_at": "2025-03-09T01:00:00Z"
                },
                {
                    "deadline": "resolve",
                    "due_at": "2025-03-10T01:00:00Z",
                    "approaching_at": "2025-03-08T15:24:00Z",
                    "district_supervision_at": "2025-03-11T01:00:00Z",
                    "city_supervision_at": "2025-03-15T01:00:00Z"
                }
            ]
        }})
    );
    let by_hotline = dispatched(street("jingshan"), Dispatcher::Hotline, 0);
    let json = serde_json::to_value(by_hotline).unwrap();
    assert_eq!(json["CaseDispatched"]["dispatched_by"], "hotline");
    assert_eq!(
        json["CaseDispatched"]["unit"],
        json!({"street": "jingshan"})
    );
}

#[test]
fn value_enums_serialize_as_in_the_request_table() {
    let values = [
        (json!(Channel::GridPatrol), "grid_patrol"),
        (json!(Channel::HouseholdVisit), "household_visit"),
        (json!(Channel::WalkIn), "walk_in"),
        (json!(Channel::Open311), "open311"),
        (json!(CaseKind::Suggestion), "suggestion"),
        (json!(ContactChannel::Sms), "sms"),
        (json!(ReturnReason::WrongJurisdiction), "wrong_jurisdiction"),
        (json!(ReturnReason::NotOurFunction), "not_our_function"),
        (json!(WhistleRole::Assist), "assist"),
        (json!(ReportInMode::OnSite), "on_site"),
        (json!(Rating::Fair), "fair"),
        (json!(TaskKind::PolicyTalk), "policy_talk"),
        (json!(Outcome::PartlyResolved), "partly_resolved"),
        (
            json!(Satisfaction::BasicallySatisfied),
            "basically_satisfied",
        ),
        (json!(ParkReason::Planning), "planning"),
        (json!(CaseState::AwaitingCallback), "awaiting_callback"),
        (json!(CaseState::ReturnPending), "return_pending"),
        (json!(DepartmentStatus::ReportedIn), "reported_in"),
        (json!(DeadlineRef::Sign), "sign"),
        (json!(SupervisionLevel::District), "district"),
        (
            json!(DeadlineStep::DistrictSupervision),
            "district_supervision",
        ),
    ];
    for (value, name) in values {
        assert_eq!(value, json!(name));
    }
    assert_eq!(
        json!(DeadlineRef::ReportIn {
            no: 2,
            department: "water".into()
        }),
        json!({"report_in": {"no": 2, "department": "water"}})
    );
}

#[test]
fn actors_serialize_flat_with_their_scope() {
    assert_eq!(
        json!(jingshan()),
        json!({"role": "dispatcher", "street": "jingshan", "id": "js-1"})
    );
    assert_eq!(json!(hotline()), json!({"role": "hotline", "id": "op-1"}));
    for actor in [urban(), volunteer(), system(), Actor::auditor("a")] {
        let back: Actor = serde_json::from_value(json!(actor)).unwrap();
        assert_eq!(back, actor);
    }
}

#[test]
fn request_bodies_read_the_design_json() {
    let open: OpenCase = serde_json::from_value(json!({
        "channel": "walk_in",
        "kind": "help",
        "category": "noise",
        "description": "d",
        "location": {"street": "jingshan", "lat": 39.9, "lon": 116.4}
    }))
    .unwrap();
    assert_eq!(open.channel, Channel::WalkIn);
    assert_eq!(open.urgency, None);
    assert_eq!(open.location.lat, Some(39.9));

    let decision: ReturnDecision = serde_json::from_value(json!({
        "decision": "approve", "redispatch_to": {"department": "housing"}
    }))
    .unwrap();
    assert_eq!(decision.redispatch_to, Some(dept("housing")));

    let blow: BlowWhistle = serde_json::from_value(json!({
        "kind": "crucial",
        "departments": [{"department": "water", "role": "lead"}]
    }))
    .unwrap();
    assert_eq!(blow.departments[0].role, WhistleRole::Lead);

    let callback: Callback = serde_json::from_value(json!({
        "reached": true, "resolved": true, "satisfaction": "basically_satisfied"
    }))
    .unwrap();
    assert_eq!(
        callback.satisfaction,
        Some(Satisfaction::BasicallySatisfied)
    );
}

#[test]
fn request_bodies_refuse_unknown_fields() {
    let extra = serde_json::from_value::<Dispatch>(json!({
        "unit": {"street": "jingshan"}, "urgent": true
    }));
    assert!(extra.is_err());
    let source = serde_json::from_value::<OpenCase>(json!({
        "channel": "hotline", "kind": "help", "category": "noise", "description": "d",
        "location": {"street": "jingshan"},
        "source": {"visit_id": "v", "finding": 0}
    }));
    assert!(source.is_err(), "source is set by the service layer only");
}

#[test]
fn a_display_name_is_recorded_only_when_given() {
    let named = jingshan().with_name("王芳");
    assert_eq!(
        json!(named),
        json!({"role": "dispatcher", "street": "jingshan", "id": "js-1", "name": "王芳"})
    );
    let back: Actor = serde_json::from_value(json!(named)).unwrap();
    assert_eq!(back, named);
    let old: Actor =
        serde_json::from_value(json!({"role": "dispatcher", "street": "jingshan", "id": "js-1"}))
            .unwrap();
    assert_eq!(old, jingshan());
    assert_eq!(old.name, None);
}
