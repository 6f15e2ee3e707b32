//! The verifier catches what someone with SQL access could do to the log.

use shaobao_services::store::chain::ChainProblem;
use shaobao_services::store::Store;
use shaobao_tests::counter::CounterCommand;
use shaobao_tests::databases::TestStore;

use crate::support::{allow_tampering, bus, exec, meta};

/// Three streams; "victim" has five events.
async fn seed(t: &TestStore) {
    let bus = bus(&t.store);
    for i in 0..5 {
        let id = format!("v{i}");
        bus.execute("victim", CounterCommand::Add(i), &meta(&id))
            .await
            .unwrap();
    }
    for case in ["bystander-1", "bystander-2"] {
        let id = format!("{case}-cmd");
        bus.execute(case, CounterCommand::AddThenDouble(2), &meta(&id))
            .await
            .unwrap();
    }
    allow_tampering(&t.store).await;
}

async fn problems_after(t: &TestStore, sql: &str) -> Vec<ChainProblem> {
    seed(t).await;
    exec(&t.store, sql).await;
    let report = t.store.verify_chains().await.unwrap();
    assert_eq!((report.streams, report.events > 0), (3, true));
    report.problems
}

fn victim() -> String {
    "counter/victim".into()
}

pub async fn an_intact_log_verifies_clean(t: TestStore) {
    seed(&t).await;
    let report = t.store.verify_chains().await.unwrap();
    assert_eq!((report.streams, report.events), (3, 9));
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

pub async fn a_modified_payload_is_detected(t: TestStore) {
    let problems = problems_after(
        &t,
        "UPDATE events SET payload = '{\"Added\":1000}' WHERE aggregate_id = 'victim' AND sequence = 3",
    )
    .await;
    assert_eq!(
        problems,
        [ChainProblem::HashMismatch {
            stream: victim(),
            sequence: 3
        }]
    );
}

pub async fn modified_metadata_is_detected(t: TestStore) {
    let metadata = match t.store {
        Store::Postgres(_) => "replace(metadata::text, 'hotline', 'auditor')::json",
        Store::Sqlite(_) => "replace(metadata, 'hotline', 'auditor')",
    };
    let sql = format!(
        "UPDATE events SET metadata = {metadata} WHERE aggregate_id = 'victim' AND sequence = 2"
    );
    let problems = problems_after(&t, &sql).await;
    assert_eq!(
        problems,
        [ChainProblem::HashMismatch {
            stream: victim(),
            sequence: 2
        }]
    );
}

pub async fn a_deleted_middle_event_is_detected(t: TestStore) {
    let problems = problems_after(
        &t,
        "DELETE FROM events WHERE aggregate_id = 'victim' AND sequence = 2",
    )
    .await;
    assert_eq!(
        problems,
        [
            ChainProblem::Gap {
                stream: victim(),
                expected: 2,
                found: 3
            },
            ChainProblem::HashMismatch {
                stream: victim(),
                sequence: 3
            },
        ]
    );
}

pub async fn a_deleted_last_event_is_detected(t: TestStore) {
    let problems = problems_after(
        &t,
        "DELETE FROM events WHERE aggregate_id = 'victim' AND sequence = 5",
    )
    .await;
    assert_eq!(
        problems,
        [ChainProblem::HeadMismatch {
            stream: victim(),
            head_sequence: 5,
            last_sequence: 4
        }]
    );
}

pub async fn swapped_sequences_are_detected(t: TestStore) {
    let problems = problems_after(
        &t,
        "UPDATE events SET sequence = 99 WHERE aggregate_id = 'victim' AND sequence = 2;
         UPDATE events SET sequence = 2 WHERE aggregate_id = 'victim' AND sequence = 3;
         UPDATE events SET sequence = 3 WHERE aggregate_id = 'victim' AND sequence = 99;",
    )
    .await;
    // Event 4 was chained on the original third event, which now sits elsewhere.
    let mismatches: Vec<_> = (2..=4)
        .map(|sequence| ChainProblem::HashMismatch {
            stream: victim(),
            sequence,
        })
        .collect();
    assert_eq!(problems, mismatches);
}
