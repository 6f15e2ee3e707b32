//! The case service: the one door through which the HTTP API, the deadline service and the
//! simulator change cases and visits, and read a case back.
//!
//! It stamps commands with the clock, turns an idempotency key into a command id (and, for a new
//! case or visit, into its id, so twin requests meet on the same stream), and opens a visit's
//! findings as linked cases.

use std::sync::Arc;

use sha2::{Digest, Sha256};
use shaobao_domain::case::{CaseKind, Channel, Location, OpenCase, VisitLink};
use shaobao_domain::community::{CommunityList, Member};
use shaobao_domain::org::Organisation;
use shaobao_domain::visit::Finding;
use shaobao_domain::{Actor, Case, CaseAction, CaseCommand, CaseError, RecordVisit, Visit};
use uuid::Uuid;

use crate::clock::Clock;
use crate::command::{CommandBus, CommandError, CommandMeta, CommandOutcome};
use crate::duplicates::FollowUp;
use crate::history::Replayed;
use crate::store::Store;

pub use crate::history::HistoryError;

/// How a request reached us: its idempotency key (if the client sent one), correlation id, and
/// the case version the client expects (`If-Match`).
#[derive(Debug, Clone, Default)]
pub struct Request {
    pub idempotency_key: Option<String>,
    pub correlation_id: String,
    pub expected_version: Option<i64>,
}

/// A visit's details as submitted (DESIGN §6 `POST /visits`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitReport {
    pub street: String,
    pub community: String,
    pub visitors: Vec<String>,
    pub households: u32,
    pub findings: Vec<Finding>,
}

/// A recorded visit and the cases its findings opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitOutcome {
    pub visit: CommandOutcome,
    pub cases: Vec<CommandOutcome>,
}

pub type CaseCommandError = CommandError<CaseError>;
pub type VisitCommandError = CommandError<shaobao_domain::VisitError>;

/// Why recording a visit failed: the visit itself, or opening one of its findings.
#[derive(Debug, thiserror::Error)]
pub enum VisitFailure {
    #[error(transparent)]
    Visit(VisitCommandError),
    #[error("finding {finding}: {source}")]
    Finding {
        finding: usize,
        source: CaseCommandError,
    },
}

pub struct CaseService {
    cases: CommandBus<Case>,
    visits: CommandBus<Visit>,
    /// Community lists and member registrations (`community.rs`).
    pub(crate) lists: CommandBus<CommunityList>,
    pub(crate) members: CommandBus<Member>,
    store: Store,
    org: Arc<Organisation>,
    clock: Arc<dyn Clock>,
    /// Bumped after every command that appended events, so in-process catch-up projectors wake
    /// at once (SQLite has no NOTIFY).
    commits: tokio::sync::watch::Sender<u64>,
    /// See [`CaseService::interrupted_after_first_commit`].
    interrupt_after_first_commit: bool,
    /// Test hook [`CRASH_AFTER`], read once when the service is made.
    crash_after: Option<String>,
}

/// Test hook for crash tests of a real process (README "Test hooks"): the environment variable
/// naming the first event of a merge, unmerge or close (`CaseMerged`, `CaseUnmerged`,
/// `CaseClosed`) right after whose commit the process aborts, before the steps it leaves due on
/// the other case.
pub const CRASH_AFTER: &str = "SHAOBAO_CRASH_AFTER";

/// Namespace for ids derived from idempotency keys (a fixed random UUID).
const ID_NAMESPACE: Uuid = Uuid::from_u128(0x5f1c_2b0e_8a3d_4c6e_9b71_d2a4_e6f8_0c13);

impl CaseService {
    pub fn new(store: Store, org: Arc<Organisation>, clock: Arc<dyn Clock>) -> Self {
        CaseService {
            cases: CommandBus::new(store.clone(), org.clone()),
            visits: CommandBus::new(store.clone(), org.clone()),
            lists: CommandBus::new(store.clone(), org.clone()),
            members: CommandBus::new(store.clone(), org.clone()),
            store,
            org,
            clock,
            commits: tokio::sync::watch::Sender::new(0),
            interrupt_after_first_commit: false,
            crash_after: std::env::var(CRASH_AFTER).ok(),
        }
    }

    /// Changes after every command that appended events.
    pub fn commits(&self) -> tokio::sync::watch::Receiver<u64> {
        self.commits.subscribe()
    }

    pub(crate) fn committed<T>(&self, outcome: &Result<CommandOutcome, T>) {
        if outcome.as_ref().is_ok_and(|o| !o.repeated) {
            self.commits.send_modify(|n| *n += 1);
        }
    }

    pub(crate) fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn org(&self) -> &Arc<Organisation> {
        &self.org
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Opens a case. With an idempotency key the case id is derived from it, so a repeat (or a
    /// racing twin) lands on the same stream and gets the first answer.
    pub async fn open(
        &self,
        actor: &Actor,
        open: OpenCase,
        request: &Request,
    ) -> Result<CommandOutcome, CaseCommandError> {
        let case_id = derived_id(actor, "case", request);
        self.execute(&case_id, actor, CaseAction::Open(open), request)
            .await
    }

    /// Runs any other action on an existing case. A merge or unmerge is decided against the
    /// primary as its stream has it now; after a merge, unmerge or close, the steps it leaves due
    /// on the other case are run at once (see `duplicates.rs`).
    pub async fn execute(
        &self,
        case_id: &str,
        actor: &Actor,
        action: CaseAction,
        request: &Request,
    ) -> Result<CommandOutcome, CaseCommandError> {
        // The request as sent is what a repeat of it is compared with, not what was filled in.
        let meta = self.meta(actor, &action, request);
        let action = self.with_other_case(case_id, action).await?;
        let follow_up = FollowUp::of(case_id, &action);
        let first_event = FollowUp::first_event(&action);
        let outcome = self.run(case_id, actor, action, &meta).await?;
        if first_event.is_some() && first_event == self.crash_after.as_deref() {
            std::process::abort();
        }
        if let (Some(follow_up), false) = (follow_up, self.interrupt_after_first_commit) {
            self.follow_up(follow_up).await;
        }
        Ok(outcome)
    }

    /// A process that dies right after a command's own commit, before the steps it leaves due on
    /// another case: for crash tests of the merge follower.
    pub fn interrupted_after_first_commit(mut self) -> Self {
        self.interrupt_after_first_commit = true;
        self
    }

    /// One command on one stream, nothing after it.
    pub(crate) async fn execute_once(
        &self,
        case_id: &str,
        actor: &Actor,
        action: CaseAction,
        request: &Request,
    ) -> Result<CommandOutcome, CaseCommandError> {
        let meta = self.meta(actor, &action, request);
        self.run(case_id, actor, action, &meta).await
    }

    async fn run(
        &self,
        case_id: &str,
        actor: &Actor,
        action: CaseAction,
        meta: &CommandMeta,
    ) -> Result<CommandOutcome, CaseCommandError> {
        let command = CaseCommand::new(actor.clone(), self.clock.now(), action);
        let outcome = self.cases.execute(case_id, command, meta).await;
        self.committed(&outcome);
        outcome
    }

    /// Records a household visit, then opens one case per finding (`source = household_visit`,
    /// linked back to the visit). Every step is idempotent, so a retry after a failure half-way
    /// opens the missing findings and never one twice.
    pub async fn record_visit(
        &self,
        actor: &Actor,
        report: VisitReport,
        request: &Request,
    ) -> Result<VisitOutcome, VisitFailure> {
        let visit_id = derived_id(actor, "visit", request);
        let case_ids: Vec<String> = (0..report.findings.len())
            .map(|i| Uuid::new_v5(&ID_NAMESPACE, format!("{visit_id}/{i}").as_bytes()).to_string())
            .collect();
        let meta = self.meta(actor, &report, request);
        let command = RecordVisit {
            actor: actor.clone(),
            at: self.clock.now(),
            street: report.street.clone(),
            community: report.community.clone(),
            visitors: report.visitors,
            households: report.households,
            findings: report.findings.clone(),
            case_ids: case_ids.clone(),
        };
        let visit = self.visits.execute(&visit_id, command, &meta).await;
        self.committed(&visit);
        let visit = visit.map_err(VisitFailure::Visit)?;
        let mut cases = Vec::with_capacity(case_ids.len());
        for (i, (finding, case_id)) in report.findings.into_iter().zip(&case_ids).enumerate() {
            let open = finding_case(&report.street, &report.community, &visit_id, i, finding);
            let finding_request = Request {
                idempotency_key: Some(format!("{visit_id}/finding/{i}")),
                correlation_id: request.correlation_id.clone(),
                expected_version: None,
            };
            let opened = self
                .execute(case_id, actor, CaseAction::Open(open), &finding_request)
                .await
                .map_err(|source| VisitFailure::Finding { finding: i, source })?;
            cases.push(opened);
        }
        Ok(VisitOutcome { visit, cases })
    }

    /// The case as it stands now, with its version; `None` if it was never opened.
    pub async fn case(&self, case_id: &str) -> Result<Option<Replayed<Case>>, HistoryError> {
        self.case_at(case_id, None).await
    }

    /// The case as it stood after event `version` (all events when `None`).
    pub async fn case_at(
        &self,
        case_id: &str,
        version: Option<i64>,
    ) -> Result<Option<Replayed<Case>>, HistoryError> {
        crate::history::replay(&self.store, case_id, version).await
    }

    pub(crate) fn meta(
        &self,
        actor: &Actor,
        request_body: &impl serde::Serialize,
        request: &Request,
    ) -> CommandMeta {
        let body = serde_json::to_vec(request_body).unwrap_or_default();
        CommandMeta {
            command_id: match &request.idempotency_key {
                // Scoped by actor: two clients that happen to pick the same key do not collide.
                Some(key) => format!("{}:{key}", actor.id),
                None => Uuid::new_v4().to_string(),
            },
            correlation_id: request.correlation_id.clone(),
            actor: serde_json::to_string(actor).unwrap_or_default(),
            time: self.clock.now().to_rfc3339(),
            request_hash: hex::encode(Sha256::digest(body)),
            expected_version: request.expected_version,
            keyed: request.idempotency_key.is_some(),
        }
    }
}

/// A fresh stream id, or one derived from the actor and idempotency key.
fn derived_id(actor: &Actor, kind: &str, request: &Request) -> String {
    match &request.idempotency_key {
        Some(key) => {
            let name = format!("{kind}/{}/{key}", actor.id);
            Uuid::new_v5(&ID_NAMESPACE, name.as_bytes()).to_string()
        }
        None => Uuid::new_v4().to_string(),
    }
}

/// The case a visit finding opens.
fn finding_case(street: &str, community: &str, visit_id: &str, i: usize, f: Finding) -> OpenCase {
    OpenCase {
        related_cases: vec![],
        channel: Channel::HouseholdVisit,
        kind: CaseKind::Report,
        category: f.category,
        urgency: f.urgency,
        description: f.description,
        location: Location {
            community: Some(community.to_string()),
            address: f.address,
            ..Location::street(street)
        },
        requester: None,
        source: Some(VisitLink {
            visit_id: visit_id.to_string(),
            finding: i as u32,
        }),
    }
}
