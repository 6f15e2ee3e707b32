//! Folding log entries into case records, and turning changed records into the statements that
//! replace their rows: the one path both a live projector and a rebuild take.

use std::collections::HashMap;

use shaobao_domain::org::Organisation;

use crate::log::Entry;
use crate::record::CaseRecord;
use crate::schema::Table;
use crate::sql::{inserts, placeholders, Row, Statement, Value};

#[derive(Debug, Default)]
pub struct Fold {
    pub records: HashMap<String, CaseRecord>,
}

impl Fold {
    /// Applies one entry; returns the case it changed (none for other aggregates).
    pub fn apply(&mut self, entry: Entry) -> Option<String> {
        let event = entry.event?;
        let record = self
            .records
            .entry(entry.case_id)
            .or_insert_with_key(|id| CaseRecord::new(id.clone()));
        record.apply(entry.sequence, event);
        Some(record.id.clone())
    }

    /// Every row of `table` for the cases `ids` (all cases when `None`).
    pub fn rows(&self, table: &Table, ids: Option<&[String]>, org: &Organisation) -> Vec<Row> {
        let mut rows = Vec::new();
        match ids {
            Some(ids) => {
                for record in ids.iter().filter_map(|id| self.records.get(id)) {
                    rows.extend((table.rows)(record, org));
                }
            }
            None => {
                for record in self.records.values() {
                    rows.extend((table.rows)(record, org));
                }
            }
        }
        rows
    }

    /// Statements replacing the rows of cases `ids` in `table`, stored under `name`.
    pub fn replace(
        &self,
        table: &Table,
        name: &str,
        ids: &[String],
        org: &Organisation,
    ) -> Vec<Statement> {
        let mut statements: Vec<Statement> = ids
            .chunks(500)
            .map(|chunk| {
                Statement::sequential(
                    format!(
                        "DELETE FROM {name} WHERE case_id IN ({})",
                        placeholders(1, chunk.len())
                    ),
                    chunk.iter().map(Value::text).collect(),
                )
            })
            .collect();
        statements.extend(inserts(
            name,
            &table.column_names(),
            self.rows(table, Some(ids), org),
        ));
        statements
    }
}

/// Distinct ids in first-seen order.
pub fn distinct(ids: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter()
        .filter(|id| seen.insert(id.clone()))
        .collect()
}
