//! Folding events into the case's orthogonal parts: whistles, tasks and deadline alerts.

use chrono::{DateTime, Utc};

use super::deadline::{DeadlineAlert, DeadlineRef, DeadlineStep, SupervisionLevel};
use super::event::CaseEvent;
use super::state::Case;
use super::task::{Task, TaskStatus};
use super::whistle::{ActionReport, DepartmentStatus, Whistle, WhistleDepartment};

impl Case {
    pub(super) fn apply_part(&mut self, event: CaseEvent) {
        use CaseEvent::*;
        match event {
            WhistleBlown {
                no,
                kind,
                departments,
                note,
                at,
                ladders,
            } => {
                self.fix_ladders(ladders);
                self.whistles
                    .push(Whistle::blown(no, kind, departments, note, at));
                self.enter_handling();
            }
            DepartmentReportedIn {
                no,
                department,
                mode,
                at,
                on_time,
            } => {
                self.with_summoned(no, &department, |d| {
                    d.status = DepartmentStatus::ReportedIn;
                    d.reported_in_at = Some(at);
                    d.mode = Some(mode);
                    d.on_time = Some(on_time);
                });
            }
            WhistleDeclined {
                no,
                department,
                reason,
                ..
            } => {
                self.with_summoned(no, &department, |d| {
                    d.status = DepartmentStatus::Declined;
                    d.decline_reason = Some(reason);
                });
            }
            WhistleActionReported {
                no,
                department,
                summary,
                evidence,
                at,
            } => {
                self.with_summoned(no, &department, |d| {
                    d.status = DepartmentStatus::Acted;
                    d.actions.push(ActionReport {
                        summary,
                        evidence,
                        at,
                    });
                });
            }
            WhistleClosed {
                no, ratings, at, ..
            } => {
                if let Some(whistle) = self.whistles.iter_mut().find(|w| w.no == no) {
                    whistle.close(ratings, at);
                }
            }

            TaskPublished {
                no,
                title,
                kind,
                points,
                at,
            } => {
                self.tasks
                    .push(Task::published(no, title, kind, points, at));
            }
            TaskClaimed { no, claimant, at } => self.with_task(no, |t| {
                t.status = TaskStatus::Claimed;
                t.claimant = Some(claimant);
                t.claimed_at = Some(at);
            }),
            TaskCompleted { no, summary, at } => self.with_task(no, |t| {
                t.status = TaskStatus::Completed;
                t.summary = Some(summary);
                t.completed_at = Some(at);
            }),
            TaskConfirmed { no, points, at } => self.with_task(no, |t| {
                t.status = TaskStatus::Confirmed;
                t.awarded_points = Some(points);
                t.confirmed_at = Some(at);
            }),

            DeadlineApproaching {
                deadline,
                due_at,
                at,
            } => self.alert(deadline, due_at, DeadlineStep::Approaching, at),
            DeadlineBreached {
                deadline,
                due_at,
                at,
            } => self.alert(deadline, due_at, DeadlineStep::Breached, at),
            ReminderIssued {
                deadline,
                due_at,
                at,
            } => self.alert(deadline, due_at, DeadlineStep::Reminder, at),
            SupervisionIssued {
                deadline,
                due_at,
                level,
                at,
            } => {
                let step = match level {
                    SupervisionLevel::District => DeadlineStep::DistrictSupervision,
                    SupervisionLevel::City => DeadlineStep::CitySupervision,
                };
                self.alert(deadline, due_at, step, at);
                self.supervision = self.supervision.max(Some(level));
            }
            // Life-cycle events are applied in apply.rs.
            _ => {}
        }
    }

    pub(super) fn with_summoned(
        &mut self,
        no: u32,
        department: &str,
        change: impl FnOnce(&mut WhistleDepartment),
    ) {
        let whistle = self.whistles.iter_mut().find(|w| w.no == no);
        if let Some(summoned) = whistle.and_then(|w| w.department_mut(department)) {
            change(summoned);
        }
    }

    fn with_task(&mut self, no: u32, change: impl FnOnce(&mut Task)) {
        if let Some(task) = self.tasks.iter_mut().find(|t| t.no == no) {
            change(task);
        }
    }

    fn alert(
        &mut self,
        deadline: DeadlineRef,
        due_at: DateTime<Utc>,
        step: DeadlineStep,
        at: DateTime<Utc>,
    ) {
        self.alerts.push(DeadlineAlert {
            deadline,
            due_at,
            step,
            at,
        });
    }
}
