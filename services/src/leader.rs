//! Leadership: which process runs a singleton job (a projector, the deadline service, the NATS
//! relay) when several servers share one database.
//!
//! On PostgreSQL a session-level advisory lock, held on a connection of its own: if the process
//! dies, its connection closes and the database releases the lock, so another process takes over
//! within one retry interval. On SQLite (the embedded single-node store) the process is always the
//! leader.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgConnection;

use crate::store::{Store, StoreError};

/// Proof of leadership for one job. Dropping it gives the job up.
pub struct Lease {
    name: String,
    // Owned outright (detached from the pool): closing it is what releases the lock.
    connection: Option<PgConnection>,
    /// Where this process shows the leases it holds, once [`Lease::recorded_in`] one.
    held: Option<HeldLeases>,
}

/// The leases one process (node) holds now, by job: `/health/ready` and `/metrics` show them, so
/// an operator sees which node runs which singleton. Cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct HeldLeases(Arc<Mutex<BTreeMap<String, usize>>>);

impl HeldLeases {
    /// The jobs whose lease is held, sorted.
    pub fn jobs(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    pub fn holds(&self, job: &str) -> bool {
        self.lock().contains_key(job)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, usize>> {
        // A panic elsewhere while holding it leaves a map that is still whole.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    // Counted: on SQLite every lease is granted, so two tasks of one process may hold the same.
    fn add(&self, job: &str) {
        *self.lock().entry(job.to_string()).or_default() += 1;
    }

    fn remove(&self, job: &str) {
        let mut jobs = self.lock();
        if let Some(count) = jobs.get_mut(job) {
            *count -= 1;
            if *count == 0 {
                jobs.remove(job);
            }
        }
    }
}

impl Lease {
    /// Tries once to become the leader of `name`; `None` if another process is.
    pub async fn try_acquire(store: &Store, name: &str) -> Result<Option<Lease>, StoreError> {
        let Store::Postgres(pool) = store else {
            return Ok(Some(Lease {
                name: name.to_string(),
                connection: None,
                held: None,
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
            held: None,
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

    /// Shows this lease in `held` for as long as it lives.
    pub fn recorded_in(mut self, held: &HeldLeases) -> Lease {
        if let Some(previous) = self.held.replace(held.clone()) {
            previous.remove(&self.name);
        }
        held.add(&self.name);
        self
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

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(held) = &self.held {
            held.remove(&self.name);
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
