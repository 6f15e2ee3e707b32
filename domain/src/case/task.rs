//! Tasks: the street publishes a task, a volunteer or a department claims it once,
//! the claimant completes it and the street confirms it, awarding points.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::body::PublishTask;
use super::command::TaskAction;
use super::error::CaseError;
use super::event::CaseEvent;
use super::guard::non_blank;
use super::state::Case;
use super::value::TaskKind;
use super::{Ctx, Decision};
use crate::actor::Actor;

/// One published task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Task {
    pub no: u32,
    pub title: String,
    pub kind: TaskKind,
    pub points: u32,
    pub status: TaskStatus,
    pub published_at: DateTime<Utc>,
    pub claimant: Option<Actor>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub summary: Option<String>,
    pub completed_at: Option<DateTime<Utc>>,
    pub awarded_points: Option<u32>,
    pub confirmed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Open,
    Claimed,
    Completed,
    Confirmed,
}

impl Task {
    pub(super) fn published(
        no: u32,
        title: String,
        kind: TaskKind,
        points: u32,
        at: DateTime<Utc>,
    ) -> Self {
        Task {
            no,
            title,
            kind,
            points,
            status: TaskStatus::Open,
            published_at: at,
            claimant: None,
            claimed_at: None,
            summary: None,
            completed_at: None,
            awarded_points: None,
            confirmed_at: None,
        }
    }
}

impl Case {
    /// The street's dispatcher publishes a task on a case still open (not answered or closed).
    pub(super) fn publish_task(&self, cx: &Ctx, body: PublishTask) -> Decision {
        non_blank("title", &body.title)?;
        Ok(vec![CaseEvent::TaskPublished {
            no: self.tasks.len() as u32 + 1,
            title: body.title,
            kind: body.kind,
            points: body.points,
            at: cx.at,
        }])
    }

    /// Claim (volunteer or department, once, on an open case), complete (the claimant), confirm
    /// (the street's dispatcher; points default to the published points).
    pub(super) fn task_action(&self, cx: &Ctx, no: u32, action: TaskAction) -> Decision {
        let task = self.task(no).ok_or(CaseError::TaskNotFound { no })?;
        let at = cx.at;
        match action {
            TaskAction::Claim => {
                let claimant = cx.actor.clone();
                Ok(vec![CaseEvent::TaskClaimed { no, claimant, at }])
            }
            TaskAction::Complete { summary } => {
                non_blank("summary", &summary)?;
                Ok(vec![CaseEvent::TaskCompleted { no, summary, at }])
            }
            TaskAction::Confirm { points } => Ok(vec![CaseEvent::TaskConfirmed {
                no,
                points: points.unwrap_or(task.points),
                at,
            }]),
        }
    }
}
