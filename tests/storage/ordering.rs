//! Global commit order: a catch-up reader following its cursor must never pass a transaction that
//! is still open (it may commit with a smaller position) and must deliver every event exactly once.

use std::time::{Duration, Instant};

use rand::Rng;
use shaobao_services::store::{LogPosition, LoggedEvent, Store};
use shaobao_tests::counter::CounterCommand;
use shaobao_tests::databases::TestStore;
use sqlx::{Postgres, Sqlite, Transaction};

use shaobao_tests::databases::whole_log;

use crate::support::{bus, meta};

/// A write transaction held open by the test.
enum OpenWrite {
    Postgres(Transaction<'static, Postgres>),
    Sqlite(Transaction<'static, Sqlite>),
}

const INSERT: &str = "INSERT INTO events \
    (aggregate_type, aggregate_id, sequence, event_type, event_version, payload, metadata) \
    VALUES ('counter', $1, 1, 'Added', '1', '{\"Added\":1}', '{\"hash\":\"test\"}')";

impl OpenWrite {
    /// Begins a transaction and inserts the first event of `stream` in it, without committing.
    async fn insert(store: &Store, stream: &str) -> OpenWrite {
        match store {
            Store::Postgres(pool) => {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query(INSERT)
                    .bind(stream)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                OpenWrite::Postgres(tx)
            }
            Store::Sqlite(pool) => {
                let mut tx = pool.begin().await.unwrap();
                sqlx::query(INSERT)
                    .bind(stream)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                OpenWrite::Sqlite(tx)
            }
        }
    }

    async fn finish(self, commit: bool) {
        match (self, commit) {
            (OpenWrite::Postgres(tx), true) => tx.commit().await.unwrap(),
            (OpenWrite::Postgres(tx), false) => tx.rollback().await.unwrap(),
            (OpenWrite::Sqlite(tx), true) => tx.commit().await.unwrap(),
            (OpenWrite::Sqlite(tx), false) => tx.rollback().await.unwrap(),
        }
    }
}

/// A reader that remembers everything it was given.
struct Follower {
    cursor: LogPosition,
    seen: Vec<LoggedEvent>,
}

impl Follower {
    fn new() -> Self {
        Follower {
            cursor: LogPosition::START,
            seen: Vec::new(),
        }
    }

    async fn poll(&mut self, store: &Store) -> Vec<String> {
        let page = store.read_log(self.cursor, 1000).await.unwrap();
        if let Some(last) = page.last() {
            assert!(last.position > self.cursor, "cursor only moves forward");
            self.cursor = last.position;
        }
        let ids = page.iter().map(|e| e.aggregate_id.clone()).collect();
        self.seen.extend(page);
        ids
    }

    /// Polls until `total` events were seen (other tests' open transactions may delay it).
    async fn catch_up(&mut self, store: &Store, total: usize) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while self.seen.len() < total {
            assert!(
                Instant::now() < deadline,
                "reader stalled at {}",
                self.cursor
            );
            if self.poll(store).await.is_empty() {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
        assert_eq!(self.seen.len(), total, "no more than that either");
    }
}

pub async fn reader_never_passes_an_open_transaction(t: TestStore) {
    let store = &t.store;
    bus(store)
        .execute("before", CounterCommand::Add(1), &meta("b"))
        .await
        .unwrap();
    let mut reader = Follower::new();
    reader.catch_up(store, 1).await;
    let slow = OpenWrite::insert(store, "slow").await;

    // Later events from other connections. On PostgreSQL they commit at once with larger
    // positions; on SQLite they wait for the writer lock (the single writer is what orders it).
    let later = tokio::spawn({
        let store = store.clone();
        async move {
            for (i, case) in ["later-1", "later-2"].into_iter().enumerate() {
                bus(&store)
                    .execute(case, CounterCommand::Add(1), &meta(&format!("l{i}")))
                    .await
                    .unwrap();
            }
        }
    });
    let wait = tokio::time::timeout(Duration::from_millis(1500), async {
        while !later.is_finished() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let _ = wait.await;

    for _ in 0..5 {
        assert!(
            reader.poll(store).await.is_empty(),
            "stops before the open transaction"
        );
    }

    slow.finish(true).await;
    later.await.unwrap();
    reader.catch_up(store, 4).await;
    let delivered: Vec<&str> = reader
        .seen
        .iter()
        .map(|e| e.aggregate_id.as_str())
        .collect();
    assert_eq!(delivered, ["before", "slow", "later-1", "later-2"]);
    assert_eq!(ids(&reader.seen), ids(&whole_log(store).await));
}

const ROUNDS: usize = 200;
const WRITERS_PER_ROUND: usize = 3;

/// Writers hold their transactions open for random times and sometimes roll back, while a reader
/// follows the log; after 200 rounds it has seen exactly the committed log, in log order.
pub async fn random_interleavings_deliver_every_event_once_in_commit_order(t: TestStore) {
    let store = t.store.clone();
    let mut reader = Follower::new();
    let mut committed = 0;
    for round in 0..ROUNDS {
        let writers: Vec<_> = (0..WRITERS_PER_ROUND)
            .map(|w| {
                let store = store.clone();
                let (hold, commit) = {
                    let mut rng = rand::thread_rng();
                    (rng.gen_range(0..3u64), rng.gen_bool(0.9))
                };
                tokio::spawn(async move {
                    let tx = OpenWrite::insert(&store, &format!("r{round}-{w}")).await;
                    tokio::time::sleep(Duration::from_millis(hold)).await;
                    tx.finish(commit).await;
                    commit
                })
            })
            .collect();
        while !writers.iter().all(|w| w.is_finished()) {
            reader.poll(&store).await;
        }
        for writer in writers {
            committed += usize::from(writer.await.unwrap());
        }
        reader.poll(&store).await;
    }
    reader.catch_up(&store, committed).await;

    let log = whole_log(&store).await;
    assert_eq!(log.len(), committed);
    assert_eq!(
        ids(&reader.seen),
        ids(&log),
        "every committed event once, in log order"
    );
    let mut unique = ids(&reader.seen);
    unique.dedup();
    assert_eq!(unique.len(), committed);
}

fn ids(events: &[LoggedEvent]) -> Vec<(String, LogPosition)> {
    events
        .iter()
        .map(|e| (e.aggregate_id.clone(), e.position))
        .collect()
}
