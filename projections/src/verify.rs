//! Verification: the hash chains are intact and every live projection equals a fresh rebuild at
//! the same log position.
//!
//! Each projection's rows and checkpoint are read on one snapshot, the log is folded afresh up to
//! that checkpoint, and the rows a rebuild would write are compared with the stored ones (in
//! memory: a verification writes nothing, so it also runs against a busy server or a replica).

use std::collections::VecDeque;

use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_services::store::chain::ChainReport;
use shaobao_services::store::{LogPosition, Store};

use crate::checkpoint::Checkpoint;
use crate::error::ProjectionError;
use crate::fold::Fold;
use crate::log::{self, Entry};
use crate::schema::ProjectionName;
use crate::sql::{fetch_consistent, ColType, Fields, Row, Statement, Value};

/// At most this many differing rows are listed per table.
const LISTED: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    pub chains: ChainReport,
    pub projections: Vec<ProjectionCheck>,
}

impl VerifyReport {
    /// No broken chain and no projection differing from its rebuild.
    pub fn is_clean(&self) -> bool {
        self.chains.problems.is_empty() && self.projections.iter().all(|p| p.differences.is_empty())
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectionCheck {
    pub projection: ProjectionName,
    /// The checkpoint compared at; `None` if the projection was never built.
    pub position: Option<LogPosition>,
    pub differences: Vec<Difference>,
}

/// One row the live table lacks (`missing`) or has but a rebuild would not (`unexpected`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub table: &'static str,
    pub kind: &'static str,
    pub row: Vec<serde_json::Value>,
}

pub async fn verify(store: &Store, org: &Organisation) -> Result<VerifyReport, ProjectionError> {
    let chains = store.verify_chains().await?;
    let mut snapshots = Vec::new();
    for name in ProjectionName::ALL {
        snapshots.push((name, snapshot(store, name).await?));
    }
    snapshots.sort_by_key(|(_, snap)| snap.as_ref().map(|(c, _)| c.position));
    let mut log = LogCursor::new(store);
    let mut projections = Vec::new();
    for (name, snap) in snapshots {
        let Some((checkpoint, stored)) = snap else {
            let never_built = Difference {
                table: name.tables()[0].name,
                kind: "not_built",
                row: vec![],
            };
            projections.push(ProjectionCheck {
                projection: name,
                position: None,
                differences: vec![never_built],
            });
            continue;
        };
        log.advance_to(checkpoint.position).await?;
        let mut differences = Vec::new();
        for (table, stored) in name.tables().iter().zip(stored) {
            let expected = log.fold.rows(table, org).collect();
            differences.extend(compare(table.name, expected, stored));
        }
        projections.push(ProjectionCheck {
            projection: name,
            position: Some(checkpoint.position),
            differences,
        });
    }
    projections.sort_by_key(|p| p.projection);
    Ok(VerifyReport {
        chains,
        projections,
    })
}

/// A projection's checkpoint and all its rows, read together.
async fn snapshot(
    store: &Store,
    name: ProjectionName,
) -> Result<Option<(Checkpoint, Vec<Vec<Row>>)>, ProjectionError> {
    use ColType::*;
    let mut queries = vec![(
        Statement::new(
            "SELECT transaction_id, position, schema_version, generation FROM projection_checkpoints WHERE name = $1",
            vec![Value::text(name.as_str())],
        ),
        vec![Int, Int, Text, Int],
    )];
    if crate::checkpoint::load(store, name).await?.is_none() {
        return Ok(None);
    }
    for table in name.tables() {
        let sql = format!(
            "SELECT {} FROM {}",
            table.column_names().join(", "),
            table.name
        );
        queries.push((Statement::new(sql, vec![]), table.column_types()));
    }
    let mut results = fetch_consistent(store, &queries).await?.into_iter();
    let Some(row) = results.next().and_then(|rows| rows.into_iter().next()) else {
        return Ok(None);
    };
    let mut f = Fields::new(row);
    let checkpoint = Checkpoint {
        position: LogPosition {
            transaction: f.int().unwrap_or(0) as u64,
            position: f.int().unwrap_or(0),
        },
        schema_version: f.text().unwrap_or_default(),
        generation: f.int().unwrap_or(0),
    };
    Ok(Some((checkpoint, results.collect())))
}

/// The log folded up to a position, moved forward projection by projection.
struct LogCursor<'a> {
    store: &'a Store,
    fold: Fold,
    read_up_to: LogPosition,
    buffered: VecDeque<Entry>,
}

impl<'a> LogCursor<'a> {
    fn new(store: &'a Store) -> Self {
        LogCursor {
            store,
            fold: Fold::default(),
            read_up_to: LogPosition::START,
            buffered: VecDeque::new(),
        }
    }

    async fn advance_to(&mut self, target: LogPosition) -> Result<(), ProjectionError> {
        loop {
            while self.buffered.front().is_some_and(|e| e.position <= target) {
                let entry = self.buffered.pop_front().expect("front exists");
                self.fold.apply(entry);
            }
            if !self.buffered.is_empty() || self.read_up_to >= target {
                return Ok(());
            }
            let page = log::read(self.store, self.read_up_to, 10_000).await?;
            let Some(last) = page.last().map(|e| e.position) else {
                return Ok(());
            };
            self.read_up_to = last;
            self.buffered.extend(page);
        }
    }
}

/// Rows in one list and not the other, both ways.
fn compare(table: &'static str, mut expected: Vec<Row>, mut stored: Vec<Row>) -> Vec<Difference> {
    let order = |a: &Row, b: &Row| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal);
    expected.sort_by(order);
    stored.sort_by(order);
    let (mut e, mut s) = (
        expected.into_iter().peekable(),
        stored.into_iter().peekable(),
    );
    let mut differences = Vec::new();
    let mut note = |kind, row: Row| {
        if differences.len() < LISTED * 2 {
            differences.push(Difference {
                table,
                kind,
                row: row.into_iter().map(json).collect(),
            });
        }
    };
    loop {
        match (e.peek(), s.peek()) {
            (None, None) => break,
            (Some(_), None) => note("missing", e.next().expect("peeked")),
            (None, Some(_)) => note("unexpected", s.next().expect("peeked")),
            (Some(a), Some(b)) => match order(a, b) {
                std::cmp::Ordering::Equal => {
                    e.next();
                    s.next();
                }
                std::cmp::Ordering::Less => note("missing", e.next().expect("peeked")),
                std::cmp::Ordering::Greater => note("unexpected", s.next().expect("peeked")),
            },
        }
    }
    differences
}

fn json(value: Value) -> serde_json::Value {
    match value {
        Value::Int(v) => v.into(),
        Value::Text(v) => v.into(),
    }
}
