//! Commands on a case: who, when, and which action (request bodies in `body.rs`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::body::*;
use super::value::{Rating, ReportInMode};
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
    Whistle { no: u32, action: WhistleAction },
    PublishTask(PublishTask),
    Task { no: u32, action: TaskAction },
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
    RecordDeadline(RecordDeadline),
}

impl CaseAction {
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
