//! Commands on a case: who, when, and which action (request bodies in `body.rs`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::body::*;
use super::state::CaseState;
use super::value::{Rating, ReportInMode, Requester};
use crate::actor::Actor;

/// One command: who, when (time always comes from outside) and what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseCommand {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub action: CaseAction,
}

impl CaseCommand {
    pub fn new(actor: Actor, at: DateTime<Utc>, action: CaseAction) -> Self {
        CaseCommand { actor, at, action }
    }
}

/// What to do, in life-cycle order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseAction {
    Open(OpenCase),
    Answer(Note),
    Dispatch(Dispatch),
    Sign,
    Contact(Contact),
    Return(ReturnCase),
    ReturnDecision(ReturnDecision),
    BlowWhistle(BlowWhistle),
    Whistle {
        no: u32,
        action: WhistleAction,
    },
    PublishTask(PublishTask),
    Task {
        no: u32,
        action: TaskAction,
    },
    Progress(Progress),
    Extension(RequestExtension),
    ExtensionDecision(DecideExtension),
    Resolution(SubmitResolution),
    Verification(Verify),
    Callback(Callback),
    Close(Note),
    Reopen(Reason),
    Park(Park),
    Unpark(Note),
    Exclusion(Reason),
    /// 并单: this case (`case_id`) becomes a duplicate of `body.into`; `primary` is that case as
    /// the service found it (`None`: no such case).
    Merge {
        case_id: String,
        body: MergeCase,
        primary: Option<OtherCase>,
    },
    /// Undo a merge while the primary (`primary`, as the service found it) is open.
    Unmerge {
        body: Note,
        primary: Option<OtherCase>,
    },
    Tags(Tags),
    /// On the primary: the second half of a merge (the merge follower's or the service's step).
    AttachDuplicate {
        case_id: String,
        requester: Option<Requester>,
    },
    /// On the primary: the second half of an unmerge.
    DetachDuplicate {
        case_id: String,
    },
    /// On a duplicate: its primary `primary` closed, so it closes too.
    CloseViaPrimary {
        primary: String,
    },
    /// On a duplicate: `primary` refused the attachment (it closed or merged meanwhile), so the
    /// merge is undone.
    AbandonMerge {
        primary: String,
    },
    RecordDeadline(RecordDeadline),
}

/// Another case, as a decision about this one needs to know it (the service reads it from its
/// stream just before deciding).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherCase {
    pub case_id: String,
    pub state: CaseState,
    pub street: String,
    /// Its primary, when it is itself a merged duplicate.
    pub merged_into: Option<String>,
}

impl CaseAction {
    /// A merge as a request asks for it: the case service fills in this case's id and the primary
    /// as it reads it, just before deciding.
    pub fn merge(body: MergeCase) -> Self {
        CaseAction::Merge {
            case_id: String::new(),
            body,
            primary: None,
        }
    }

    /// An unmerge as a request asks for it: the case service fills in the primary.
    pub fn unmerge(body: Note) -> Self {
        CaseAction::Unmerge {
            body,
            primary: None,
        }
    }

    /// The action's name as in the HTTP paths (DESIGN §6); used in error messages.
    pub fn name(&self) -> &'static str {
        match self {
            CaseAction::Open(_) => "open",
            CaseAction::Answer(_) => "answer",
            CaseAction::Dispatch(_) => "dispatch",
            CaseAction::Sign => "sign",
            CaseAction::Contact(_) => "contact",
            CaseAction::Return(_) => "return",
            CaseAction::ReturnDecision(_) => "return-decision",
            CaseAction::BlowWhistle(_) => "whistles",
            CaseAction::Whistle { action, .. } => action.name(),
            CaseAction::PublishTask(_) => "tasks",
            CaseAction::Task { action, .. } => action.name(),
            CaseAction::Progress(_) => "progress",
            CaseAction::Extension(_) => "extension",
            CaseAction::ExtensionDecision(_) => "extension-decision",
            CaseAction::Resolution(_) => "resolution",
            CaseAction::Verification(_) => "verification",
            CaseAction::Callback(_) => "callback",
            CaseAction::Close(_) => "close",
            CaseAction::Reopen(_) => "reopen",
            CaseAction::Park(_) => "park",
            CaseAction::Unpark(_) => "unpark",
            CaseAction::Exclusion(_) => "exclusion",
            CaseAction::Merge { .. } => "merge",
            CaseAction::Unmerge { .. } => "unmerge",
            CaseAction::Tags(_) => "tags",
            CaseAction::AttachDuplicate { .. } => "attach duplicate",
            CaseAction::DetachDuplicate { .. } => "detach duplicate",
            CaseAction::CloseViaPrimary { .. } => "close via primary",
            CaseAction::AbandonMerge { .. } => "abandon merge",
            CaseAction::RecordDeadline(_) => "deadline",
        }
    }
}

/// What a summoned department (or the street, for `Close`) does about whistle `no`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WhistleAction {
    /// Report in; mode defaults to on_site.
    ReportIn {
        #[serde(default)]
        mode: Option<ReportInMode>,
    },
    Decline {
        reason: String,
    },
    Act {
        summary: String,
        #[serde(default)]
        evidence: Vec<String>,
    },
    Close {
        ratings: BTreeMap<String, Rating>,
        #[serde(default)]
        note: Option<String>,
    },
}

impl WhistleAction {
    pub fn name(&self) -> &'static str {
        match self {
            WhistleAction::ReportIn { .. } => "report-in",
            WhistleAction::Decline { .. } => "decline",
            WhistleAction::Act { .. } => "action",
            WhistleAction::Close { .. } => "close whistle",
        }
    }
}

/// What happens to task `no`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskAction {
    Claim,
    Complete {
        summary: String,
    },
    /// Points default to the published points.
    Confirm {
        #[serde(default)]
        points: Option<u32>,
    },
}

impl TaskAction {
    pub fn name(&self) -> &'static str {
        match self {
            TaskAction::Claim => "claim",
            TaskAction::Complete { .. } => "complete",
            TaskAction::Confirm { .. } => "confirm",
        }
    }
}
