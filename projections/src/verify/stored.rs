//! What verification finds of one projection in the database: its checkpoint and every row read
//! on one snapshot, or which parts of it are not there.

use std::collections::HashSet;

use shaobao_services::store::{LogPosition, Store, StoreError};

use super::Difference;
use crate::checkpoint::{self, Checkpoint};
use crate::error::ProjectionError;
use crate::schema::ProjectionName;
use crate::sql::{fetch, fetch_consistent, ColType, Fields, Row, Statement, Value};

pub enum Stored {
    /// The checkpoint and the rows of every table, read together.
    Complete {
        checkpoint: Checkpoint,
        rows: Vec<Vec<Row>>,
    },
    /// Some of it is there, not all, or it was built by another definition.
    Incomplete {
        position: Option<LogPosition>,
        differences: Vec<Difference>,
    },
    /// Neither a checkpoint nor a table.
    Absent,
}

impl Stored {
    pub async fn read(
        store: &Store,
        name: ProjectionName,
        existing: &HashSet<String>,
    ) -> Result<Stored, ProjectionError> {
        let tables = name.tables();
        let missing: Vec<&'static str> = tables
            .iter()
            .map(|t| t.name)
            .filter(|t| !existing.contains(*t))
            .collect();
        let Some(current) = checkpoint::load(store, name).await? else {
            if missing.len() == tables.len() {
                return Ok(Stored::Absent);
            }
            let differences = tables
                .iter()
                .filter(|t| existing.contains(t.name))
                .map(|t| Difference::absent(t.name, "checkpoint_missing"))
                .collect();
            return Ok(Stored::Incomplete {
                position: None,
                differences,
            });
        };
        let position = Some(current.position);
        if current.schema_version != name.schema_version() {
            let outdated = Difference {
                row: vec![current.schema_version.into(), name.schema_version().into()],
                ..Difference::absent(tables[0].name, "schema_outdated")
            };
            return Ok(Stored::Incomplete {
                position,
                differences: vec![outdated],
            });
        }
        if !missing.is_empty() {
            let differences = missing
                .into_iter()
                .map(|t| Difference::absent(t, "table_missing"))
                .collect();
            return Ok(Stored::Incomplete {
                position,
                differences,
            });
        }
        Ok(match read_together(store, name).await? {
            Some((checkpoint, rows)) => Stored::Complete { checkpoint, rows },
            // Dropped since it was looked at: a rebuild is swapping it in; read again later.
            None => Stored::Incomplete {
                position,
                differences: vec![Difference::absent(tables[0].name, "checkpoint_missing")],
            },
        })
    }

    /// The checkpoint's position, where there is one.
    pub fn position(&self) -> Option<LogPosition> {
        match self {
            Stored::Complete { checkpoint, .. } => Some(checkpoint.position),
            Stored::Incomplete { position, .. } => *position,
            Stored::Absent => None,
        }
    }
}

/// A projection's checkpoint and all its rows, read on one snapshot.
async fn read_together(
    store: &Store,
    name: ProjectionName,
) -> Result<Option<(Checkpoint, Vec<Vec<Row>>)>, StoreError> {
    use ColType::*;
    let mut queries = vec![(
        Statement::new(
            "SELECT transaction_id, position, schema_version, generation FROM projection_checkpoints WHERE name = $1",
            vec![Value::text(name.as_str())],
        ),
        vec![Int, Int, Text, Int],
    )];
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

/// The names of the tables in the database (the current schema on PostgreSQL).
pub async fn existing_tables(store: &Store) -> Result<HashSet<String>, StoreError> {
    let sql = match store {
        Store::Postgres(_) => {
            "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()"
        }
        Store::Sqlite(_) => "SELECT name FROM sqlite_master WHERE type = 'table'",
    };
    let rows = fetch(store, &Statement::new(sql, vec![]), &[ColType::Text]).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| Fields::new(row).text())
        .collect())
}
