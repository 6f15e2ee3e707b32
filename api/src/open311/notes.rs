//! The case history as GeoReport `notes` (with `extensions=true`): one note per event, with its
//! time, its DESIGN §3 event name as `type`, and a short public description. Free text written by
//! staff (progress notes, return reasons, resolution summaries, callback comments) is left out:
//! it is not written for the public and may name the requester.

use shaobao_domain::case::{DeadlineRef, Outcome};
use shaobao_domain::org::Organisation;
use shaobao_domain::CaseEvent;

use super::datetime;
use super::document::Node;
use super::record::unit_name;

pub fn note(org: &Organisation, event: &CaseEvent) -> Node {
    Node::Object(vec![
        ("datetime", Node::text(datetime::write(event.at()))),
        ("type", Node::text(event.name())),
        ("description", Node::text(describe(org, event))),
    ])
}

fn describe(org: &Organisation, event: &CaseEvent) -> String {
    use CaseEvent::*;
    let department = |code: &str| org.department(code).map_or(code, |d| &d.name).to_string();
    let fixed = match event {
        CaseOpened { .. } => "受理 received",
        AnsweredDirectly { .. } => "直接答复 answered at intake",
        CaseDispatched { unit, .. } => {
            return format!("派单 dispatched to {}", unit_name(org, unit));
        }
        CaseSigned { .. } => "签收 signed for",
        RequesterContacted { .. } => "联系诉求人 requester contacted",
        ReturnRequested { .. } => "退单 handed back by the handling unit",
        ReturnApproved { .. } => "退单通过 return approved",
        ReturnRejected { .. } => "退单驳回 return rejected",
        DisputeRaised { .. } => "争议 jurisdiction disputed",
        DisputeRuled { responsible, .. } => {
            return format!("争议裁定 ruled: {} handles it", unit_name(org, responsible));
        }
        WhistleBlown { departments, .. } => {
            let names: Vec<String> = departments
                .iter()
                .map(|d| department(&d.department))
                .collect();
            return format!("吹哨 whistle blown for {}", names.join("、"));
        }
        DepartmentReportedIn {
            department: code, ..
        } => {
            return format!("报到 {} reported in", department(code));
        }
        WhistleDeclined {
            department: code, ..
        } => {
            return format!("{} declined the whistle", department(code));
        }
        WhistleActionReported {
            department: code, ..
        } => {
            return format!("{} reported what it did", department(code));
        }
        WhistleClosed { .. } => "哨结 whistle closed",
        TaskPublished { .. } => "需求清单 task published",
        TaskClaimed { .. } => "认领 task claimed",
        TaskCompleted { .. } => "task completed",
        TaskConfirmed { .. } => "task confirmed",
        ProgressRecorded { .. } => "办理 progress recorded",
        ExtensionRequested { .. } => "延期申请 extension requested",
        ExtensionGranted { resolve_by, .. } => {
            return format!("延期 extended to {}", datetime::write(*resolve_by));
        }
        ExtensionDenied { .. } => "延期驳回 extension denied",
        ResolutionSubmitted { outcome, .. } => match outcome {
            Outcome::Resolved => "办结 resolved",
            Outcome::PartlyResolved => "办结 partly resolved",
            Outcome::Unresolvable => "办结 cannot be resolved",
        },
        ResolutionAccepted { .. } => "核查通过 resolution accepted",
        ResolutionRejected { .. } => "核查驳回 resolution sent back",
        CallbackRecorded { .. } => "回访 requester called back",
        CaseClosed { .. } => "结案 closed",
        CaseReopened { .. } => "重办 reopened",
        CaseParked { .. } => "挂账 parked",
        CaseUnparked { .. } => "恢复办理 resumed",
        CaseExcludedFromAssessment { .. } => "不纳入考核 excluded from assessment",
        DeadlineApproaching { deadline, .. } => {
            return format!("{} deadline approaching", deadline_name(deadline));
        }
        DeadlineBreached { deadline, .. } => {
            return format!("超期 {} deadline passed", deadline_name(deadline));
        }
        CaseMerged { .. } => "并单 merged into another case about the same matter",
        DuplicateAttached { .. } => "并单 a duplicate request was merged into this one",
        CaseUnmerged { .. } => "取消并单 no longer merged",
        DuplicateDetached { .. } => "取消并单 a duplicate request was separated again",
        CaseTagged { .. } => "类案标签 tags changed",
        ReminderIssued { .. } => "催办 reminder issued",
        SupervisionIssued { .. } => "督办 supervision issued",
    };
    fixed.to_string()
}

fn deadline_name(deadline: &DeadlineRef) -> &'static str {
    match deadline {
        DeadlineRef::Sign => "sign-for",
        DeadlineRef::Contact => "contact",
        DeadlineRef::Resolve => "resolve",
        DeadlineRef::Callback => "callback",
        DeadlineRef::ReportIn { .. } => "report-in",
    }
}
