//! Who runs what, as the nodes say in `/health/ready`, and how long a job goes without a node
//! after its node died.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use serde_json::Value;
use shaobao_projections::runtime::{DEADLINE_JOB, MERGE_FOLLOWER_JOB};
use shaobao_projections::ProjectionName;
use shaobao_services::relay::LEASE_NAME as RELAY_JOB;

/// The contract (issue 15): a dead node's jobs run elsewhere within this.
pub const TAKEOVER_LIMIT: Duration = Duration::from_secs(5);

/// Every singleton job of a node with NATS: one per projection, the deadline service, the relay.
pub fn all_jobs() -> BTreeSet<String> {
    let mut jobs: BTreeSet<String> = ProjectionName::ALL
        .iter()
        .map(|name| format!("projection:{name}"))
        .collect();
    jobs.insert(DEADLINE_JOB.to_string());
    jobs.insert(MERGE_FOLLOWER_JOB.to_string());
    jobs.insert(RELAY_JOB.to_string());
    jobs
}

/// `/health/ready` of a node, `None` while it does not answer 200.
pub async fn ready(http: &reqwest::Client, node: &str) -> Option<Value> {
    let response = http.get(format!("{node}/health/ready")).send().await.ok()?;
    if !response.status().is_success() {
        return None;
    }
    response.json().await.ok()
}

/// Job → the id of the node that says it holds it, over the nodes answering now. Panics if two
/// nodes claim one job.
pub async fn holders(http: &reqwest::Client, nodes: &[String]) -> BTreeMap<String, String> {
    let mut holders = BTreeMap::new();
    for node in nodes {
        let Some(ready) = ready(http, node).await else {
            continue;
        };
        let id = ready["node"].as_str().expect("node id").to_string();
        for job in ready["leases"].as_array().expect("leases") {
            let job = job.as_str().expect("a job name").to_string();
            if let Some(other) = holders.insert(job.clone(), id.clone()) {
                panic!("{job} held by both {other} and {id}");
            }
        }
    }
    holders
}

/// Waits until the nodes between them hold every job (at start-up).
pub async fn wait_until_all_held(
    http: &reqwest::Client,
    nodes: &[String],
) -> BTreeMap<String, String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let held = holders(http, nodes).await;
        if held.keys().cloned().collect::<BTreeSet<_>>() == all_jobs() {
            return held;
        }
        assert!(Instant::now() < deadline, "jobs never all held: {held:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// After `died` at `since`, polls the `survivors` until every job it held is held by one of them;
/// returns how long each job took.
pub async fn takeover_times(
    http: &reqwest::Client,
    survivors: &[String],
    orphaned: &BTreeSet<String>,
    since: Instant,
) -> BTreeMap<String, Duration> {
    let mut taken = BTreeMap::new();
    let give_up = since + Duration::from_secs(60);
    while taken.len() < orphaned.len() {
        let held = holders(http, survivors).await;
        let now = since.elapsed();
        for job in orphaned {
            if held.contains_key(job) {
                taken.entry(job.clone()).or_insert(now);
            }
        }
        assert!(
            Instant::now() < give_up,
            "not taken over in a minute: {:?}",
            orphaned
                .iter()
                .filter(|j| !taken.contains_key(*j))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    taken
}
