//! The event log on PostgreSQL (production) or SQLite (embedded default), chosen by the URL.
//!
//! postgres-es / sqlite-es persist and load aggregates; this module adds what they do not do: the
//! global commit order ([`log`]), the per-stream hash chain ([`chain`]) and the versioned
//! migrations.

mod append;
mod backup;
pub mod chain;
mod command_scope;
mod connect;
pub mod copy;
mod error;
mod export;
mod heads;
mod import;
pub mod log;
mod repository;
pub(crate) mod sql;

pub use backup::BackupError;
pub use command_scope::{AlreadyRecorded, CommandScope, VersionMismatch, COMMAND};
pub use connect::DEFAULT_DATABASE_URL;
pub use error::StoreError;
pub use export::{ExportError, ExportFilter};
pub use heads::RecordedCommand;
pub use import::{ImportError, ImportProgress, ImportReport, MAX_LINE_BYTES};
pub use log::{LogPage, LogPosition, LoggedEvent, PageContent, RawEvent};
pub use repository::ChainedRepository;

use sqlx::{PgPool, SqlitePool};

use sql::with_pool;

/// A connection pool to one of the two supported stores.
#[derive(Clone, Debug)]
pub enum Store {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

impl Store {
    /// Applies every pending migration; already-applied ones are skipped.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Store::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
            Store::Sqlite(pool) => SQLITE_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// A cheap round trip, for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop)?);
        Ok(())
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Store::Postgres(_) => "postgres",
            Store::Sqlite(_) => "sqlite",
        }
    }

    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }
}
