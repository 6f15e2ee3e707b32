//! Login lockout: after [`LOCKOUT_FAILURES`] failed sign-ins for one login within
//! [`LOCKOUT_MINUTES`], that login is refused (even with the right password) until
//! [`LOCKOUT_MINUTES`] after the failure that completed the run. Failures are rows in the store,
//! so every node counts the same; attempts refused by the lockout are not counted, and a success
//! clears nothing (the window slides). Unknown logins are counted like known ones.

use chrono::{DateTime, TimeDelta, Utc};

use crate::store::{Store, StoreError};
use crate::with_pool;

/// Failed sign-ins that lock a login.
pub const LOCKOUT_FAILURES: usize = 5;
/// The window those failures fall in, and how long the lockout lasts.
pub const LOCKOUT_MINUTES: i64 = 15;

const WINDOW: TimeDelta = TimeDelta::minutes(LOCKOUT_MINUTES);
/// How far back failures matter: a run ending inside the last window started at most one window
/// before it.
const LOOK_BACK: TimeDelta = TimeDelta::minutes(2 * LOCKOUT_MINUTES);

/// The key failures are counted under: the login as typed, trimmed and lowercased, at most 64
/// characters (so a huge made-up login costs no more storage).
pub(crate) fn failure_key(login: &str) -> String {
    login.trim().to_lowercase().chars().take(64).collect()
}

/// When the lockout of `key` ends, if it is locked at `now`.
pub(crate) async fn locked_until(
    store: &Store,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    let sql = "SELECT at FROM login_failures WHERE login = $1 AND at > $2 ORDER BY at";
    let failures: Vec<(DateTime<Utc>,)> = with_pool!(store, pool => {
        sqlx::query_as(sql)
            .bind(key)
            .bind(now - LOOK_BACK)
            .fetch_all(pool)
            .await?
    });
    let failures: Vec<DateTime<Utc>> = failures.into_iter().map(|(at,)| at).collect();
    Ok(lock_end(&failures, now))
}

/// Records a failed sign-in for `key` and prunes failures too old to matter (any login's).
pub(crate) async fn record_failure(
    store: &Store,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    with_pool!(store, pool => {
        sqlx::query("INSERT INTO login_failures (login, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(pool)
            .await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(now - LOOK_BACK)
            .execute(pool)
            .await?;
    });
    Ok(())
}

/// Given failure times in ascending order: the end of the latest lockout still running at `now`.
/// A run of [`LOCKOUT_FAILURES`] failures spanning less than the window locks until one window
/// after its last failure.
fn lock_end(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    failures
        .windows(LOCKOUT_FAILURES)
        .filter(|run| run[LOCKOUT_FAILURES - 1] - run[0] < WINDOW)
        .map(|run| run[LOCKOUT_FAILURES - 1] + WINDOW)
        .filter(|until| *until > now)
        .max()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn at(minute: i64, second: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap()
            + TimeDelta::minutes(minute)
            + TimeDelta::seconds(second)
    }

    #[test]
    fn five_failures_within_the_window_lock_for_a_window_after_the_fifth() {
        let five: Vec<_> = (0..5).map(|i| at(i, 0)).collect();
        assert_eq!(lock_end(&five[..4], at(4, 1)), None);
        assert_eq!(lock_end(&five, at(4, 1)), Some(at(19, 0)));
        assert_eq!(lock_end(&five, at(18, 59)), Some(at(19, 0)));
        assert_eq!(lock_end(&five, at(19, 0)), None);
    }

    #[test]
    fn failures_spread_wider_than_the_window_do_not_lock() {
        let spread: Vec<_> = [0, 4, 8, 12, 15].iter().map(|m| at(*m, 0)).collect();
        assert_eq!(lock_end(&spread, at(15, 1)), None);
        let tight: Vec<_> = [0, 4, 8, 12, 14].iter().map(|m| at(*m, 59)).collect();
        assert_eq!(lock_end(&tight, at(15, 0)), Some(at(29, 59)));
    }

    #[test]
    fn the_window_slides_over_older_failures() {
        // Two old failures, then three new ones: the last five span under 15 minutes.
        let mixed: Vec<_> = [0, 1, 10, 11, 12].iter().map(|m| at(*m, 0)).collect();
        assert_eq!(lock_end(&mixed, at(12, 1)), Some(at(27, 0)));
    }

    #[test]
    fn failure_keys_fold_case_and_length() {
        assert_eq!(failure_key("  Wang.Li "), "wang.li");
        assert_eq!(failure_key(&"x".repeat(1000)).len(), 64);
    }
}
