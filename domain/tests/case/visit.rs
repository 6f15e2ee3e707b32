//! 入户走访 the visit aggregate.

use cqrs_es::test::TestFramework;
use shaobao_domain::sla::Urgency;
use shaobao_domain::visit::*;
use shaobao_domain::Actor;

use crate::support::*;

fn visits() -> TestFramework<Visit> {
    TestFramework::<Visit>::with(org())
}

fn finding(category: &str) -> Finding {
    Finding {
        category: category.into(),
        description: "楼道堆物".into(),
        address: Some("3 号楼".into()),
        urgency: None,
    }
}

fn record() -> RecordVisit {
    RecordVisit {
        actor: volunteer(),
        at: t(0),
        street: "jingshan".into(),
        community: "jingshan-huangcheng".into(),
        visitors: vec!["m-42".into(), "m-43".into()],
        households: 12,
        findings: vec![
            finding("noise"),
            Finding {
                urgency: Some(Urgency::Utility),
                ..finding("water_outage")
            },
        ],
        case_ids: vec!["case-a".into(), "case-b".into()],
    }
}

fn recorded(cmd: RecordVisit) -> VisitEvent {
    VisitEvent::VisitRecorded {
        recorded_by: cmd.actor,
        at: cmd.at,
        street: cmd.street,
        community: cmd.community,
        visitors: cmd.visitors,
        households: cmd.households,
        findings: cmd.findings,
        case_ids: cmd.case_ids,
    }
}

fn unknown(field: &str, code: &str) -> VisitError {
    VisitError::UnknownReference {
        field: field.into(),
        code: code.into(),
    }
}

#[test]
fn a_volunteer_records_a_visit_with_its_findings() {
    visits()
        .given_no_previous_events()
        .when(record())
        .then_expect_events(vec![recorded(record())]);
}

#[test]
fn the_street_dispatcher_records_visits_in_its_street() {
    let cmd = RecordVisit {
        actor: jingshan(),
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd.clone())
        .then_expect_events(vec![recorded(cmd)]);
}

#[test]
fn a_visit_without_findings_opens_no_cases() {
    let cmd = RecordVisit {
        findings: vec![],
        case_ids: vec![],
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd.clone())
        .then_expect_events(vec![recorded(cmd)]);
}

#[test]
fn a_visit_is_recorded_once() {
    visits()
        .given(vec![recorded(record())])
        .when(record())
        .then_expect_error(VisitError::AlreadyRecorded);
}

#[test]
fn a_visit_names_a_known_street() {
    let cmd = RecordVisit {
        street: "atlantis".into(),
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(unknown("street", "atlantis"));
}

#[test]
fn a_visit_names_a_community_of_the_street() {
    let cmd = RecordVisit {
        community: "donghuamen-zhengyi".into(),
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(unknown("community", "donghuamen-zhengyi"));
}

#[test]
fn each_finding_names_a_known_category() {
    let mut cmd = record();
    cmd.findings[1].category = "ghosts".into();
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(unknown("findings[1].category", "ghosts"));
}

#[test]
fn each_finding_has_a_description() {
    let mut cmd = record();
    cmd.findings[0].description = " ".into();
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(VisitError::Blank {
            field: "findings[0].description".into(),
        });
}

#[test]
fn one_case_id_per_finding() {
    let cmd = RecordVisit {
        case_ids: vec!["case-a".into()],
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(VisitError::CaseIdsMismatch {
            findings: 2,
            case_ids: 1,
        });
}

#[test]
fn case_ids_are_distinct() {
    let cmd = RecordVisit {
        case_ids: vec!["case-a".into(), "case-a".into()],
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(VisitError::CaseIdsMismatch {
            findings: 2,
            case_ids: 2,
        });
}

#[test]
fn a_visit_has_visitors() {
    let cmd = RecordVisit {
        visitors: vec![],
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(VisitError::Blank {
            field: "visitors".into(),
        });
}

#[test]
fn a_visit_saw_at_least_one_household() {
    let cmd = RecordVisit {
        households: 0,
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(VisitError::NoHouseholds);
}

#[test]
fn departments_do_not_record_visits() {
    let cmd = RecordVisit {
        actor: urban(),
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(VisitError::MayNotRecord { role: "department" });
}

#[test]
fn a_dispatcher_records_visits_only_in_its_street() {
    let cmd = RecordVisit {
        actor: donghuamen(),
        ..record()
    };
    visits()
        .given_no_previous_events()
        .when(cmd)
        .then_expect_error(VisitError::OutsideStreet);
}

#[test]
fn visit_errors_map_to_kinds_and_fields() {
    use shaobao_domain::case::ErrorKind;
    let error = unknown("findings[2].category", "x");
    assert_eq!(error.kind(), ErrorKind::UnknownReference);
    assert_eq!(error.field(), Some("findings[2].category"));
    assert_eq!(VisitError::NoHouseholds.field(), Some("households"));
    assert_eq!(
        VisitError::MayNotRecord {
            role: Actor::auditor("a").role.name()
        }
        .kind(),
        ErrorKind::Forbidden
    );
    assert_eq!(VisitError::AlreadyRecorded.kind(), ErrorKind::Refused);
}
