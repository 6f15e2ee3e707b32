//! Scratch databases for the benchmark, so it never touches real data: on PostgreSQL a new
//! database `shaobao_bench_<random>_<label>` on the server of the given URL, dropped afterwards;
//! on SQLite a file in a temporary directory, removed afterwards.

use sqlx::{Connection, Executor, PgConnection};
use tempfile::TempDir;

use super::error::SimError;

pub struct ScratchDatabase {
    pub url: String,
    /// PostgreSQL: the URL the database was created from, and its name.
    created_on: Option<(String, String)>,
    _dir: Option<TempDir>,
}

impl ScratchDatabase {
    /// A new, empty database beside `server_url`'s (same server, same credentials).
    pub async fn create(server_url: &str, label: &str) -> Result<ScratchDatabase, SimError> {
        if server_url.starts_with("sqlite:") {
            let dir = tempfile::tempdir().map_err(|source| SimError::Write {
                path: std::env::temp_dir(),
                source,
            })?;
            let url = format!(
                "sqlite:{}",
                dir.path().join(format!("{label}.db")).display()
            );
            return Ok(ScratchDatabase {
                url,
                created_on: None,
                _dir: Some(dir),
            });
        }
        if !server_url.starts_with("postgres://") && !server_url.starts_with("postgresql://") {
            return Err(SimError::Config(
                "the benchmark needs a postgres://… or sqlite:… database URL".into(),
            ));
        }
        let random = uuid::Uuid::new_v4().simple().to_string();
        let name = format!("shaobao_bench_{}_{label}", &random[..12]);
        let mut admin = PgConnection::connect(server_url).await?;
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await?;
        let (base, query) = match server_url.split_once('?') {
            Some((base, query)) => (base, format!("?{query}")),
            None => (server_url, String::new()),
        };
        let server = base.rsplit_once('/').map_or(base, |(server, _)| server);
        Ok(ScratchDatabase {
            url: format!("{server}/{name}{query}"),
            created_on: Some((server_url.to_string(), name)),
            _dir: None,
        })
    }

    /// Drops the database (closing any connection left) or removes the file.
    pub async fn remove(self) -> Result<(), SimError> {
        if let Some((server_url, name)) = &self.created_on {
            let mut admin = PgConnection::connect(server_url).await?;
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            admin.execute(sql.as_str()).await?;
        }
        Ok(())
    }
}
