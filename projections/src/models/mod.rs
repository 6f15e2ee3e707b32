//! The read models of DESIGN §4: each module defines its tables, derives their rows from a
//! [`crate::record::CaseRecord`] (community tables from community and member records too), and
//! answers the queries the HTTP API serves.

pub mod community;
pub mod deadlines;
pub mod hotspots;
pub mod inbox;
pub mod queue;
pub mod search;
pub mod statistics;
pub mod volunteers;

use serde::Serialize;
use shaobao_domain::case::DeadlineRef;

use crate::deadline::kind;
use crate::time::from_ns;

/// A deadline as lists show it: `{"kind": "resolve", "due_at": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineView {
    pub kind: String,
    pub due_at: chrono::DateTime<chrono::Utc>,
}

impl DeadlineView {
    fn from_columns(kind: Option<String>, due_ns: Option<i64>) -> Option<DeadlineView> {
        match (kind, due_ns) {
            (Some(kind), Some(ns)) => Some(DeadlineView {
                kind,
                due_at: from_ns(ns),
            }),
            _ => None,
        }
    }
}

/// The soonest of `deadlines`, as (kind, due time in ns).
fn soonest<'a>(
    deadlines: impl IntoIterator<Item = &'a (DeadlineRef, chrono::DateTime<chrono::Utc>)>,
) -> Option<(&'static str, i64)> {
    deadlines
        .into_iter()
        .min_by_key(|(_, due)| *due)
        .map(|(d, due)| (kind(d), crate::time::to_ns(*due)))
}

/// A unit enum's name as serde writes it (`grid_patrol`), for enums without an `as_str`.
fn serde_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}
