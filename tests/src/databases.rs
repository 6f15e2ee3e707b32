//! Fresh, isolated stores for tests: a new PostgreSQL database per test (on the server named by
//! `SHAOBAO_TEST_DATABASE_URL`, default the local one) or a new SQLite file in a temp directory.
//!
//! When PostgreSQL is unreachable the test is skipped with a printed notice, except under
//! `CI=true`, where it fails: CI must never pass by skipping.

use std::time::{Duration, Instant};

use shaobao_services::store::{LogPosition, LoggedEvent, Store};
use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;

pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// The server-level URL tests create their databases on.
pub fn postgres_url() -> String {
    std::env::var("SHAOBAO_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into())
}

/// Under CI a test must fail, never skip, when a service it needs is missing.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Which store a test runs against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

/// A migrated, empty store that lives as long as this value. The URL lets a test open its own
/// raw connections or start a server on the same database.
pub struct TestStore {
    pub store: Store,
    pub url: String,
    // Keeps the SQLite file's directory alive.
    _dir: Option<TempDir>,
    // Drops the PostgreSQL database afterwards.
    _database: Option<DropDatabase>,
}

impl TestStore {
    /// A fresh store, or `None` (after printing why) when PostgreSQL is unreachable outside CI.
    pub async fn fresh(backend: Backend) -> Option<TestStore> {
        let test_store = match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite:{}", dir.path().join("shaobao.db").display());
                let store = Store::connect(&url).await.expect("open SQLite");
                TestStore {
                    store,
                    url,
                    _dir: Some(dir),
                    _database: None,
                }
            }
            Backend::Postgres => {
                let url = fresh_postgres_database().await?;
                let store = Store::connect(&url)
                    .await
                    .expect("connect to fresh database");
                TestStore {
                    store,
                    _database: Some(DropDatabase(url.clone())),
                    url,
                    _dir: None,
                }
            }
        };
        test_store.store.migrate().await.expect("migrate");
        Some(test_store)
    }
}

/// Creates an empty database and returns its URL.
pub async fn fresh_postgres_database() -> Option<String> {
    let server = postgres_url();
    let mut admin = match PgConnection::connect(&server).await {
        Ok(conn) => conn,
        Err(err) if in_ci() => panic!("PostgreSQL at {server} is unreachable under CI=true: {err}"),
        Err(err) => {
            eprintln!("SKIPPED: PostgreSQL at {server} unreachable ({err}); set CI=true to fail");
            return None;
        }
    };
    let name = format!("shaobao_t_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("create test database");
    let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
    Some(format!("{base}/{name}"))
}

/// Drops a test database when dropped (forcing out any connection still open), so CI machines do
/// not collect thousands of them.
pub struct DropDatabase(pub String);

impl Drop for DropDatabase {
    fn drop(&mut self) {
        let Some((_, name)) = self.0.rsplit_once('/') else {
            return;
        };
        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        // Drop runs inside the test's runtime, which cannot be blocked on: use a thread of its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&postgres_url()).await?;
                admin.execute(sql.as_str()).await.map(drop)
            })?;
            Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
        if let Ok(Err(err)) = dropped {
            eprintln!("could not drop test database {name}: {err}");
        }
    }
}

/// The whole log, read the way a catch-up projector reads it, once every event the table holds
/// is readable: on PostgreSQL the reader stops below the oldest open transaction of the whole
/// server (other tests' included), so it keeps reading until it has as many events as the table.
pub async fn whole_log(store: &Store) -> Vec<LoggedEvent> {
    let stored = count_events(store).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    let (mut log, mut cursor) = (Vec::new(), LogPosition::START);
    while log.len() < stored {
        assert!(Instant::now() < deadline, "log reader stalled at {cursor}");
        let page = store.read_log(cursor, 1_000).await.expect("read log");
        match page.last() {
            Some(last) => cursor = last.position,
            None => tokio::time::sleep(Duration::from_millis(10)).await,
        }
        log.extend(page);
    }
    log
}

/// How many events the table holds.
pub async fn count_events(store: &Store) -> usize {
    let sql = "SELECT count(*) FROM events";
    let (n,): (i64,) = match store {
        Store::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await,
        Store::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await,
    }
    .expect("count events");
    n as usize
}
