//! Verification: the hash chains are intact and every live projection equals a fresh rebuild at
//! the same log position.
//!
//! Each projection's rows and checkpoint are read on one snapshot, the log is folded afresh up to
//! that checkpoint, and the rows a rebuild would write are compared with the stored ones (in
//! memory: a verification writes nothing, so it also runs against a busy server or a replica).
//!
//! A database whose read models were never built (only migrated and written to, no server has
//! run) has nothing to compare: every projection is reported `not_built` and that is no failure.
//! Once any read model exists, a server builds them all, so from then on a projection without its
//! checkpoint, without a table or missing altogether is a difference: deleting a read model must
//! not be a way to hide a tampered one.

mod compare;
mod stored;

use serde::Serialize;
use shaobao_domain::org::Organisation;
use shaobao_services::store::chain::ChainReport;
use shaobao_services::store::{LogPosition, Store};

use crate::error::ProjectionError;
use crate::schema::ProjectionName;
use compare::{compare, LogCursor};
use stored::Stored;

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
    pub status: CheckStatus,
    /// The checkpoint compared at; `None` without one.
    pub position: Option<LogPosition>,
    pub differences: Vec<Difference>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Equal to a fresh fold of the log up to its checkpoint.
    Verified,
    /// No read model of this database was ever built: nothing to compare.
    NotBuilt,
    /// See the differences.
    Differs,
}

/// One row the live table lacks (`missing`) or has but a rebuild would not (`unexpected`); or,
/// with no row, a part of the projection that is not there (`checkpoint_missing`,
/// `table_missing`, `projection_missing`) or was built by another definition
/// (`schema_outdated`: verify with the version that serves it, or replay).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Difference {
    pub table: &'static str,
    pub kind: &'static str,
    pub row: Vec<serde_json::Value>,
}

impl Difference {
    fn absent(table: &'static str, kind: &'static str) -> Difference {
        Difference {
            table,
            kind,
            row: vec![],
        }
    }
}

pub async fn verify(store: &Store, org: &Organisation) -> Result<VerifyReport, ProjectionError> {
    let chains = store.verify_chains().await?;
    let existing = stored::existing_tables(store).await?;
    let mut found = Vec::new();
    for name in ProjectionName::ALL {
        found.push((name, Stored::read(store, name, &existing).await?));
    }
    let built_here = found.iter().any(|(_, s)| !matches!(s, Stored::Absent));
    // Fold the log once, stopping at each checkpoint in turn.
    found.sort_by_key(|(_, s)| s.position());
    let mut log = LogCursor::new(store);
    let mut projections = Vec::new();
    for (name, stored) in found {
        let (position, differences) = match stored {
            Stored::Absent if !built_here => {
                projections.push(ProjectionCheck {
                    projection: name,
                    status: CheckStatus::NotBuilt,
                    position: None,
                    differences: vec![],
                });
                continue;
            }
            Stored::Absent => (
                None,
                vec![Difference::absent(
                    name.tables()[0].name,
                    "projection_missing",
                )],
            ),
            Stored::Incomplete {
                position,
                differences,
            } => (position, differences),
            Stored::Complete { checkpoint, rows } => {
                log.advance_to(checkpoint.position).await?;
                let mut differences = Vec::new();
                for (table, stored) in name.tables().iter().zip(rows) {
                    let expected = log.fold.rows(table, org).collect();
                    differences.extend(compare(table.name, expected, stored));
                }
                (Some(checkpoint.position), differences)
            }
        };
        let status = match differences.is_empty() {
            true => CheckStatus::Verified,
            false => CheckStatus::Differs,
        };
        projections.push(ProjectionCheck {
            projection: name,
            status,
            position,
            differences,
        });
    }
    projections.sort_by_key(|p| p.projection);
    Ok(VerifyReport {
        chains,
        projections,
    })
}
