//! The log folded afresh up to each checkpoint, and the stored rows compared with the rows that
//! fold derives.

use std::collections::VecDeque;

use shaobao_services::store::{LogPosition, Store};

use super::Difference;
use crate::error::ProjectionError;
use crate::fold::Fold;
use crate::log::{self, Entry};
use crate::sql::{Row, Value};

/// At most this many differing rows are listed per table.
const LISTED: usize = 20;

/// The log folded up to a position, moved forward projection by projection.
pub struct LogCursor<'a> {
    store: &'a Store,
    pub fold: Fold,
    read_up_to: LogPosition,
    buffered: VecDeque<Entry>,
}

impl<'a> LogCursor<'a> {
    pub fn new(store: &'a Store) -> Self {
        LogCursor {
            store,
            fold: Fold::default(),
            read_up_to: LogPosition::START,
            buffered: VecDeque::new(),
        }
    }

    pub async fn advance_to(&mut self, target: LogPosition) -> Result<(), ProjectionError> {
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
pub fn compare(
    table: &'static str,
    mut expected: Vec<Row>,
    mut stored: Vec<Row>,
) -> Vec<Difference> {
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
