//! Instants as stored in read-model tables (nanoseconds since the epoch: exact, so a deadline read
//! back equals the one the domain holds, and sortable on both backends) and the month a case
//! counts in (Asia/Shanghai calendar month).

use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;

/// Nanoseconds since the epoch (instants up to the year 2262 fit).
pub fn to_ns(at: DateTime<Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(i64::MAX)
}

pub fn from_ns(ns: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(ns)
}

/// `YYYY-MM` of the Beijing calendar month containing `at`.
pub fn month_of(at: DateTime<Utc>) -> String {
    at.with_timezone(&Shanghai).format("%Y-%m").to_string()
}
