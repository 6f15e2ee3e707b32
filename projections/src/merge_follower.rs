//! The merge follower: completes merges, unmerges and closes-with-primary that a crash left
//! half-done between the two streams (DESIGN §3: "a log-driven step that is idempotent and
//! survives a crash between the two").
//!
//! It finds unfinished pairs in the hot-spot read model (built from the log), re-reads both
//! streams (the authority, never the read model) and runs the due steps through the case service
//! (`CaseService::complete_duplicate`), each with an idempotency key derived from what it
//! completes. A lease keeps it to one process at a time; running twice would still record each
//! step once.

use std::sync::Arc;

use shaobao_services::cases::CaseService;
use shaobao_services::store::Store;

use crate::error::ProjectionError;
use crate::models::hotspots::unfinished_duplicates;

/// Pairs handled per pass.
const PAIRS_PER_PASS: u32 = 200;

pub struct MergeFollower {
    pub store: Store,
    pub cases: Arc<CaseService>,
}

impl MergeFollower {
    /// One pass over the unfinished pairs; returns how many it worked on.
    pub async fn pass(&self) -> Result<usize, ProjectionError> {
        let pairs = unfinished_duplicates(&self.store, PAIRS_PER_PASS).await?;
        for (duplicate, primary) in &pairs {
            if let Err(err) = self.cases.complete_duplicate(duplicate, primary).await {
                tracing::warn!(duplicate, primary, %err, "duplicate step failed; retrying later");
            }
        }
        Ok(pairs.len())
    }
}
