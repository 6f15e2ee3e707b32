//! Read accessors for the HTTP layer, projections and the deadline service.

use super::command::OtherCase;
use super::deadline::{DeadlineAlert, SupervisionLevel};
use super::state::*;
use super::task::Task;
use super::value::{Dispatcher, Unit};
use super::whistle::Whistle;

impl Case {
    /// `None` until the case is opened.
    pub fn state(&self) -> Option<CaseState> {
        self.state
    }

    pub fn is_opened(&self) -> bool {
        self.state.is_some()
    }

    /// Channel, kind, category, urgency, description, location, requester, source, opened_at.
    pub fn intake(&self) -> Option<&Intake> {
        self.intake.as_ref()
    }

    /// The street the case is located in.
    pub fn street(&self) -> Option<&str> {
        self.intake.as_ref().map(|i| i.location.street.as_str())
    }

    /// The unit the case is dispatched to, if any.
    pub fn handling_unit(&self) -> Option<&Unit> {
        self.handling_unit.as_ref()
    }

    pub fn co_units(&self) -> &[Unit] {
        &self.co_units
    }

    pub fn dispatched_by(&self) -> Option<&Dispatcher> {
        self.dispatched_by.as_ref()
    }

    /// Sign, contact, resolve and callback clocks and the return window.
    pub fn deadlines(&self) -> &Deadlines {
        &self.deadlines
    }

    pub fn pending_return(&self) -> Option<&PendingReturn> {
        self.pending_return.as_ref()
    }

    /// True after a binding dispute ruling.
    pub fn return_barred(&self) -> bool {
        self.return_barred
    }

    pub fn extension(&self) -> &Extension {
        &self.extension
    }

    /// The latest resolution submitted.
    pub fn resolution(&self) -> Option<&Resolution> {
        self.resolution.as_ref()
    }

    /// Callbacks since the resolution was accepted.
    pub fn callbacks(&self) -> &Callbacks {
        &self.callbacks
    }

    pub fn closure(&self) -> Option<&Closure> {
        self.closure.as_ref()
    }

    pub fn reopen_count(&self) -> u32 {
        self.reopen_count
    }

    pub fn parking(&self) -> Option<&Parking> {
        self.parking.as_ref()
    }

    pub fn whistles(&self) -> &[Whistle] {
        &self.whistles
    }

    pub fn whistle(&self, no: u32) -> Option<&Whistle> {
        self.whistles.iter().find(|w| w.no == no)
    }

    pub fn tasks(&self) -> &[Task] {
        &self.tasks
    }

    pub fn task(&self, no: u32) -> Option<&Task> {
        self.tasks.iter().find(|t| t.no == no)
    }

    pub fn is_excluded(&self) -> bool {
        self.excluded
    }

    pub fn exclusion_reason(&self) -> Option<&str> {
        self.exclusion_reason.as_deref()
    }

    /// The highest supervision level issued.
    pub fn supervision(&self) -> Option<SupervisionLevel> {
        self.supervision
    }

    /// Deadline events recorded, oldest first.
    pub fn alerts(&self) -> &[DeadlineAlert] {
        &self.alerts
    }

    /// 类案 tags, sorted.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.tags.iter().map(String::as_str)
    }

    /// The primary this case is merged into (kept after it closed with its primary).
    pub fn merged_into(&self) -> Option<&str> {
        self.merge.as_ref().map(|m| m.into.as_str())
    }

    pub fn merge(&self) -> Option<&MergedInto> {
        self.merge.as_ref()
    }

    /// The duplicates attached to this case, in the order they were attached.
    pub fn duplicates(&self) -> &[AttachedDuplicate] {
        &self.duplicates
    }

    pub fn duplicate(&self, case_id: &str) -> Option<&AttachedDuplicate> {
        self.duplicates.iter().find(|d| d.case_id == case_id)
    }

    /// This case as a decision about another case needs to know it.
    pub fn as_other(&self, case_id: &str) -> Option<OtherCase> {
        Some(OtherCase {
            case_id: case_id.to_string(),
            state: self.state?,
            street: self.street()?.to_string(),
            merged_into: self.merged_into().map(str::to_string),
        })
    }
}
