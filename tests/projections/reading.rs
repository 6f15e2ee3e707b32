//! The projectors' reader follows commit order on PostgreSQL: transaction ids compared as
//! numbers, then positions. Regression: the page query once sorted by the id's text, so ids of
//! different lengths ("9", "10", "100") came out of order and keyset pages skipped events (and
//! every page sorted the rest of the log).

use shaobao_projections::log::{self, Pages};
use shaobao_services::store::{LogPosition, Store, StoreError};
use shaobao_tests::databases::{Backend, TestStore};

/// Visit events (the reader passes them on without their payload) committed, as far as the
/// reader can tell, by transactions 100, 9 and 10, in that order of position.
async fn events_of_transactions_of_different_lengths(store: &Store) {
    let Store::Postgres(pool) = store else {
        unreachable!("transaction ids are PostgreSQL's")
    };
    for (transaction, visit) in [(100, "v-100"), (9, "v-9"), (10, "v-10")] {
        sqlx::query(
            "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type,
                                 event_version, payload, metadata, transaction_id)
             VALUES ('visit', $1, 1, 'VisitRecorded', '1', '{}', '{\"hash\": \"-\"}', $2::text::xid8)",
        )
        .bind(visit)
        .bind(transaction.to_string())
        .execute(pool)
        .await
        .expect("insert an event");
    }
}

const IN_COMMIT_ORDER: [(u64, &str); 3] = [(9, "v-9"), (10, "v-10"), (100, "v-100")];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_transaction_ids_as_numbers() {
    let Some(t) = TestStore::fresh(Backend::Postgres).await else {
        return;
    };
    events_of_transactions_of_different_lengths(&t.store).await;

    let mut seen = Vec::new();
    let mut after = LogPosition::START;
    while let Some(entry) = log::read(&t.store, after, 1).await.unwrap().pop() {
        seen.push((entry.position.transaction, entry.stream_id));
        after = entry.position;
    }
    assert_eq!(seen, IN_COMMIT_ORDER.map(|(tx, id)| (tx, id.to_string())));

    let mut ahead = Pages::start(&t.store, LogPosition::START, 1, 2);
    let mut seen = Vec::new();
    while let Some(page) = ahead.next().await.unwrap() {
        seen.extend(
            page.into_iter()
                .map(|e| (e.position.transaction, e.stream_id)),
        );
    }
    assert_eq!(seen, IN_COMMIT_ORDER.map(|(tx, id)| (tx, id.to_string())));
}

/// SQLite sends a page as one JSON text; a stored payload that is not one JSON value (only
/// tampering makes one) must fail the read, never slip entries of its own into the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payload_that_is_not_one_json_value_fails_the_read() {
    let Some(t) = TestStore::fresh(Backend::Sqlite).await else {
        return;
    };
    let Store::Sqlite(pool) = &t.store else {
        unreachable!("a SQLite store")
    };
    let smuggling =
        r#"{"CaseSigned":{"at":"2026-03-02T02:00:00Z","on_time":true}}],[99,"smuggled",1,9,null"#;
    sqlx::query(
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata)
         VALUES ('case', 'c-1', 1, 'CaseSigned', '1', $1, '{\"hash\": \"-\"}')",
    )
    .bind(smuggling)
    .execute(pool)
    .await
    .expect("insert an event");

    match log::read(&t.store, LogPosition::START, 10).await {
        Err(StoreError::Corrupt(message)) => {
            assert!(message.contains("not one JSON value"), "{message}")
        }
        other => panic!("expected a corrupt page, got {other:?}"),
    }
}
