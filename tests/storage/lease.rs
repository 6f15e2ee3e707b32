use shaobao_services::leader::Lease;
use shaobao_services::store::Store;
use shaobao_tests::databases::TestStore;

/// Two processes (two pools) on one database: one leads a job at a time, and the other takes over
/// once the leader goes away. SQLite is single-node: every process leads.
pub async fn one_leader_per_job_and_failover(t: TestStore) {
    let other_process = Store::connect(&t.url).await.unwrap();
    let mut first = Lease::try_acquire(&t.store, "projector:queue")
        .await
        .unwrap()
        .unwrap();
    assert!(first.is_held().await);
    let second = Lease::try_acquire(&other_process, "projector:queue")
        .await
        .unwrap();
    let unrelated = Lease::try_acquire(&other_process, "relay").await.unwrap();
    assert!(unrelated.is_some(), "other jobs are free");
    match t.store {
        Store::Postgres(_) => {
            assert!(second.is_none(), "the job already has a leader");
            drop(first);
            let taken = Lease::try_acquire(&other_process, "projector:queue")
                .await
                .unwrap();
            assert!(
                taken.is_some(),
                "the lock went with the leader's connection"
            );
        }
        Store::Sqlite(_) => assert!(second.is_some()),
    }
}
