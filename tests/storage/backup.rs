//! Backups: `shaobao backup` copies a serving SQLite store into a file that opens and verifies;
//! PostgreSQL's own dump and restore keeps the log readable and verifiable (README "Backups").

use std::process::Command;

use shaobao_projections::{rebuild, verify, ProjectionName};
use shaobao_services::org_file::load_org;
use shaobao_services::store::chain::ChainProblem;
use shaobao_services::store::{BackupError, Store};
use shaobao_tests::counter::CounterCommand;
use shaobao_tests::databases::{fresh_postgres_database, whole_log, DropDatabase, TestStore};

use crate::portable::some_history;
use crate::support::{bus, meta};

pub async fn a_sqlite_store_is_copied_while_commands_run(t: TestStore) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("copy.db");
    if let Store::Postgres(_) = t.store {
        let refused = t.store.backup(&path).await;
        assert!(
            matches!(refused, Err(BackupError::NotSqlite)),
            "{refused:?}"
        );
        return;
    }
    // Given a store with a history and a writer still appending
    some_history(&t.store).await;
    let before = whole_log(&t.store).await.len();
    let writer = {
        let bus = bus(&t.store);
        tokio::spawn(async move {
            for n in 0..40 {
                let command = CounterCommand::Add(n);
                bus.execute("busy", command, &meta(&format!("busy-{n}")))
                    .await
                    .unwrap();
            }
        })
    };
    // When it is backed up meanwhile
    let bytes = t.store.backup(&path).await.expect("backup");
    writer.await.unwrap();
    // Then the copy opens, its chains verify and it holds a prefix of every stream
    assert!(bytes > 0 && path.is_file());
    assert!(!dir.path().join("copy.db.partial").exists());
    let copy = Store::connect(&format!("sqlite:{}", path.display()))
        .await
        .expect("the copy opens");
    let chains = copy.verify_chains().await.unwrap();
    assert!(chains.problems.is_empty(), "{:?}", chains.problems);
    let copied = whole_log(&copy).await;
    assert!(copied.len() >= before, "{} < {before}", copied.len());
    let source = whole_log(&t.store).await;
    assert_eq!(
        copied[..],
        source[..copied.len()],
        "a prefix of the log, as it was"
    );
    // And a backup never overwrites
    let again = t.store.backup(&path).await;
    assert!(matches!(again, Err(BackupError::Exists(_))), "{again:?}");
}

/// The PostgreSQL procedure of the README on one server: `pg_dump -Fc`, `pg_restore` into a new
/// database, rebuild the read models, verify; the restored log then takes new commands in order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_dump_and_restore_verifies_after_a_rebuild() {
    if Command::new("pg_dump").arg("--version").output().is_err() {
        eprintln!("SKIPPED: pg_dump is not installed");
        return;
    }
    let Some(source) = TestStore::fresh(shaobao_tests::databases::Backend::Postgres).await else {
        return;
    };
    let org = load_org(None, 1.0).unwrap();
    some_history(&source.store).await;
    rebuild(&source.store, &org, &ProjectionName::ALL, |_| {})
        .await
        .expect("read models");
    let dir = tempfile::tempdir().unwrap();
    let dump = dir.path().join("shaobao.dump");
    let dumped = Command::new("pg_dump")
        .args(["-Fc", "-f", dump.to_str().unwrap(), "-d", &source.url])
        .output()
        .unwrap();
    assert!(dumped.status.success(), "{dumped:?}");

    let url = fresh_postgres_database().await.expect("PostgreSQL");
    let _drop = DropDatabase(url.clone());
    let restored = Command::new("pg_restore")
        .args(["--no-owner", "-d", &url, dump.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(restored.status.success(), "{restored:?}");
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.expect("nothing left to migrate");
    assert_eq!(whole_log(&store).await, whole_log(&source.store).await);
    rebuild(&store, &org, &ProjectionName::ALL, |_| {})
        .await
        .expect("rebuilt");
    let report = verify(&store, &org).await.unwrap();
    assert!(report.is_clean(), "{report:?}");

    let appended = bus(&store)
        .execute("after-restore", CounterCommand::Add(1), &meta("after"))
        .await
        .unwrap();
    let log = whole_log(&store).await;
    assert_eq!(log.last().map(|e| e.position), Some(appended.position));
    store.close().await;
}

/// What a dump restored onto a new server looks like: events whose transaction ids the server has
/// not handed out yet. Verification says so instead of passing a log readers would skip.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn transaction_ids_ahead_of_the_server_are_reported() {
    let Some(t) = TestStore::fresh(shaobao_tests::databases::Backend::Postgres).await else {
        return;
    };
    bus(&t.store)
        .execute("c", CounterCommand::Add(1), &meta("a"))
        .await
        .unwrap();
    assert!(t.store.verify_chains().await.unwrap().problems.is_empty());
    crate::support::exec(
        &t.store,
        "INSERT INTO events (aggregate_type, aggregate_id, sequence, event_type, event_version,
                             payload, metadata, transaction_id)
         SELECT aggregate_type, 'restored', sequence, event_type, event_version, payload,
                metadata, (pg_current_xact_id()::text::bigint + 1000000)::text::xid8
         FROM events",
    )
    .await;
    let problems = t.store.verify_chains().await.unwrap().problems;
    assert!(
        problems.contains(&ChainProblem::TransactionIdsAhead { events: 1 }),
        "{problems:?}"
    );
}
