//! The deadline service: finds cases whose next ladder step is due (from the pending-deadlines
//! read model), re-reads each such case from its stream (the authority, never the read model),
//! and records the due steps through the case service as the system actor.
//!
//! Each step's idempotency key is derived from (case, deadline, due time, step), so a step is
//! recorded once even if two processes ever fired it; a lease keeps it to one process at a time.
//! A refusal by the domain (the deadline was met, moved or parked meanwhile) means "skip".

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use shaobao_domain::case::{DeadlineStep, RecordDeadline};
use shaobao_domain::org::Organisation;
use shaobao_domain::{Actor, CaseAction};
use shaobao_services::cases::{CaseService, Request};
use shaobao_services::clock::Clock;
use shaobao_services::command::CommandError;
use shaobao_services::store::{LogPosition, Store};

use crate::deadline::{key, ladder, step_name};
use crate::error::ProjectionError;
use crate::log;
use crate::models::deadlines::cases_due;
use crate::record::CaseRecord;

/// Cases handled per pass.
const CASES_PER_PASS: u32 = 200;

pub struct DeadlineService {
    pub store: Store,
    pub cases: Arc<CaseService>,
    pub clock: Arc<dyn Clock>,
    pub org: Arc<Organisation>,
}

impl DeadlineService {
    /// One pass over the cases due now; returns the log position of the last step recorded.
    pub async fn pass(&self) -> Result<Option<LogPosition>, ProjectionError> {
        let mut last = None;
        for case_id in cases_due(&self.store, self.clock.now(), CASES_PER_PASS).await? {
            if let Some(position) = self.fire(&case_id).await? {
                last = Some(position);
            }
        }
        Ok(last)
    }

    /// Records every step due on one case, in ladder order.
    async fn fire(&self, case_id: &str) -> Result<Option<LogPosition>, ProjectionError> {
        let system = Actor::system();
        let mut skipped = HashSet::new();
        let mut last = None;
        loop {
            let record = self.load(case_id).await?;
            let now = self.clock.now();
            let due = ladder(&record, &self.org).into_iter().find_map(|rung| {
                let (step, fire_at) = rung.next?;
                // Too late to warn: the breach is what is due.
                let step = match step {
                    DeadlineStep::Approaching if now >= rung.due_at => DeadlineStep::Breached,
                    step => step,
                };
                let id = idempotency_key(case_id, &key(&rung.deadline), rung.due_at, step);
                (fire_at <= now && !skipped.contains(&id)).then_some((rung, step, id))
            });
            let Some((rung, step, id)) = due else {
                return Ok(last);
            };
            let action = CaseAction::RecordDeadline(RecordDeadline {
                deadline: rung.deadline,
                due_at: rung.due_at,
                step,
            });
            let request = Request {
                idempotency_key: Some(id.clone()),
                correlation_id: format!("deadline-service:{case_id}"),
                expected_version: None,
            };
            match self.cases.execute(case_id, &system, action, &request).await {
                Ok(outcome) => last = Some(outcome.position),
                Err(CommandError::Domain(refusal)) => {
                    tracing::debug!(case_id, step = step_name(step), %refusal, "deadline step skipped");
                    skipped.insert(id);
                }
                Err(err) => {
                    tracing::warn!(case_id, step = step_name(step), %err, "deadline step failed; retrying later");
                    return Ok(last);
                }
            }
        }
    }

    async fn load(&self, case_id: &str) -> Result<CaseRecord, ProjectionError> {
        let mut record = CaseRecord::new(case_id);
        for (sequence, event) in log::case_history(&self.store, case_id).await? {
            record.apply(sequence, event);
        }
        Ok(record)
    }
}

/// The same (case, deadline, due time, step) always gets the same key.
fn idempotency_key(
    case_id: &str,
    deadline: &str,
    due_at: DateTime<Utc>,
    step: DeadlineStep,
) -> String {
    format!(
        "deadline:{case_id}:{deadline}:{}:{}",
        due_at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
        step_name(step)
    )
}
