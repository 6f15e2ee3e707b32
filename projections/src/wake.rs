//! Waking the projectors of every process on one PostgreSQL database when events commit.
//!
//! A process announces its own commits with a NOTIFY of its own, after they committed, never from
//! inside a command's transaction: PostgreSQL holds one database-wide lock from a notifying
//! transaction's pre-commit until its commit is flushed, so a NOTIFY in every command queued the
//! commits of all nodes one behind the other, each with its WAL flush (issue 15). Announcements
//! coalesce: while one is on its way, further commits make one more, not one each. A process that
//! dies between a commit and its announcement leaves the others to their polling.

use std::time::Duration;

use tokio::sync::watch;

/// The channel the projectors LISTEN on.
const CHANNEL: &str = "shaobao_events";

/// Announces this process's commits (`commits` changes after each) to every listener, until
/// `shutdown`.
pub(crate) async fn announce(
    pool: sqlx::PgPool,
    mut commits: watch::Receiver<u64>,
    mut shutdown: watch::Receiver<bool>,
    retry: Duration,
) {
    loop {
        tokio::select! {
            changed = commits.changed() => if changed.is_err() { return },
            _ = shutdown.changed() => return,
        }
        commits.mark_unchanged();
        let sent = sqlx::query("SELECT pg_notify($1, '')")
            .bind(CHANNEL)
            .execute(&pool)
            .await;
        if let Err(err) = sent {
            // The others poll meanwhile; the next commit is announced again.
            tracing::warn!(%err, "could not announce commits to other processes");
            tokio::time::sleep(retry).await;
        }
    }
}

/// Bumps `wake` on every announcement from any process (and once after each (re)connection: a
/// commit may have gone by unheard) until `shutdown`; polls meanwhile when the listener fails.
pub(crate) async fn listen(
    pool: sqlx::PgPool,
    wake: watch::Sender<u64>,
    mut shutdown: watch::Receiver<bool>,
    retry: Duration,
) {
    loop {
        tokio::select! {
            err = notifications(&pool, &wake) => {
                tracing::warn!(%err, "event notifications lost; polling until they are back");
                tokio::time::sleep(retry).await;
            }
            _ = shutdown.changed() => return,
        }
    }
}

/// Wakes the projectors on every notification until the listener fails.
async fn notifications(pool: &sqlx::PgPool, wake: &watch::Sender<u64>) -> sqlx::Error {
    let mut listener = match sqlx::postgres::PgListener::connect_with(pool).await {
        Ok(listener) => listener,
        Err(err) => return err,
    };
    if let Err(err) = listener.listen(CHANNEL).await {
        return err;
    }
    loop {
        wake.send_modify(|n| *n += 1);
        if let Err(err) = listener.recv().await {
            return err;
        }
    }
}
