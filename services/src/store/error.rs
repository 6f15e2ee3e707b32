use thiserror::Error;

/// What can go wrong talking to the store, in terms a caller can act on.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database URL is neither `postgres://…` nor `sqlite:…`.
    #[error("unsupported database URL {0:?}: expected postgres://… or sqlite:…")]
    UnsupportedUrl(String),
    /// The database cannot be reached or refused the connection.
    #[error("database unavailable: {0}")]
    Unavailable(#[source] sqlx::Error),
    /// A migration failed or the database holds migrations this build does not know.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored row could not be decoded (a corrupt or foreign table).
    #[error("corrupt event row: {0}")]
    Corrupt(String),
    /// Any other database error.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match err {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => StoreError::Unavailable(err),
            other => StoreError::Database(other),
        }
    }
}
