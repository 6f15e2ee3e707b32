//! Folding events into the case, in life-cycle order (whistles, tasks and deadline alerts in
//! `apply_parts.rs`). Never consults policy: every value it needs is in the event.

use chrono::{DateTime, Utc};

use super::deadline::DeadlineRef;
use super::event::CaseEvent;
use super::state::*;

impl Case {
    pub(super) fn apply_event(&mut self, event: CaseEvent) {
        use CaseEvent::*;
        match event {
            CaseOpened {
                channel,
                kind,
                category,
                urgency,
                description,
                location,
                requester,
                source,
                at,
                related_cases,
            } => {
                self.intake = Some(Intake {
                    channel,
                    kind,
                    category,
                    urgency,
                    description,
                    location,
                    requester,
                    source,
                    related_cases,
                    opened_at: at,
                });
                self.enter(CaseState::Received);
            }
            AnsweredDirectly { .. } => self.enter(CaseState::Answered),
            CaseDispatched {
                unit,
                co_units,
                dispatched_by,
                sign_by,
                contact_by,
                resolve_by,
                return_until,
                ladders,
                ..
            } => {
                self.fix_ladders(ladders);
                self.handling_unit = Some(unit);
                self.co_units = co_units;
                self.dispatched_by = Some(dispatched_by);
                self.deadlines = Deadlines {
                    sign: Some(Clock::new(sign_by)),
                    contact: Some(Clock::new(contact_by)),
                    resolve: Some(Clock::new(resolve_by)),
                    callback: None,
                    return_until: Some(return_until),
                };
                self.enter(CaseState::Dispatched);
            }
            CaseSigned { at, .. } => {
                meet(&mut self.deadlines.sign, at);
                self.enter(CaseState::Signed);
            }
            RequesterContacted { at, .. } => {
                meet(&mut self.deadlines.contact, at);
                self.enter(CaseState::Handling);
            }

            ReturnRequested {
                unit,
                reason,
                note,
                at,
            } => {
                let from = self.state.unwrap_or(CaseState::Dispatched);
                self.pending_return = Some(PendingReturn {
                    unit,
                    reason,
                    note,
                    at,
                    from,
                });
                self.enter(CaseState::ReturnPending);
            }
            ReturnApproved { .. } => {
                self.pending_return = None;
                self.handling_unit = None;
                self.co_units.clear();
                self.dispatched_by = None;
                self.deadlines = Deadlines::default();
                self.enter(CaseState::Received);
            }
            ReturnRejected { .. } => self.resume_after_return(),
            DisputeRaised { .. } => self.enter(CaseState::Disputed),
            DisputeRuled { .. } => {
                self.return_barred = true;
                self.resume_after_return();
            }

            event @ (WhistleBlown { .. }
            | DepartmentReportedIn { .. }
            | WhistleDeclined { .. }
            | WhistleActionReported { .. }
            | WhistleClosed { .. }
            | TaskPublished { .. }
            | TaskClaimed { .. }
            | TaskCompleted { .. }
            | TaskConfirmed { .. }
            | DeadlineApproaching { .. }
            | DeadlineBreached { .. }
            | ReminderIssued { .. }
            | SupervisionIssued { .. }) => self.apply_part(event),

            ProgressRecorded { .. } => self.enter_handling(),
            ExtensionRequested { until, .. } => self.extension.pending_until = Some(until),
            ExtensionGranted {
                resolve_by,
                ladders,
                ..
            } => {
                self.fix_ladders(ladders);
                self.extension.pending_until = None;
                self.extension.granted += 1;
                self.set_due(&DeadlineRef::Resolve, resolve_by);
            }
            ExtensionDenied { .. } => self.extension.pending_until = None,
            ResolutionSubmitted {
                outcome,
                summary,
                evidence,
                at,
                on_time,
                callback_by,
                ladders,
            } => {
                self.fix_ladders(ladders);
                meet(&mut self.deadlines.resolve, at);
                self.resolution = Some(Resolution {
                    outcome,
                    summary,
                    evidence,
                    at,
                    on_time,
                });
                match callback_by {
                    Some(due_at) => self.await_callback(due_at),
                    None => self.enter(CaseState::Resolved),
                }
            }
            ResolutionAccepted {
                callback_by,
                ladders,
                ..
            } => {
                self.fix_ladders(ladders);
                self.await_callback(callback_by);
            }
            ResolutionRejected { .. } => {
                if let Some(clock) = &mut self.deadlines.resolve {
                    clock.met_at = None;
                }
                self.enter(CaseState::Handling);
            }

            CallbackRecorded {
                reached,
                resolved,
                satisfaction,
                at,
                ..
            } => {
                let callbacks = &mut self.callbacks;
                callbacks.attempts += 1;
                if reached {
                    callbacks.reached = true;
                    callbacks.unreached_in_row = 0;
                    callbacks.resolved = resolved;
                    callbacks.satisfaction = satisfaction;
                    meet(&mut self.deadlines.callback, at);
                } else {
                    callbacks.unreached_in_row += 1;
                }
            }
            CaseClosed {
                at,
                reopen_until,
                reopens_left,
                ..
            } => {
                self.closure = Some(Closure {
                    at,
                    reopen_until,
                    reopens_left,
                });
                self.enter(CaseState::Closed);
            }
            CaseReopened {
                resolve_by,
                reopen_count,
                ladders,
                ..
            } => {
                self.fix_ladders(ladders);
                self.reopen_count = reopen_count;
                self.deadlines.resolve = Some(Clock::new(resolve_by));
                self.deadlines.callback = None;
                self.callbacks = Callbacks::default();
                self.closure = None;
                self.enter(CaseState::Handling);
            }
            CaseParked {
                reason,
                review_at,
                at,
            } => {
                let from = self.state.unwrap_or(CaseState::Handling);
                self.parking = Some(Parking {
                    reason,
                    review_at,
                    at,
                    from,
                });
                self.enter(CaseState::Parked);
            }
            CaseUnparked {
                deadlines,
                return_until,
                ladders,
                ..
            } => {
                self.fix_ladders(ladders);
                for shifted in deadlines {
                    self.set_due(&shifted.deadline, shifted.due_at);
                }
                if return_until.is_some() {
                    self.deadlines.return_until = return_until;
                }
                let from = self.parking.take().map_or(CaseState::Handling, |p| p.from);
                self.enter(from);
            }
            CaseExcludedFromAssessment { reason, .. } => {
                self.excluded = true;
                self.exclusion_reason = Some(reason);
            }
            CaseMerged { into, note, at } => {
                let from = self.state.unwrap_or(CaseState::Received);
                self.merge = Some(MergedInto {
                    into,
                    note,
                    at,
                    from,
                });
                self.enter(CaseState::Merged);
            }
            CaseUnmerged { .. } => {
                let from = self.merge.take().map_or(CaseState::Received, |m| m.from);
                self.enter(from);
            }
            DuplicateAttached {
                case_id,
                requester,
                at,
            } => self.duplicates.push(AttachedDuplicate {
                case_id,
                requester,
                at,
            }),
            DuplicateDetached { case_id, .. } => {
                self.duplicates.retain(|d| d.case_id != case_id);
            }
            CaseTagged { added, removed, .. } => {
                self.tags.extend(added);
                for tag in &removed {
                    self.tags.remove(tag);
                }
            }
        }
    }

    pub(super) fn enter(&mut self, state: CaseState) {
        self.state = Some(state);
    }

    /// The first contact, progress note or whistle after sign-for starts handling.
    pub(super) fn enter_handling(&mut self) {
        if self.state == Some(CaseState::Signed) {
            self.enter(CaseState::Handling);
        }
    }

    /// Back to where the case was before the return (rejected, or ruled to stay).
    fn resume_after_return(&mut self) {
        let from = self
            .pending_return
            .take()
            .map_or(CaseState::Dispatched, |r| r.from);
        self.enter(from);
    }

    fn await_callback(&mut self, due_at: DateTime<Utc>) {
        self.deadlines.callback = Some(Clock::new(due_at));
        self.callbacks = Callbacks::default();
        self.enter(CaseState::AwaitingCallback);
    }
}

fn meet(clock: &mut Option<Clock>, at: DateTime<Utc>) {
    if let Some(clock) = clock {
        clock.meet(at);
    }
}
