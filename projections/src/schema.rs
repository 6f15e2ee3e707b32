//! What the read models are: tables (one definition each, from which the live table, a rebuild's
//! shadow and its indexes are all created) and projections (named groups of tables that share a
//! checkpoint, a leader and a rebuild).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use shaobao_domain::org::Organisation;

use crate::models::{community, deadlines, inbox, queue, search, statistics, volunteers};
use crate::record::{CaseRecord, CommunityRecord};
use crate::sql::{ColType, Row, Statement};

/// One read-model table. The first column is always the id of the stream a row derives from
/// (`case_id` in the case tables): a stream's rows are replaced together whenever it changes.
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, ColType)],
    /// Column lists of secondary indexes (an index on the first column is always added).
    pub indexes: &'static [&'static str],
    /// The table's rows for one case (none for a case it does not list).
    pub rows: fn(&CaseRecord, &Organisation) -> Vec<Row>,
    /// Its rows for one community list or member registration.
    pub community_rows: fn(CommunityRecord<'_>, &Organisation) -> Vec<Row>,
}

/// `rows` of a table that lists no cases.
pub fn no_case_rows(_: &CaseRecord, _: &Organisation) -> Vec<Row> {
    Vec::new()
}

/// `community_rows` of a table that lists no community streams.
pub fn no_community_rows(_: CommunityRecord<'_>, _: &Organisation) -> Vec<Row> {
    Vec::new()
}

impl Table {
    /// The first column: the id of the stream each row derives from.
    pub fn key_column(&self) -> &'static str {
        self.columns[0].0
    }

    pub fn column_names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|(name, _)| *name).collect()
    }

    pub fn column_types(&self) -> Vec<ColType> {
        self.columns.iter().map(|(_, ty)| *ty).collect()
    }

    /// `CREATE TABLE` under `name` (the live name or a shadow's).
    pub fn create(&self, name: &str) -> Statement {
        let columns: Vec<String> = self
            .columns
            .iter()
            .map(|(column, ty)| format!("{column} {}", ty.sql()))
            .collect();
        Statement::new(
            format!("CREATE TABLE {name} ({})", columns.join(", ")),
            vec![],
        )
    }

    /// The indexes of table `name`; `generation` keeps index names unique while a shadow and the
    /// live table exist side by side (index names are per schema, and survive a table rename).
    pub fn create_indexes(&self, name: &str, generation: i64) -> Vec<Statement> {
        std::iter::once(self.key_column())
            .chain(self.indexes.iter().copied())
            .enumerate()
            .map(|(i, columns)| {
                Statement::new(
                    format!(
                        "CREATE INDEX {}_g{generation}_{i} ON {name} ({columns})",
                        self.name
                    ),
                    vec![],
                )
            })
            .collect()
    }

    /// Where a rebuild builds this table before the swap.
    pub fn shadow_name(&self) -> String {
        format!("{}__next", self.name)
    }
}

/// The projections, each a group of tables with one checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectionName {
    /// Open cases per street.
    Queue,
    /// Per department: cases dispatched to it and whistles summoning it.
    Inbox,
    /// Pending deadlines (what the deadline service watches) and alerts.
    Deadlines,
    /// Per-case assessment facts behind statistics and rankings.
    Statistics,
    /// Every case, for filtering and paging.
    Search,
    /// Published tasks and the points awarded.
    Volunteers,
    /// Community needs and resources, member registrations, and the points ledger behind
    /// scores (confirmed needs and confirmed case tasks).
    Community,
}

impl ProjectionName {
    pub const ALL: [ProjectionName; 7] = [
        ProjectionName::Queue,
        ProjectionName::Inbox,
        ProjectionName::Deadlines,
        ProjectionName::Statistics,
        ProjectionName::Search,
        ProjectionName::Volunteers,
        ProjectionName::Community,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectionName::Queue => "queue",
            ProjectionName::Inbox => "inbox",
            ProjectionName::Deadlines => "deadlines",
            ProjectionName::Statistics => "statistics",
            ProjectionName::Search => "search",
            ProjectionName::Volunteers => "volunteers",
            ProjectionName::Community => "community",
        }
    }

    pub fn tables(self) -> &'static [&'static Table] {
        match self {
            ProjectionName::Queue => &[&queue::TABLE],
            ProjectionName::Inbox => &[&inbox::TABLE],
            ProjectionName::Deadlines => &[&deadlines::PENDING, &deadlines::ALERTS],
            ProjectionName::Statistics => &[
                &statistics::CASES,
                &statistics::OBLIGATIONS,
                &statistics::SUMMONS,
            ],
            ProjectionName::Search => &[&search::TABLE],
            ProjectionName::Volunteers => &[&volunteers::TABLE],
            ProjectionName::Community => &[
                &community::NEEDS,
                &community::RESOURCES,
                &community::MEMBERS,
                &community::POINTS,
            ],
        }
    }

    /// Fingerprint of the tables' definitions and of how rows are derived: a stored checkpoint
    /// with another version means the tables must be rebuilt.
    pub fn schema_version(self) -> String {
        // Bump when a row derivation changes without a table definition changing.
        const ROWS_REVISION: u32 = 1;
        let mut digest = Sha256::new();
        digest.update(ROWS_REVISION.to_le_bytes());
        for table in self.tables() {
            digest.update(table.create(table.name).sql.as_bytes());
            digest.update(table.indexes.join(";").as_bytes());
        }
        hex::encode(&digest.finalize()[..8])
    }
}

impl fmt::Display for ProjectionName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A projection name that does not exist.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("unknown projection {0:?} (expected one of queue, inbox, deadlines, statistics, search, volunteers, community)")]
pub struct UnknownProjection(pub String);

impl FromStr for ProjectionName {
    type Err = UnknownProjection;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ProjectionName::ALL
            .into_iter()
            .find(|p| p.as_str() == name)
            .ok_or_else(|| UnknownProjection(name.to_string()))
    }
}
