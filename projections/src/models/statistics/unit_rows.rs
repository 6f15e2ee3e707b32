//! Unit rows (`department`, `handling_street`): a unit's obligations (each dispatch to it, with
//! that dispatch's own clocks, judged while it lasted), the cases whose accepted resolution it
//! submitted (by their last callback), its co-handled cases and, for departments, its whistle
//! summons.

use std::collections::{BTreeMap, BTreeSet};

use shaobao_services::store::Store;

use super::case_rows::CaseFacts;
use super::figures::{ClockFacts, Tally};
use super::query::{month_rows, StatsError};
use super::tables::{OBLIGATIONS, SUMMONS};
use crate::sql::ColType;

/// The month's tallies of every unit whose key starts with `prefix` (`department:` or
/// `street:`), by unit code.
pub(super) async fn tally(
    store: &Store,
    month: &str,
    prefix: &str,
    cases: &[CaseFacts],
    now: i64,
) -> Result<BTreeMap<String, Tally>, StatsError> {
    let mut units = Units {
        prefix,
        tallies: BTreeMap::new(),
    };
    let mut case_ids: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for obligation in load_obligations(store, month).await? {
        if let Some(tally) = units.get(&obligation.unit) {
            tally.obligation(&obligation, now);
            let code = obligation.unit[prefix.len()..].to_string();
            case_ids.entry(code).or_default().insert(obligation.case_id);
        }
    }
    for (code, ids) in case_ids {
        let tally = units.tallies.entry(code).or_default();
        tally.cases = ids.len() as u64;
        tally.dispatched = tally.cases;
    }
    // Duplicates and proactive cases count in no unit rate (their obligations are left out too).
    for case in cases.iter().filter(|c| c.kind == "case") {
        if let Some(tally) = case.resolved_by.as_deref().and_then(|u| units.get(u)) {
            tally.reopens.count(true, case.reopened);
            tally.callback(&case.callback);
            tally.close_seconds.extend(case.close_seconds);
        }
        for co_unit in &case.co_units {
            if let Some(tally) = units.get(co_unit) {
                *tally.co_handled.get_or_insert(0) += 1;
            }
        }
    }
    if prefix == super::tables::DEPARTMENT {
        add_summons(store, month, now, &mut units.tallies).await?;
    }
    Ok(units.tallies)
}

/// The tallies of the units of one kind.
struct Units<'a> {
    prefix: &'a str,
    tallies: BTreeMap<String, Tally>,
}

impl Units<'_> {
    /// The tally of unit key `unit`, made on first use; `None` for a unit of another kind.
    fn get(&mut self, unit: &str) -> Option<&mut Tally> {
        let code = unit.strip_prefix(self.prefix)?;
        let tally = self.tallies.entry(code.to_string()).or_default();
        tally.obligations.get_or_insert(0);
        tally.co_handled.get_or_insert(0);
        Some(tally)
    }
}

/// One obligation of the month's cases (not excluded), as stored.
struct ObligationFacts {
    case_id: String,
    unit: String,
    dispatched: i64,
    ended: Option<i64>,
    sign: ClockFacts,
    contact: ClockFacts,
    resolve: ClockFacts,
    returns: u64,
    whistled: bool,
    resolved: Option<i64>,
}

async fn load_obligations(store: &Store, month: &str) -> Result<Vec<ObligationFacts>, StatsError> {
    use ColType::*;
    let sql = format!(
        "SELECT case_id, unit, dispatched_ns, ended_ns, sign_due_ns, sign_met_ns, contact_due_ns,
                contact_met_ns, resolve_due_ns, resolve_met_ns, returns, whistled, resolved_ns
         FROM {} WHERE month = $1 AND excluded = 0",
        OBLIGATIONS.name
    );
    let types = [
        Text, Text, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int, Int,
    ];
    let rows = month_rows(store, sql, month, &types).await?;
    Ok(rows
        .into_iter()
        .map(|mut f| ObligationFacts {
            case_id: f.text().unwrap_or_default(),
            unit: f.text().unwrap_or_default(),
            dispatched: f.int().unwrap_or_default(),
            ended: f.int(),
            sign: (f.int(), f.int()),
            contact: (f.int(), f.int()),
            resolve: (f.int(), f.int()),
            returns: f.int().unwrap_or_default().max(0) as u64,
            whistled: f.int() == Some(1),
            resolved: f.int(),
        })
        .collect())
}

impl Tally {
    /// One obligation: its clocks count if met or due while it lasted (until `now` if it has
    /// not ended).
    fn obligation(&mut self, o: &ObligationFacts, now: i64) {
        let lasted_until = o.ended.map_or(now, |ended| ended.min(now));
        *self.obligations.get_or_insert(0) += 1;
        self.response.clock(o.contact, lasted_until);
        self.sign.clock(o.sign, lasted_until);
        self.resolution_on_time.clock(o.resolve, lasted_until);
        self.returns.hits += o.returns;
        self.returns.of += 1;
        self.whistles.count(true, o.whistled);
        self.resolve_seconds
            .extend(o.resolved.map(|r| (r - o.dispatched) / 1_000_000_000));
    }
}

/// Per department: report-in punctuality per summons (a decline counts at once, never on time)
/// and the street's ratings.
async fn add_summons(
    store: &Store,
    month: &str,
    now: i64,
    tallies: &mut BTreeMap<String, Tally>,
) -> Result<(), StatsError> {
    use ColType::*;
    let sql = format!(
        "SELECT department, due_ns, reported_ns, declined, rating
         FROM {} WHERE month = $1 AND excluded = 0",
        SUMMONS.name
    );
    let rows = month_rows(store, sql, month, &[Text, Int, Int, Int, Text]).await?;
    for tally in tallies.values_mut() {
        tally.summons.get_or_insert(0);
    }
    for mut f in rows {
        let tally = tallies.entry(f.text().unwrap_or_default()).or_default();
        tally.obligations.get_or_insert(0);
        tally.co_handled.get_or_insert(0);
        *tally.summons.get_or_insert(0) += 1;
        let (due, reported, declined) = (f.int(), f.int(), f.int() == Some(1));
        if declined {
            tally.report_in.count(true, false);
        } else {
            tally.report_in.clock((due, reported), now);
        }
        tally.rating(f.text().as_deref());
    }
    Ok(())
}
