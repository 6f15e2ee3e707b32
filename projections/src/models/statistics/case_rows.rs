//! Case rows (`street` = the case's location street, `category`): one per case, by the clocks of
//! its latest dispatch, and the per-case facts unit rows need.

use shaobao_services::store::Store;

use super::figures::{ClockFacts, LastCallback, Tally};
use super::query::{month_rows, StatsError};
use super::tables::CASES;
use crate::sql::ColType;

/// One case of the month that counts (not excluded), as stored.
pub(super) struct CaseFacts {
    /// `case`, `duplicate` (volume only) or `proactive` (counted apart).
    pub kind: String,
    pub street: String,
    pub category: String,
    pub dispatched: bool,
    pub sign: ClockFacts,
    pub contact: ClockFacts,
    pub resolve: ClockFacts,
    pub returned: bool,
    pub reopened: bool,
    pub whistled: bool,
    pub callback: LastCallback,
    pub resolve_seconds: Option<i64>,
    pub close_seconds: Option<i64>,
    /// The unit key that submitted its accepted resolution, and its co-units' keys.
    pub resolved_by: Option<String>,
    pub co_units: Vec<String>,
}

pub(super) async fn load(store: &Store, month: &str) -> Result<Vec<CaseFacts>, StatsError> {
    use ColType::*;
    let sql = format!(
        "SELECT kind, street, category, dispatched, sign_due_ns, sign_met_ns, contact_due_ns,
                contact_met_ns, resolve_due_ns, resolve_met_ns, returned, reopened, whistled,
                callback_reached, callback_resolved, satisfaction, resolve_seconds,
                close_seconds, resolved_by, co_units
         FROM {} WHERE month = $1 AND excluded = 0",
        CASES.name
    );
    let types = [
        Text, Text, Text, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Text, Int,
        Int, Text, Text,
    ];
    let rows = month_rows(store, sql, month, &types).await?;
    Ok(rows
        .into_iter()
        .map(|mut f| CaseFacts {
            kind: f.text().unwrap_or_default(),
            street: f.text().unwrap_or_default(),
            category: f.text().unwrap_or_default(),
            dispatched: f.int() == Some(1),
            sign: (f.int(), f.int()),
            contact: (f.int(), f.int()),
            resolve: (f.int(), f.int()),
            returned: f.int() == Some(1),
            reopened: f.int() == Some(1),
            whistled: f.int() == Some(1),
            callback: LastCallback {
                reached: f.int().map(|v| v == 1),
                resolved: f.int().map(|v| v == 1),
                satisfaction: f.text(),
            },
            resolve_seconds: f.int(),
            close_seconds: f.int(),
            resolved_by: f.text(),
            co_units: f
                .text()
                .unwrap_or_default()
                .split('|')
                .filter(|u| !u.is_empty())
                .map(str::to_string)
                .collect(),
        })
        .collect())
}

impl Tally {
    /// A case row: counted once; its rates over the dispatched cases, clocks judged at `now`.
    pub(super) fn case(&mut self, case: &CaseFacts, now: i64) {
        match case.kind.as_str() {
            "proactive" => {
                self.proactive += 1;
                return;
            }
            "duplicate" => {
                self.cases += 1;
                self.duplicates += 1;
                return;
            }
            _ => self.cases += 1,
        }
        if !case.dispatched {
            return;
        }
        self.dispatched += 1;
        self.response.clock(case.contact, now);
        self.sign.clock(case.sign, now);
        self.resolution_on_time.clock(case.resolve, now);
        self.returns.count(true, case.returned);
        self.reopens.count(true, case.reopened);
        self.whistles.count(true, case.whistled);
        self.callback(&case.callback);
        self.resolve_seconds.extend(case.resolve_seconds);
        self.close_seconds.extend(case.close_seconds);
    }
}
