//! **Visit** 入户走访: one stream per household visit (DESIGN §3). A visit group records the
//! households it saw and what it found; each finding becomes a case whose id the caller chose up
//! front (`case_ids`, one per finding), so a retried visit never opens a finding twice. The service
//! layer opens those cases with `source = VisitLink { visit_id, finding }`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use crate::actor::{Actor, Role};
use crate::case::{ErrorKind, MAX_DESCRIPTION_CHARS};
use crate::org::Organisation;
use crate::sla::Urgency;

/// Record a visit (`POST /visits`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordVisit {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    pub street: String,
    pub community: String,
    pub visitors: Vec<String>,
    pub households: u32,
    pub findings: Vec<Finding>,
    /// One case id per finding, chosen by the caller.
    pub case_ids: Vec<String>,
}

/// Something a visit found that needs a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub category: String,
    pub description: String,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub urgency: Option<Urgency>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum VisitEvent {
    VisitRecorded {
        recorded_by: Actor,
        at: DateTime<Utc>,
        street: String,
        community: String,
        visitors: Vec<String>,
        households: u32,
        findings: Vec<Finding>,
        case_ids: Vec<String>,
    },
}

impl DomainEvent for VisitEvent {
    fn event_type(&self) -> String {
        match self {
            VisitEvent::VisitRecorded { .. } => "VisitRecorded".to_string(),
        }
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VisitError {
    #[error("{field} must not be blank")]
    Blank { field: String },
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: String, max: usize },
    #[error("households must be at least 1")]
    NoHouseholds,
    #[error("case_ids needs one distinct id per finding ({findings} findings, {case_ids} ids)")]
    CaseIdsMismatch { findings: usize, case_ids: usize },
    #[error("{field}: `{code}` is not in the organisation")]
    UnknownReference { field: String, code: String },
    #[error("a {role} may not record visits")]
    MayNotRecord { role: &'static str },
    #[error("a street dispatcher records visits only in its own street")]
    OutsideStreet,
    #[error("this visit has already been recorded")]
    AlreadyRecorded,
}

impl VisitError {
    pub fn kind(&self) -> ErrorKind {
        use VisitError::*;
        match self {
            Blank { .. } | TooLong { .. } | NoHouseholds | CaseIdsMismatch { .. } => {
                ErrorKind::Invalid
            }
            UnknownReference { .. } => ErrorKind::UnknownReference,
            MayNotRecord { .. } | OutsideStreet => ErrorKind::Forbidden,
            AlreadyRecorded => ErrorKind::Refused,
        }
    }

    pub fn field(&self) -> Option<&str> {
        use VisitError::*;
        match self {
            Blank { field } | TooLong { field, .. } | UnknownReference { field, .. } => Some(field),
            NoHouseholds => Some("households"),
            CaseIdsMismatch { .. } => Some("case_ids"),
            MayNotRecord { .. } | OutsideStreet | AlreadyRecorded => None,
        }
    }
}

/// The visit as recorded (`None` before).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    pub recorded: Option<VisitEvent>,
}

impl Visit {
    pub fn decide(
        &self,
        cmd: RecordVisit,
        org: &Organisation,
    ) -> Result<Vec<VisitEvent>, VisitError> {
        if self.recorded.is_some() {
            return Err(VisitError::AlreadyRecorded);
        }
        match &cmd.actor.role {
            Role::Volunteer { .. } | Role::Hotline => {}
            Role::Dispatcher { street } if *street == cmd.street => {}
            Role::Dispatcher { .. } => return Err(VisitError::OutsideStreet),
            other => return Err(VisitError::MayNotRecord { role: other.name() }),
        }
        let unknown = |field: String, code: &str| VisitError::UnknownReference {
            field,
            code: code.to_string(),
        };
        let street = org
            .street(&cmd.street)
            .ok_or_else(|| unknown("street".into(), &cmd.street))?;
        if !street.communities.iter().any(|c| c.code == cmd.community) {
            return Err(unknown("community".into(), &cmd.community));
        }
        if cmd.visitors.is_empty() || cmd.visitors.iter().any(|v| v.trim().is_empty()) {
            return Err(VisitError::Blank {
                field: "visitors".into(),
            });
        }
        if cmd.households == 0 {
            return Err(VisitError::NoHouseholds);
        }
        for (i, finding) in cmd.findings.iter().enumerate() {
            if org.category(&finding.category).is_none() {
                return Err(unknown(
                    format!("findings[{i}].category"),
                    &finding.category,
                ));
            }
            let field = || format!("findings[{i}].description");
            if finding.description.trim().is_empty() {
                return Err(VisitError::Blank { field: field() });
            }
            if finding.description.chars().count() > MAX_DESCRIPTION_CHARS {
                return Err(VisitError::TooLong {
                    field: field(),
                    max: MAX_DESCRIPTION_CHARS,
                });
            }
        }
        let distinct = cmd
            .case_ids
            .iter()
            .enumerate()
            .all(|(i, id)| !id.trim().is_empty() && !cmd.case_ids[..i].contains(id));
        if cmd.case_ids.len() != cmd.findings.len() || !distinct {
            return Err(VisitError::CaseIdsMismatch {
                findings: cmd.findings.len(),
                case_ids: cmd.case_ids.len(),
            });
        }
        Ok(vec![VisitEvent::VisitRecorded {
            recorded_by: cmd.actor,
            at: cmd.at,
            street: cmd.street,
            community: cmd.community,
            visitors: cmd.visitors,
            households: cmd.households,
            findings: cmd.findings,
            case_ids: cmd.case_ids,
        }])
    }
}

impl Aggregate for Visit {
    const TYPE: &'static str = "visit";
    type Command = RecordVisit;
    type Event = VisitEvent;
    type Error = VisitError;
    type Services = Arc<Organisation>;

    async fn handle(
        &mut self,
        command: RecordVisit,
        org: &Arc<Organisation>,
        sink: &EventSink<Self>,
    ) -> Result<(), VisitError> {
        for event in self.decide(command, org)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: VisitEvent) {
        self.recorded = Some(event);
    }
}
