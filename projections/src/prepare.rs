//! Before a server answers reads, every projection's tables must exist: otherwise the first reads
//! after a fresh start would fail with "no such table" while the projectors get going. On an empty
//! or young log building them takes moments; a database restored without its read models gets them
//! rebuilt before the server serves.

use std::time::Duration;

use shaobao_domain::org::Organisation;
use shaobao_services::leader::Lease;
use shaobao_services::store::Store;

use crate::error::ProjectionError;
use crate::schema::ProjectionName;
use crate::{checkpoint, rebuild};

/// Builds every projection that has never been built.
pub async fn ensure_built(store: &Store, org: &Organisation) -> Result<(), ProjectionError> {
    if never_built(store).await?.is_empty() {
        return Ok(());
    }
    // Two servers starting together: one builds, the other finds the work done.
    let _lease = Lease::acquire(store, "projections:prepare", Duration::from_millis(200)).await;
    let missing = never_built(store).await?;
    if !missing.is_empty() {
        tracing::info!(projections = ?missing, "building read models before serving");
        rebuild(store, org, &missing, |_| {}).await?;
    }
    Ok(())
}

async fn never_built(store: &Store) -> Result<Vec<ProjectionName>, ProjectionError> {
    let mut missing = Vec::new();
    for name in ProjectionName::ALL {
        if checkpoint::load(store, name).await?.is_none() {
            missing.push(name);
        }
    }
    Ok(missing)
}
