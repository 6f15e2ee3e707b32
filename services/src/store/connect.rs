//! Opening a store from a database URL.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Connection, PgConnection};

use super::{Store, StoreError};

/// The embedded default: one SQLite file, created on first use.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:shaobao-data/shaobao.db";

impl Store {
    /// Connects to `postgres://…` or `sqlite:…` (the file and its directory are created if missing).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // One plain connection first: the pool would wait out its acquire timeout and report
            // only "pool timed out", losing the real cause (refused, unknown database, auth).
            PgConnection::connect(url)
                .await
                .map_err(StoreError::Unavailable)?
                .close()
                .await
                .map_err(StoreError::Unavailable)?;
            let pool = PgPoolOptions::new()
                .max_connections(32)
                .acquire_timeout(Duration::from_secs(5))
                // sqlx pings every connection it hands out by default; a broken one fails the
                // query instead and the pool replaces it, which saves a round trip per command.
                .test_before_acquire(false)
                .connect(url)
                .await
                .map_err(StoreError::Unavailable)?;
            Ok(Store::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            Ok(Store::Sqlite(connect_sqlite(url).await?))
        } else {
            Err(StoreError::UnsupportedUrl(url.to_string()))
        }
    }
}

async fn connect_sqlite(url: &str) -> Result<sqlx::SqlitePool, StoreError> {
    let options = SqliteConnectOptions::from_str(url)
        .map_err(|_| StoreError::UnsupportedUrl(url.to_string()))?
        .create_if_missing(true)
        // WAL lets catch-up readers run beside the single writer; FULL makes an acknowledged
        // command survive a power cut, not only a process crash.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .busy_timeout(Duration::from_secs(10))
        .foreign_keys(true);
    if let Some(dir) = Path::new(options.get_filename()).parent() {
        if !dir.as_os_str().is_empty() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Unavailable(e.into()))?;
        }
    }
    SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await
        .map_err(StoreError::Unavailable)
}
