//! The projections runtime of one server process: a projector task per projection and the
//! deadline service, each working only while it holds its lease (so with several processes on one
//! PostgreSQL database each job runs in exactly one, and another takes over when it dies); woken by
//! new commits (this process's case service, [`Projections::wake`], other processes' announcements
//! over PostgreSQL LISTEN, see [`wake`]) with a polling fallback.

use std::sync::Arc;
use std::time::Duration;

use shaobao_domain::org::Organisation;
use shaobao_services::cases::CaseService;
use shaobao_services::clock::Clock;
use shaobao_services::leader::{self, HeldLeases, Lease};
use shaobao_services::store::{LogPosition, Store};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::checkpoint;
use crate::deadline_service::DeadlineService;
use crate::error::ProjectionError;
use crate::merge_follower::MergeFollower;
use crate::projector::{Projector, ProjectorSettings};
use crate::schema::ProjectionName;
use crate::wake;

#[derive(Debug, Clone)]
pub struct ProjectionsConfig {
    /// Which projections this process may run (all by default).
    pub projections: Vec<ProjectionName>,
    /// Events per projector transaction.
    pub batch_size: u32,
    /// How often an idle projector looks at the log without being woken.
    pub poll_interval: Duration,
    /// How long a busy projector lets events gather after a batch smaller than `batch_size`:
    /// under a steady load each projector then commits a batch per `settle`, not one per command
    /// (six projectors committing per command used to take half the server's capacity), and a
    /// read with `min_position` waits at most this much longer.
    pub settle: Duration,
    /// How often a process without a lease asks for it again (the failover delay).
    pub lease_retry: Duration,
    /// How often the deadline service compares the clock with the pending deadlines.
    pub deadline_tick: Duration,
    pub deadline_service: bool,
    /// Whether this process runs the merge follower (under its lease).
    pub merge_follower: bool,
    /// Case records a projector keeps in memory before it starts afresh.
    pub cache_capacity: usize,
    /// Where the process shows the leases its projectors and deadline service hold.
    pub held_leases: HeldLeases,
    /// Test hook: a projector abandons the batch in which it has applied this many events and
    /// stops, like a process killed mid-batch.
    pub crash_after_events: Option<u64>,
}

impl Default for ProjectionsConfig {
    fn default() -> Self {
        ProjectionsConfig {
            projections: ProjectionName::ALL.to_vec(),
            batch_size: 1_000,
            poll_interval: Duration::from_millis(500),
            settle: Duration::from_millis(10),
            lease_retry: Duration::from_secs(1),
            deadline_tick: Duration::from_secs(1),
            deadline_service: true,
            merge_follower: true,
            cache_capacity: 50_000,
            held_leases: HeldLeases::default(),
            crash_after_events: None,
        }
    }
}

/// The deadline service's lease and the name its passes are recorded under (`job_runs`).
pub const DEADLINE_JOB: &str = "deadline-service";

/// The lease of the follower that completes merges the log shows unfinished.
pub const MERGE_FOLLOWER_JOB: &str = "merge-follower";

/// How often a running projector makes sure it still holds its lease.
const LEASE_CHECK: Duration = Duration::from_millis(250);

/// The projections have not caught up with a position in time (the HTTP API answers 503).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("read models have not caught up with position {position} within {waited:?}")]
pub struct NotCaughtUp {
    pub position: LogPosition,
    pub waited: Duration,
}

/// What the tasks share.
struct Shared {
    store: Store,
    org: Arc<Organisation>,
    config: ProjectionsConfig,
    wake: watch::Sender<u64>,
    /// Bumped after every batch a projector of this process commits.
    progress: watch::Sender<u64>,
    shutdown: watch::Sender<bool>,
}

/// A running projections runtime.
pub struct Projections {
    shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

impl Projections {
    /// Spawns the projectors, the deadline service and the wake-up listeners.
    pub fn start(
        store: Store,
        cases: Arc<CaseService>,
        clock: Arc<dyn Clock>,
        org: Arc<Organisation>,
        config: ProjectionsConfig,
    ) -> Projections {
        let shared = Arc::new(Shared {
            store: store.clone(),
            org: org.clone(),
            config,
            wake: watch::Sender::new(0),
            progress: watch::Sender::new(0),
            shutdown: watch::Sender::new(false),
        });
        let mut tasks = Vec::new();
        for &name in &shared.config.projections {
            tasks.push(tokio::spawn(run_projector(shared.clone(), name)));
        }
        if shared.config.deadline_service {
            let service = DeadlineService {
                store: store.clone(),
                cases: cases.clone(),
                clock,
                org,
            };
            tasks.push(tokio::spawn(run_deadline_service(shared.clone(), service)));
        }
        if shared.config.merge_follower {
            let follower = MergeFollower {
                store: store.clone(),
                cases: cases.clone(),
            };
            tasks.push(tokio::spawn(run_merge_follower(shared.clone(), follower)));
        }
        tasks.push(tokio::spawn(forward_commits(
            shared.clone(),
            cases.commits(),
        )));
        if let Store::Postgres(pool) = &store {
            let retry = shared.config.lease_retry;
            tasks.push(tokio::spawn(wake::announce(
                pool.clone(),
                cases.commits(),
                shared.shutdown.subscribe(),
                retry,
            )));
            tasks.push(tokio::spawn(wake::listen(
                pool.clone(),
                shared.wake.clone(),
                shared.shutdown.subscribe(),
                retry,
            )));
        }
        Projections { shared, tasks }
    }

    /// New events were committed: projectors look at the log now rather than at their next poll.
    pub fn wake(&self) {
        self.shared.wake.send_modify(|n| *n += 1);
    }

    /// Waits (at most `timeout`) until every projection this runtime serves has passed `position`,
    /// whichever process runs it.
    pub async fn wait_for(
        &self,
        position: LogPosition,
        timeout: Duration,
    ) -> Result<(), NotCaughtUp> {
        self.shared
            .wait_for(&self.shared.config.projections, position, timeout)
            .await
    }

    /// Stops every task after its current batch and waits for them.
    pub async fn shutdown(self) {
        self.shared.shutdown.send_replace(true);
        for task in self.tasks {
            let _ = task.await;
        }
    }
}

impl Shared {
    async fn wait_for(
        &self,
        names: &[ProjectionName],
        position: LogPosition,
        timeout: Duration,
    ) -> Result<(), NotCaughtUp> {
        caught_up(
            &self.store,
            names,
            position,
            timeout,
            Some(self.progress.subscribe()),
        )
        .await
    }

    fn stopping(&self) -> bool {
        *self.shutdown.borrow()
    }

    /// Sleeps for `period`, or less if woken or shut down.
    async fn idle(&self, period: Duration) {
        let mut wake = self.wake.subscribe();
        let mut shutdown = self.shutdown.subscribe();
        if self.stopping() {
            return;
        }
        tokio::select! {
            _ = wake.changed() => {}
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep(period) => {}
        }
    }

    /// Waits for the lease of `job`; `None` on shutdown.
    async fn lease(&self, job: &str) -> Option<Lease> {
        let mut shutdown = self.shutdown.subscribe();
        if self.stopping() {
            return None;
        }
        tokio::select! {
            lease = Lease::acquire(&self.store, job, self.config.lease_retry) => {
                Some(lease.recorded_in(&self.config.held_leases))
            }
            _ = shutdown.changed() => None,
        }
    }
}

/// Waits (at most `timeout`) until every projection has passed `position`, whichever process runs
/// them: for readers in a process without a runtime of its own.
pub async fn wait_for(
    store: &Store,
    position: LogPosition,
    timeout: Duration,
) -> Result<(), NotCaughtUp> {
    caught_up(store, &ProjectionName::ALL, position, timeout, None).await
}

/// Polls the checkpoints every 10 ms, sooner when a local projector reports progress.
async fn caught_up(
    store: &Store,
    names: &[ProjectionName],
    position: LogPosition,
    timeout: Duration,
    mut progress: Option<watch::Receiver<u64>>,
) -> Result<(), NotCaughtUp> {
    let started = Instant::now();
    loop {
        if let Ok(positions) = checkpoint::positions(store).await {
            if names
                .iter()
                .all(|n| positions.get(n.as_str()).is_some_and(|p| *p >= position))
            {
                return Ok(());
            }
        }
        let Some(left) = timeout.checked_sub(started.elapsed()) else {
            return Err(NotCaughtUp {
                position,
                waited: timeout,
            });
        };
        let pause = left.min(Duration::from_millis(10));
        match progress.as_mut() {
            Some(progress) => drop(tokio::time::timeout(pause, progress.changed()).await),
            None => tokio::time::sleep(pause).await,
        }
    }
}

async fn run_projector(shared: Arc<Shared>, name: ProjectionName) {
    let job = format!("projection:{name}");
    while let Some(lease) = shared.lease(&job).await {
        match lead_projector(&shared, name, lease).await {
            Ok(()) => return,
            Err(err @ ProjectionError::InjectedCrash(_)) => {
                tracing::error!(projection = %name, %err, "projector stopped");
                return;
            }
            Err(err) => {
                tracing::warn!(projection = %name, %err, "projector restarting");
                tokio::time::sleep(shared.config.lease_retry).await;
            }
        }
    }
}

/// Projects while this process holds the lease; `Ok` on shutdown.
async fn lead_projector(
    shared: &Shared,
    name: ProjectionName,
    mut lease: Lease,
) -> Result<(), ProjectionError> {
    let settings = ProjectorSettings {
        cache_capacity: shared.config.cache_capacity,
        crash_after_events: shared.config.crash_after_events,
    };
    let mut projector =
        Projector::resume(&shared.store, shared.org.clone(), name, &settings).await?;
    shared.progress.send_modify(|n| *n += 1);
    let mut lease_checked = Instant::now();
    while !shared.stopping() {
        // Subscribe before reading, so a commit during the batch is not missed.
        let mut wake = shared.wake.subscribe();
        wake.mark_unchanged();
        let batch_size = shared.config.batch_size;
        let read = projector.step(batch_size).await?;
        if read > 0 {
            shared.progress.send_modify(|n| *n += 1);
            if read < batch_size as usize {
                tokio::time::sleep(shared.config.settle).await;
            }
        } else if !wake.has_changed().unwrap_or(false) {
            shared.idle(shared.config.poll_interval).await;
        }
        // A round trip per batch would cost as much as the batch; a projector that lost its lease
        // meanwhile cannot do harm (the checkpoint's compare-and-set refuses its batches).
        if lease_checked.elapsed() >= LEASE_CHECK {
            if !lease.is_held().await {
                return Err(ProjectionError::LeaseLost(name.as_str()));
            }
            lease_checked = Instant::now();
        }
    }
    Ok(())
}

async fn run_deadline_service(shared: Arc<Shared>, service: DeadlineService) {
    let deadlines = [ProjectionName::Deadlines];
    while let Some(mut lease) = shared.lease(DEADLINE_JOB).await {
        // On a fresh database the deadlines tables exist only once their projection has built
        // them and installed its checkpoint: passes before that would fail on every tick.
        while !shared.stopping()
            && shared
                .wait_for(&deadlines, LogPosition::START, shared.config.lease_retry)
                .await
                .is_err()
        {}
        while !shared.stopping() && lease.is_held().await {
            match service.pass().await {
                // Let the pending deadlines catch up, so the next pass does not see them again.
                Ok(Some(position)) => {
                    let _ = shared
                        .wait_for(&deadlines, position, Duration::from_secs(5))
                        .await;
                    continue;
                }
                Ok(None) => {
                    let at = service.clock.now();
                    if let Err(err) = leader::record_run(&shared.store, DEADLINE_JOB, at).await {
                        tracing::warn!(%err, "could not record the deadline pass");
                    }
                }
                Err(err) => tracing::warn!(%err, "deadline pass failed"),
            }
            shared.idle(shared.config.deadline_tick).await;
        }
    }
}

async fn run_merge_follower(shared: Arc<Shared>, follower: MergeFollower) {
    let hotspots = [ProjectionName::Hotspots];
    while let Some(mut lease) = shared.lease(MERGE_FOLLOWER_JOB).await {
        while !shared.stopping() && lease.is_held().await {
            // On a fresh database the tables exist only once their projection has built them. A
            // lagging read model only delays a pair to a later pass: each pass re-reads the
            // streams, so a pair already complete is left alone.
            let caught_up = shared
                .wait_for(&hotspots, LogPosition::START, shared.config.lease_retry)
                .await
                .is_ok();
            if caught_up {
                if let Err(err) = follower.pass().await {
                    tracing::warn!(%err, "merge follower pass failed");
                }
            }
            shared.idle(shared.config.deadline_tick).await;
        }
    }
}

/// Commits by this process's case service wake the projectors.
async fn forward_commits(shared: Arc<Shared>, mut commits: watch::Receiver<u64>) {
    let mut shutdown = shared.shutdown.subscribe();
    while !shared.stopping() {
        tokio::select! {
            changed = commits.changed() => match changed {
                Ok(()) => shared.wake.send_modify(|n| *n += 1),
                Err(_) => return,
            },
            _ = shutdown.changed() => return,
        }
    }
}
