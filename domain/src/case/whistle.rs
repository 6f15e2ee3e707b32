//! Whistles: the street summons departments, each must report in or
//! decline, reports its actions, and the street closes the whistle by rating every department that
//! reported in. Per department: summoned → reported_in / declined → acted → closed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::body::BlowWhistle;
use super::command::WhistleAction;
use super::deadline::DeadlineRef;
use super::error::CaseError;
use super::event::{CaseEvent, SummonedDepartment};
use super::guard::non_blank;
use super::state::Case;
use super::value::{Rating, ReportInMode, WhistleRole};
use super::{Ctx, Decision};
use crate::sla::{Timer, WhistleKind};

/// One whistle on a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Whistle {
    pub no: u32,
    pub kind: WhistleKind,
    pub note: Option<String>,
    pub blown_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub departments: Vec<WhistleDepartment>,
}

/// One summoned department's part in a whistle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WhistleDepartment {
    pub department: String,
    pub role: WhistleRole,
    pub status: DepartmentStatus,
    pub report_in_by: DateTime<Utc>,
    pub reported_in_at: Option<DateTime<Utc>>,
    pub mode: Option<ReportInMode>,
    pub on_time: Option<bool>,
    pub decline_reason: Option<String>,
    pub actions: Vec<ActionReport>,
    pub rating: Option<Rating>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DepartmentStatus {
    Summoned,
    ReportedIn,
    Declined,
    Acted,
    Closed,
}

/// What a department reported doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActionReport {
    pub summary: String,
    pub evidence: Vec<String>,
    pub at: DateTime<Utc>,
}

impl Whistle {
    pub fn is_closed(&self) -> bool {
        self.closed_at.is_some()
    }

    pub fn department(&self, code: &str) -> Option<&WhistleDepartment> {
        self.departments.iter().find(|d| d.department == code)
    }

    pub(super) fn department_mut(&mut self, code: &str) -> Option<&mut WhistleDepartment> {
        self.departments.iter_mut().find(|d| d.department == code)
    }

    /// Departments that reported in (and so must be rated at close).
    fn reported_in(&self) -> BTreeSet<&str> {
        self.departments
            .iter()
            .filter(|d| d.has_reported_in())
            .map(|d| d.department.as_str())
            .collect()
    }

    pub(super) fn blown(
        no: u32,
        kind: WhistleKind,
        summoned: Vec<SummonedDepartment>,
        note: Option<String>,
        at: DateTime<Utc>,
    ) -> Self {
        let departments = summoned
            .into_iter()
            .map(|s| WhistleDepartment {
                department: s.department,
                role: s.role,
                status: DepartmentStatus::Summoned,
                report_in_by: s.report_in_by,
                reported_in_at: None,
                mode: None,
                on_time: None,
                decline_reason: None,
                actions: Vec::new(),
                rating: None,
            })
            .collect();
        Whistle {
            no,
            kind,
            note,
            blown_at: at,
            closed_at: None,
            departments,
        }
    }

    pub(super) fn close(&mut self, ratings: BTreeMap<String, Rating>, at: DateTime<Utc>) {
        self.closed_at = Some(at);
        for department in &mut self.departments {
            department.rating = ratings.get(&department.department).copied();
            if department.status != DepartmentStatus::Declined {
                department.status = DepartmentStatus::Closed;
            }
        }
    }
}

impl WhistleDepartment {
    pub fn has_reported_in(&self) -> bool {
        self.reported_in_at.is_some()
    }
}

impl Case {
    /// The dispatcher of the case's street, on a case signed for and not yet resolved
    /// ([`Case::permit`]), summons known departments, each once, at least one as lead.
    pub(super) fn blow_whistle(&self, cx: &Ctx, body: BlowWhistle) -> Decision {
        if body.departments.is_empty() {
            return Err(CaseError::NoDepartments);
        }
        for (i, summons) in body.departments.iter().enumerate() {
            if cx.org.department(&summons.department).is_none() {
                let field = format!("departments[{i}].department");
                return Err(CaseError::unknown(field, &summons.department));
            }
            if body.departments[..i]
                .iter()
                .any(|s| s.department == summons.department)
            {
                return Err(CaseError::DuplicateDepartment {
                    department: summons.department.clone(),
                });
            }
        }
        if !body.departments.iter().any(|s| s.role == WhistleRole::Lead) {
            return Err(CaseError::NoLeadDepartment);
        }
        let report_in_by = cx.org.due(Timer::ReportIn(body.kind), cx.at);
        let no = self.whistles.len() as u32 + 1;
        let departments: Vec<_> = body
            .departments
            .into_iter()
            .map(|s| SummonedDepartment {
                department: s.department,
                role: s.role,
                report_in_by,
            })
            .collect();
        let ladders = departments
            .iter()
            .map(|s| {
                let department = s.department.clone();
                cx.ladder(DeadlineRef::ReportIn { no, department }, report_in_by)
            })
            .collect();
        Ok(vec![CaseEvent::WhistleBlown {
            no,
            kind: body.kind,
            departments,
            note: body.note,
            at: cx.at,
            ladders,
        }])
    }

    /// A summoned department reports in, declines or reports an action; the street closes.
    pub(super) fn whistle_action(&self, cx: &Ctx, no: u32, action: WhistleAction) -> Decision {
        let whistle = self.whistle(no).ok_or(CaseError::WhistleNotFound { no })?;
        if let WhistleAction::Close { ratings, note } = action {
            return self.close_whistle(cx, whistle, ratings, note);
        }
        let summoned = cx
            .actor
            .department_code()
            .and_then(|code| whistle.department(code))
            .ok_or(CaseError::NotSummoned { no })?;
        let department = summoned.department.clone();
        let at = cx.at;
        match action {
            WhistleAction::ReportIn { mode } => Ok(vec![CaseEvent::DepartmentReportedIn {
                no,
                department,
                mode: mode.unwrap_or(ReportInMode::OnSite),
                at,
                on_time: at <= summoned.report_in_by,
            }]),
            WhistleAction::Decline { reason } => {
                non_blank("reason", &reason)?;
                Ok(vec![CaseEvent::WhistleDeclined {
                    no,
                    department,
                    reason,
                    at,
                }])
            }
            WhistleAction::Act { summary, evidence } => {
                non_blank("summary", &summary)?;
                Ok(vec![CaseEvent::WhistleActionReported {
                    no,
                    department,
                    summary,
                    evidence,
                    at,
                }])
            }
            WhistleAction::Close { .. } => unreachable!("handled above"),
        }
    }

    /// The street rates exactly the departments that reported in.
    fn close_whistle(
        &self,
        cx: &Ctx,
        whistle: &Whistle,
        ratings: BTreeMap<String, Rating>,
        note: Option<String>,
    ) -> Decision {
        let no = whistle.no;
        let reported = whistle.reported_in();
        let rated: BTreeSet<&str> = ratings.keys().map(String::as_str).collect();
        if reported != rated {
            let list = |a: &BTreeSet<&str>, b: &BTreeSet<&str>| {
                a.difference(b).map(|code| code.to_string()).collect()
            };
            return Err(CaseError::RatingsMismatch {
                missing: list(&reported, &rated),
                extra: list(&rated, &reported),
            });
        }
        Ok(vec![CaseEvent::WhistleClosed {
            no,
            ratings,
            note,
            at: cx.at,
        }])
    }
}
