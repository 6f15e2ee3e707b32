//! Leadership: which process runs a singleton job (a projector, the deadline service, the NATS
//! relay) when several servers share one database.
//!
//! On PostgreSQL a session-level advisory lock, held on a connection of its own: if the process
//! dies, its connection closes and the database releases the lock, so another process takes over
//! within one retry interval. On SQLite (the embedded single-node store) the process is always the
//! leader.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::store::{Store, StoreError};

/// Proof of leadership for one job. Dropping it gives the job up.
pub struct Lease {
    name: String,
    // Owned outright (detached from the pool): closing it is what releases the lock.
    connection: Option<PgConnection>,
}

impl Lease {
    /// Tries once to become the leader of `name`; `None` if another process is.
    pub async fn try_acquire(store: &Store, name: &str) -> Result<Option<Lease>, StoreError> {
        let Store::Postgres(pool) = store else {
            return Ok(Some(Lease {
                name: name.to_string(),
                connection: None,
            }));
        };
        let mut connection = pool.acquire().await?.detach();
        let (held,): (bool,) =
            sqlx::query_as("SELECT pg_try_advisory_lock(hashtextextended($1, 0))")
                .bind(format!("shaobao:{name}"))
                .fetch_one(&mut connection)
                .await?;
        Ok(held.then(|| Lease {
            name: name.to_string(),
            connection: Some(connection),
        }))
    }

    /// Waits until this process leads `name`, retrying every `retry`.
    pub async fn acquire(store: &Store, name: &str, retry: Duration) -> Lease {
        loop {
            match Lease::try_acquire(store, name).await {
                Ok(Some(lease)) => return lease,
                Ok(None) => {}
                Err(err) => tracing::warn!(job = name, %err, "leadership check failed"),
            }
            tokio::time::sleep(retry).await;
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the lease still holds: the lock's connection must still answer. Call it between
    /// batches; a job that loses its lease stops and goes back to [`Lease::acquire`].
    pub async fn is_held(&mut self) -> bool {
        match self.connection.as_mut() {
            None => true,
            Some(connection) => sqlx::query("SELECT 1")
                .execute(&mut *connection)
                .await
                .is_ok(),
        }
    }
}

/// Records that singleton job `job` completed a pass at `at` (for `/metrics` on every node).
pub async fn record_run(store: &Store, job: &str, at: DateTime<Utc>) -> Result<(), StoreError> {
    let sql = "INSERT INTO job_runs (job, last_run_at) VALUES ($1, $2) \
               ON CONFLICT (job) DO UPDATE SET last_run_at = excluded.last_run_at";
    crate::with_pool!(store, pool => {
        sqlx::query(sql).bind(job).bind(at).execute(pool).await.map(drop)?
    });
    Ok(())
}

/// When singleton job `job` last completed a pass, if ever.
pub async fn last_run(store: &Store, job: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
    let sql = "SELECT last_run_at FROM job_runs WHERE job = $1";
    let row: Option<(DateTime<Utc>,)> = crate::with_pool!(store, pool => {
        sqlx::query_as(sql).bind(job).fetch_optional(pool).await?
    });
    Ok(row.map(|(at,)| at))
}
