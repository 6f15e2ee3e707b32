//! `shaobao backup`: a consistent copy of the embedded SQLite store while it serves. PostgreSQL
//! has its own tools (pg_dump, pg_basebackup); see the README's "Backups".

use std::path::{Path, PathBuf};

use super::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error(
        "backup copies the embedded SQLite store; back up PostgreSQL with pg_basebackup or \
         pg_dump (README \"Backups\")"
    )]
    NotSqlite,
    #[error("{} already exists: a backup never overwrites, name a new file", .0.display())]
    Exists(PathBuf),
    #[error("cannot write the backup {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Copies the SQLite store into a new file at `path` with `VACUUM INTO`: one read transaction,
    /// so commands go on meanwhile and the copy is the store as of its start, compacted. The
    /// copy is written as `FILE.partial`, flushed to disk, then renamed: a file at `path` is
    /// always a whole backup.
    pub async fn backup(&self, path: &Path) -> Result<u64, BackupError> {
        let Store::Sqlite(pool) = self else {
            return Err(BackupError::NotSqlite);
        };
        if path.exists() {
            return Err(BackupError::Exists(path.to_path_buf()));
        }
        let write_error = |source| BackupError::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut partial = path.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        match std::fs::remove_file(&partial) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(write_error(err)),
            _ => {}
        }
        let target = partial
            .to_str()
            .ok_or_else(|| write_error(std::io::Error::other("the path is not UTF-8")))?;
        let copied = sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await;
        if let Err(err) = copied {
            let _ = std::fs::remove_file(&partial);
            return Err(StoreError::from(err).into());
        }
        let finish = || -> std::io::Result<u64> {
            let file = std::fs::File::open(&partial)?;
            file.sync_all()?;
            let bytes = file.metadata()?.len();
            std::fs::rename(&partial, path)?;
            Ok(bytes)
        };
        finish().map_err(|err| {
            let _ = std::fs::remove_file(&partial);
            write_error(err)
        })
    }
}
