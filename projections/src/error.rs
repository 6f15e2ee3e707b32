use shaobao_services::store::StoreError;
use thiserror::Error;

/// Why a projector, a rebuild or a verification stopped.
#[derive(Debug, Error)]
pub enum ProjectionError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another writer moved the checkpoint (a rebuild swapped the tables in, or a process that
    /// still believed it led): the batch was discarded and the projector resumes from the store.
    #[error("checkpoint of {0} moved underneath this projector")]
    CheckpointMoved(&'static str),
    /// The process lost the projection's lease (its database connection broke).
    #[error("lease of projection {0} lost")]
    LeaseLost(&'static str),
    /// A live projector kept racing ahead of a rebuild's swap.
    #[error("rebuild of {0} could not catch up with the live projector")]
    SwapRaced(&'static str),
    /// `verify` found a broken chain or a projection that differs from its rebuild.
    #[error("verification found differences")]
    Unverified,
    /// The test hook `crash_after_events` fired: the batch was abandoned before its commit.
    #[error("injected crash in projector {0}")]
    InjectedCrash(&'static str),
}
