//! A case service on a manual clock with the projections runtime beside it, and short names for
//! the commands the scripts use.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use shaobao_domain::case::*;
use shaobao_domain::org::Organisation;
use shaobao_domain::{Actor, CaseAction, CaseEvent};
use shaobao_projections::{Projections, ProjectionsConfig};
use shaobao_services::cases::{CaseService, Request};
use shaobao_services::clock::ManualClock;
use shaobao_services::command::CommandOutcome;
use shaobao_services::org_file::load_org;
use shaobao_services::store::{LogPosition, Store};
use shaobao_tests::databases::TestStore;
pub use shaobao_tests::script::*;

/// Monday 2 March 2026, 10:00 in Beijing: a working day, inside working hours.
pub fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
}

pub struct World {
    pub t: TestStore,
    pub clock: Arc<ManualClock>,
    pub org: Arc<Organisation>,
    pub cases: Arc<CaseService>,
    pub last: LogPosition,
}

impl World {
    /// The sample district with every SLA span multiplied by `sla_scale`.
    pub fn new(t: TestStore, sla_scale: f64) -> World {
        let org = Arc::new(load_org(None, sla_scale).expect("sample district"));
        let clock = Arc::new(ManualClock::new(monday_morning()));
        let cases = Arc::new(CaseService::new(
            t.store.clone(),
            org.clone(),
            clock.clone(),
        ));
        World {
            t,
            clock,
            org,
            cases,
            last: LogPosition::START,
        }
    }

    pub fn store(&self) -> &Store {
        &self.t.store
    }

    /// Another "process" on the same database: its own pool and case service, the same clock.
    pub async fn other_process(&self) -> Arc<CaseService> {
        let store = Store::connect(&self.t.url).await.expect("second pool");
        Arc::new(CaseService::new(
            store,
            self.org.clone(),
            self.clock.clone(),
        ))
    }

    pub fn start(&self, config: ProjectionsConfig) -> Projections {
        Projections::start(
            self.store().clone(),
            self.cases.clone(),
            self.clock.clone(),
            self.org.clone(),
            config,
        )
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.clock.advance(by);
    }

    pub async fn act(
        &mut self,
        case_id: &str,
        actor: &Actor,
        action: CaseAction,
    ) -> CommandOutcome {
        let name = action.name();
        let outcome = self
            .cases
            .execute(case_id, actor, action, &Request::default())
            .await
            .unwrap_or_else(|e| panic!("{name} on {case_id}: {e}"));
        self.last = outcome.position;
        outcome
    }

    /// Opens a hotline case in `street` and returns its id.
    pub async fn open(&mut self, street: &str, category: &str, description: &str) -> String {
        self.open_case(complaint(street, category, description))
            .await
    }

    /// The case's events, by name, in order.
    pub async fn events(&self, case_id: &str) -> Vec<CaseEvent> {
        self.store()
            .history("case", case_id)
            .await
            .expect("history")
            .into_iter()
            .map(|e| serde_json::from_value(e.payload).expect("case event"))
            .collect()
    }
}

/// Quick wake-ups and failover for tests; no deadline service unless asked for.
pub fn quick() -> ProjectionsConfig {
    ProjectionsConfig {
        batch_size: 500,
        poll_interval: Duration::from_millis(20),
        lease_retry: Duration::from_millis(100),
        deadline_tick: Duration::from_millis(20),
        deadline_service: false,
        ..ProjectionsConfig::default()
    }
}

/// Waits until the runtime has caught up with the last command.
pub async fn caught_up(projections: &Projections, world: &World) {
    projections
        .wait_for(world.last, Duration::from_secs(20))
        .await
        .expect("projections catch up");
}

/// The scripts of `shaobao_tests::script` played straight on the case service.
impl Desk for World {
    async fn open_case(&mut self, open: OpenCase) -> String {
        let outcome = self
            .cases
            .open(&hotline(), open, &Request::default())
            .await
            .expect("open");
        self.last = outcome.position;
        outcome.aggregate_id
    }

    async fn act(&mut self, case_id: &str, actor: &Actor, action: CaseAction) {
        World::act(self, case_id, actor, action).await;
    }

    fn advance(&self, by: chrono::Duration) {
        World::advance(self, by);
    }
}
