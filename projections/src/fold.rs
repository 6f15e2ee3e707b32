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
    /// Boxed so that growing the map moves pointers, not whole records (a rebuild holds every
    /// case of the log here).
    pub records: HashMap<String, Box<CaseRecord>>,
}

impl Fold {
    /// The record of case `id`, a new one if the fold has not seen the case.
    pub fn record(&mut self, id: String) -> &mut CaseRecord {
        self.records
            .entry(id)
            .or_insert_with_key(|id| Box::new(CaseRecord::new(id.clone())))
    }

    /// Applies one entry; returns the case it changed (none for other aggregates).
    pub fn apply(&mut self, entry: Entry) -> Option<&str> {
        let event = entry.event?;
        let record = self.record(entry.case_id);
        record.apply(entry.sequence, event);
        Some(&record.id)
    }

    /// Every row of `table`, case by case (derived as the iterator is consumed).
    pub fn rows<'a>(
        &'a self,
        table: &'a Table,
        org: &'a Organisation,
    ) -> impl Iterator<Item = Row> + Send + 'a {
        self.records
            .values()
            .flat_map(move |record| (table.rows)(record, org))
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
        let rows = ids
            .iter()
            .filter_map(|id| self.records.get(id))
            .flat_map(|record| (table.rows)(record, org));
        statements.extend(inserts(name, &table.column_names(), rows));
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
