//! Folding log entries into stream records (cases, community lists, member registrations), and
//! turning changed records into the statements that replace their rows: the one path both a live
//! projector and a rebuild take.

use std::collections::HashMap;

use cqrs_es::Aggregate;
use shaobao_domain::org::Organisation;

use crate::log::{Entry, LogEvent};
use crate::record::{CaseRecord, CommunityRecord, ListRecord, MemberRecord};
use crate::schema::Table;
use crate::sql::{inserts, placeholders, Row, Statement, Value};

#[derive(Debug, Default)]
pub struct Fold {
    /// Cases by id. Boxed so that growing the map moves pointers, not whole records (a rebuild
    /// holds every case of the log here).
    pub records: HashMap<String, Box<CaseRecord>>,
    /// Community lists by stream id (`community/<code>`).
    pub lists: HashMap<String, Box<ListRecord>>,
    /// Member registrations by stream id (`member/<id>`).
    pub members: HashMap<String, Box<MemberRecord>>,
}

impl Fold {
    /// The record of case `id`, a new one if the fold has not seen the case.
    pub fn record(&mut self, id: String) -> &mut CaseRecord {
        self.records
            .entry(id)
            .or_insert_with_key(|id| Box::new(CaseRecord::new(id.clone())))
    }

    /// Applies one entry; returns the stream it changed (none for other aggregates).
    pub fn apply(&mut self, entry: Entry) -> Option<&str> {
        let event = entry.event?;
        Some(self.apply_event(entry.stream_id, entry.sequence, event))
    }

    /// Applies event number `sequence` of stream `id`; returns the stream id.
    pub fn apply_event(&mut self, id: String, sequence: i64, event: LogEvent) -> &str {
        match event {
            LogEvent::Case(event) => {
                let record = self.record(id);
                record.apply(sequence, event);
                &record.id
            }
            LogEvent::Community(event) => {
                let record = self
                    .lists
                    .entry(id)
                    .or_insert_with_key(|id| Box::new(ListRecord::new(id.clone())));
                record.version = sequence;
                record.list.apply(event);
                &record.id
            }
            LogEvent::Member(event) => {
                let record = self
                    .members
                    .entry(id)
                    .or_insert_with_key(|id| Box::new(MemberRecord::new(id.clone())));
                record.version = sequence;
                record.member.apply(event);
                &record.id
            }
        }
    }

    /// The version the fold holds of stream `id`, if it holds it.
    pub fn version(&self, id: &str) -> Option<i64> {
        self.records
            .get(id)
            .map(|r| r.version)
            .or_else(|| self.lists.get(id).map(|r| r.version))
            .or_else(|| self.members.get(id).map(|r| r.version))
    }

    /// Forgets stream `id`.
    pub fn forget(&mut self, id: &str) {
        self.records.remove(id);
        self.lists.remove(id);
        self.members.remove(id);
    }

    /// How many streams the fold holds.
    pub fn streams(&self) -> usize {
        self.records.len() + self.lists.len() + self.members.len()
    }

    /// Forgets every stream.
    pub fn clear(&mut self) {
        self.records.clear();
        self.lists.clear();
        self.members.clear();
    }

    /// Every row of `table`, stream by stream (derived as the iterator is consumed).
    pub fn rows<'a>(
        &'a self,
        table: &'a Table,
        org: &'a Organisation,
    ) -> impl Iterator<Item = Row> + Send + 'a {
        let cases = self
            .records
            .values()
            .flat_map(move |record| (table.rows)(record, org));
        let lists = self
            .lists
            .values()
            .flat_map(move |r| (table.community_rows)(CommunityRecord::List(r), org));
        let members = self
            .members
            .values()
            .flat_map(move |r| (table.community_rows)(CommunityRecord::Member(r), org));
        cases.chain(lists).chain(members)
    }

    /// The rows of `table` for stream `id`.
    fn rows_of(&self, table: &Table, id: &str, org: &Organisation) -> Vec<Row> {
        if let Some(record) = self.records.get(id) {
            (table.rows)(record, org)
        } else if let Some(record) = self.lists.get(id) {
            (table.community_rows)(CommunityRecord::List(record), org)
        } else if let Some(record) = self.members.get(id) {
            (table.community_rows)(CommunityRecord::Member(record), org)
        } else {
            vec![]
        }
    }

    /// Statements replacing the rows of streams `ids` in `table`, stored under `name`.
    pub fn replace(
        &self,
        table: &Table,
        name: &str,
        ids: &[String],
        org: &Organisation,
    ) -> Vec<Statement> {
        let key = table.key_column();
        let mut statements: Vec<Statement> = ids
            .chunks(500)
            .map(|chunk| {
                Statement::sequential(
                    format!(
                        "DELETE FROM {name} WHERE {key} IN ({})",
                        placeholders(1, chunk.len())
                    ),
                    chunk.iter().map(Value::text).collect(),
                )
            })
            .collect();
        let rows = ids.iter().flat_map(|id| self.rows_of(table, id, org));
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
