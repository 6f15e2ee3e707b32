//! Every command on an existing case (DESIGN §3 and §6): path, summary, and how the body becomes
//! the domain's action. All are served by `command_routes::execute`.

use shaobao_domain::case::{TaskAction, WhistleAction};
use shaobao_domain::CaseAction;
use utoipa_axum::router::OpenApiRouter;

use crate::bodies::{
    CloseWhistle, CompleteTask, ConfirmTask, Decline, Empty, ReportIn, WhistleActionReport,
};
use crate::command_routes::CommandRoutes;
use crate::server::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    CommandRoutes::default()
        .case("answer", "直接答复 Answer a consultation at intake (hotline, dispatcher)", CaseAction::Answer)
        .case("dispatch", "派单 Dispatch to a street or a department, with co-units (hotline, dispatcher)", CaseAction::Dispatch)
        .case("sign", "签收 Sign for the case (handling unit)", |_: Empty| CaseAction::Sign)
        .case("contact", "联系 Record contact with the requester (handling unit)", CaseAction::Contact)
        .case("return", "退单 Hand the case back, inside the return window (handling unit)", CaseAction::Return)
        .case("return-decision", "Approve, reject or dispute a return; rule a dispute (dispatching party)", CaseAction::ReturnDecision)
        .case("progress", "办理 Record progress (handling unit)", CaseAction::Progress)
        .case("extension", "延期 Ask for an extension (handling unit)", CaseAction::Extension)
        .case("extension-decision", "Grant or deny an extension (dispatching party)", CaseAction::ExtensionDecision)
        .case("resolution", "办结 Submit the resolution (handling unit)", CaseAction::Resolution)
        .case("verification", "核查 Accept or reject the resolution (dispatching party)", CaseAction::Verification)
        .case("callback", "回访 Record a callback (hotline, dispatcher)", CaseAction::Callback)
        .case("close", "结案 Close the case (hotline, dispatcher)", CaseAction::Close)
        .case("reopen", "重办 Reopen within the window (hotline, dispatcher)", CaseAction::Reopen)
        .case("park", "挂账 Park until a review date (hotline, dispatcher)", CaseAction::Park)
        .case("unpark", "Unpark (hotline, dispatcher)", CaseAction::Unpark)
        .case("exclusion", "不纳入考核 Exclude from assessment (hotline)", CaseAction::Exclusion)
        .case("whistles", "吹哨 Blow a whistle summoning departments (the street's dispatcher); answers whistle_no", CaseAction::BlowWhistle)
        .case("tasks", "需求清单 Publish a task (the street's dispatcher); answers task_no", CaseAction::PublishTask)
        .case("tags", "类案标签 Add and remove tags from the organisation's vocabulary (hotline, dispatcher, handling unit)", CaseAction::Tags)
        .case("merge", "并单 Merge this case as a duplicate into an open primary case (hotline; dispatcher when both are in its street)", CaseAction::merge)
        .case("unmerge", "Undo a merge while the primary is open (hotline, dispatcher)", CaseAction::unmerge)
        .whistle("report-in", "报到 Report in to a whistle (summoned department)", |b: ReportIn| {
            WhistleAction::ReportIn { mode: b.mode }
        })
        .whistle("decline", "Decline a whistle, with a reason (summoned department)", |b: Decline| {
            WhistleAction::Decline { reason: b.reason }
        })
        .whistle("action", "Report an action taken (summoned department, after reporting in)", |b: WhistleActionReport| {
            WhistleAction::Act { summary: b.summary, evidence: b.evidence }
        })
        .whistle("close", "Close a whistle, rating each department that reported in (the street's dispatcher)", |b: CloseWhistle| {
            WhistleAction::Close { ratings: b.ratings, note: b.note }
        })
        .task("claim", "认领 Claim a published task (volunteer, department)", |_: Empty| TaskAction::Claim)
        .task("complete", "Complete a claimed task (claimant)", |b: CompleteTask| {
            TaskAction::Complete { summary: b.summary }
        })
        .task("confirm", "Confirm a completed task and award points (the street's dispatcher)", |b: ConfirmTask| {
            TaskAction::Confirm { points: b.points }
        })
        .into_router()
}
