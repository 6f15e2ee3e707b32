//! One case as every read model sees it: the domain's own fold ([`Case`]) plus the few facts the
//! domain does not keep but statistics and the deadline ladder need (when each clock started,
//! the first dispatch, returns, the last callback). Every read-model row is a pure function of a
//! record, so a live projector and a rebuild produce the same rows. Community lists and member
//! registrations have records of their own ([`ListRecord`], [`MemberRecord`]).

mod obligations;

use obligations::Step;
pub use obligations::{Obligation, Obligations};

use chrono::{DateTime, Duration, Utc};
use cqrs_es::Aggregate;
use shaobao_domain::case::{Clock, DeadlineRef, Satisfaction, Unit};
use shaobao_domain::{Case, CaseEvent};

#[derive(Debug, Clone)]
pub struct CaseRecord {
    pub id: String,
    /// Sequence of the last event applied.
    pub version: i64,
    pub case: Case,
    pub first_dispatched_at: Option<DateTime<Utc>>,
    /// When each running clock's window started (moved with it by an unpark): the ladder of a
    /// deadline set before ladders were recorded is computed over it.
    clock_starts: Vec<(DeadlineRef, DateTime<Utc>)>,
    parked_at: Option<DateTime<Utc>>,
    /// Returns requested, whatever their outcome.
    pub returns: u32,
    /// The latest callback attempt, reached or not (statistics count cases by it).
    pub last_callback: Option<LastCallback>,
    /// The latest resolution submitted.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The unit that submitted the latest accepted resolution.
    pub resolved_by: Option<Unit>,
    /// The co-units of every dispatch, in order (repeats possible).
    pub co_units: Vec<Unit>,
    /// Each dispatch of the case to a unit, oldest first.
    pub obligations: Obligations,
    /// The latest close (cleared by a reopen).
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastCallback {
    pub reached: bool,
    pub resolved: Option<bool>,
    pub satisfaction: Option<Satisfaction>,
}

impl CaseRecord {
    pub fn new(id: impl Into<String>) -> Self {
        CaseRecord {
            id: id.into(),
            version: 0,
            case: Case::default(),
            first_dispatched_at: None,
            clock_starts: Vec::new(),
            parked_at: None,
            returns: 0,
            last_callback: None,
            resolved_at: None,
            resolved_by: None,
            co_units: Vec::new(),
            obligations: Obligations::default(),
            closed_at: None,
            updated_at: None,
        }
    }

    /// Folds event number `sequence` into the record.
    pub fn apply(&mut self, sequence: i64, event: CaseEvent) {
        use CaseEvent::*;
        match &event {
            CaseDispatched { at, co_units, .. } => {
                self.first_dispatched_at.get_or_insert(*at);
                self.co_units.extend(co_units.iter().cloned());
                for clock in [
                    DeadlineRef::Sign,
                    DeadlineRef::Contact,
                    DeadlineRef::Resolve,
                ] {
                    self.start(clock, *at);
                }
            }
            CaseReopened { at, .. } => {
                self.start(DeadlineRef::Resolve, *at);
                self.closed_at = None;
            }
            ResolutionSubmitted {
                at, callback_by, ..
            } => {
                self.resolved_at = Some(*at);
                if callback_by.is_some() {
                    self.start(DeadlineRef::Callback, *at);
                }
            }
            ResolutionAccepted { at, .. } => self.start(DeadlineRef::Callback, *at),
            WhistleBlown {
                no,
                departments,
                at,
                ..
            } => {
                for summoned in departments {
                    let department = summoned.department.clone();
                    self.start(
                        DeadlineRef::ReportIn {
                            no: *no,
                            department,
                        },
                        *at,
                    );
                }
            }
            CaseParked { at, .. } => self.parked_at = Some(*at),
            CaseUnparked { at, deadlines, .. } => {
                let paused = self.parked_at.take().map_or(Duration::zero(), |p| *at - p);
                for shifted in deadlines {
                    if let Some(entry) = self
                        .clock_starts
                        .iter_mut()
                        .find(|(d, _)| *d == shifted.deadline)
                    {
                        entry.1 += paused;
                    }
                }
            }
            ReturnRequested { .. } => self.returns += 1,
            CallbackRecorded {
                reached,
                resolved,
                satisfaction,
                ..
            } => {
                self.last_callback = Some(LastCallback {
                    reached: *reached,
                    resolved: *resolved,
                    satisfaction: *satisfaction,
                })
            }
            CaseClosed { at, .. } => self.closed_at = Some(*at),
            _ => {}
        }
        self.updated_at = Some(event.at());
        self.version = sequence;
        let step = Step::of(&event);
        self.case.apply(event);
        if matches!(step, Step::ResolutionAccepted { .. }) {
            self.resolved_by = self.case.handling_unit().cloned();
        }
        self.obligations.follow(step, &self.case);
    }

    /// The sign, contact and resolve clocks of the latest dispatch (a reopen's resolve deadline
    /// replacing its resolve clock), kept after an approved return clears the case's own.
    pub fn latest_clocks(&self) -> [Option<Clock>; 3] {
        let deadlines = self.case.deadlines();
        match self.obligations.latest() {
            Some(latest) if deadlines.sign.is_none() => {
                [latest.sign, latest.contact, latest.resolve]
            }
            _ => [deadlines.sign, deadlines.contact, deadlines.resolve],
        }
    }

    fn start(&mut self, deadline: DeadlineRef, at: DateTime<Utc>) {
        match self.clock_starts.iter_mut().find(|(d, _)| *d == deadline) {
            Some(entry) => entry.1 = at,
            None => self.clock_starts.push((deadline, at)),
        }
    }

    /// When the window of `deadline` started (its due time if unknown, which never happens for a
    /// deadline the domain reports as pending).
    pub fn window_start(&self, deadline: &DeadlineRef) -> Option<DateTime<Utc>> {
        self.clock_starts
            .iter()
            .find(|(d, _)| d == deadline)
            .map(|(_, at)| *at)
    }

    /// Whether the case is still open: opened and neither closed nor answered at intake.
    pub fn is_open(&self) -> bool {
        use shaobao_domain::CaseState::*;
        matches!(self.case.state(), Some(s) if !matches!(s, Closed | Answered))
    }
}

/// A community list as the read models see it: the domain's fold and its version.
#[derive(Debug, Clone)]
pub struct ListRecord {
    /// The stream id, `community/<code>`.
    pub id: String,
    pub version: i64,
    pub list: shaobao_domain::CommunityList,
}

impl ListRecord {
    pub fn new(id: impl Into<String>) -> Self {
        ListRecord {
            id: id.into(),
            version: 0,
            list: Default::default(),
        }
    }
}

/// A member registration as the read models see it.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    /// The stream id, `member/<id>`.
    pub id: String,
    pub version: i64,
    pub member: shaobao_domain::Member,
}

impl MemberRecord {
    pub fn new(id: impl Into<String>) -> Self {
        MemberRecord {
            id: id.into(),
            version: 0,
            member: Default::default(),
        }
    }
}

/// A community mobilisation stream, for the tables that list them.
#[derive(Debug, Clone, Copy)]
pub enum CommunityRecord<'a> {
    List(&'a ListRecord),
    Member(&'a MemberRecord),
}
