//! A live catch-up projector: reads the log after its checkpoint in batches, folds the events into
//! the stream records it keeps in memory (a record it has not seen is replayed from its stream),
//! and replaces the changed streams' rows and the checkpoint in one transaction.

use std::collections::HashMap;
use std::sync::Arc;

use shaobao_domain::org::Organisation;
use shaobao_services::store::Store;

use crate::checkpoint::{self, Checkpoint};
use crate::error::ProjectionError;
use crate::fold::{distinct, Fold};
use crate::log;
use crate::schema::ProjectionName;
use crate::sql::{transaction, without_waiting_for_disk, Statement};

pub struct Projector {
    name: ProjectionName,
    store: Store,
    org: Arc<Organisation>,
    checkpoint: Checkpoint,
    /// Records of recently changed streams, current as of the checkpoint.
    fold: Fold,
    cache_capacity: usize,
    /// Test hook: abandon the batch in which this many events have been applied.
    crash_after_events: Option<u64>,
    applied: u64,
}

/// How a projector runs.
#[derive(Debug, Clone)]
pub struct ProjectorSettings {
    pub cache_capacity: usize,
    pub crash_after_events: Option<u64>,
}

impl Projector {
    /// Resumes from the stored checkpoint; rebuilds first when there is none yet or the tables were
    /// built by another definition.
    pub async fn resume(
        store: &Store,
        org: Arc<Organisation>,
        name: ProjectionName,
        settings: &ProjectorSettings,
    ) -> Result<Projector, ProjectionError> {
        let current = checkpoint::load(store, name).await?;
        let checkpoint = match current {
            Some(c) if c.schema_version == name.schema_version() => c,
            _ => {
                crate::rebuild::rebuild(store, &org, &[name], |_| {}).await?;
                checkpoint::load(store, name)
                    .await?
                    .ok_or(ProjectionError::CheckpointMoved(name.as_str()))?
            }
        };
        Ok(Projector {
            name,
            store: store.clone(),
            org,
            checkpoint,
            fold: Fold::default(),
            cache_capacity: settings.cache_capacity,
            crash_after_events: settings.crash_after_events,
            applied: 0,
        })
    }

    /// Projects up to `limit` events; returns how many were read (0: caught up).
    pub async fn step(&mut self, limit: u32) -> Result<usize, ProjectionError> {
        let entries = log::read(&self.store, self.checkpoint.position, limit).await?;
        let Some(last) = entries.last().map(|e| e.position) else {
            return Ok(0);
        };
        let count = entries.len();
        if self.fold.streams() > self.cache_capacity {
            self.fold.clear();
        }
        self.load_missing(&entries).await?;
        let touched = distinct(
            entries
                .into_iter()
                .filter_map(|e| self.fold.apply(e).map(str::to_owned)),
        );
        let mut statements = Vec::new();
        for table in self.name.tables() {
            statements.extend(self.fold.replace(table, table.name, &touched, &self.org));
        }
        self.applied += count as u64;
        let crash = self.crash_after_events.is_some_and(|n| self.applied >= n);
        if crash {
            // Fails inside the transaction, after the checkpoint and rows were written.
            statements.push(Statement::new(
                "INSERT INTO injected_crash VALUES (1)",
                vec![],
            ));
        }
        statements.extend(without_waiting_for_disk(&self.store));
        let guard = checkpoint::advance(self.name, &self.checkpoint, last);
        let committed = transaction(&self.store, Some(&guard), &statements).await;
        if crash {
            return Err(ProjectionError::InjectedCrash(self.name.as_str()));
        }
        if !committed? {
            return Err(ProjectionError::CheckpointMoved(self.name.as_str()));
        }
        self.checkpoint.position = last;
        Ok(count)
    }

    /// Replays, up to just before this batch, every stream the batch touches that is not cached
    /// at exactly that point.
    async fn load_missing(&mut self, entries: &[log::Entry]) -> Result<(), ProjectionError> {
        let mut first: HashMap<&str, i64> = HashMap::new();
        for entry in entries.iter().filter(|e| e.event.is_some()) {
            first
                .entry(entry.stream_id.as_str())
                .or_insert(entry.sequence);
        }
        let mut missing = Vec::new();
        for (id, sequence) in first {
            if self.fold.version(id) == Some(sequence - 1) {
                continue;
            }
            self.fold.forget(id);
            if sequence > 1 {
                missing.push((id.to_string(), sequence));
            }
        }
        for (id, sequence, event) in log::histories(&self.store, &missing).await? {
            self.fold.apply_event(id, sequence, event);
        }
        Ok(())
    }
}
