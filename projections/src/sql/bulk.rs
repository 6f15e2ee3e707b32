//! Writing many rows at once: multi-row INSERTs (a live projector's batch; SQLite's bulk load,
//! through one [`Writer`]) and `COPY` (PostgreSQL's bulk load).

use shaobao_services::store::{copy, Store, StoreError};
use sqlx::PgConnection;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{execute, placeholders, Row, Statement, Value};

/// The most arguments one statement takes (SQLite allows 32,766; PostgreSQL 65,535).
const MAX_ARGUMENTS: usize = 30_000;
/// Rows per INSERT: large enough to amortise the round trip, small enough to plan quickly.
const MAX_ROWS_PER_INSERT: usize = 1_000;

/// Rows per INSERT for a table of `columns` columns, under both limits.
fn rows_per_insert(columns: usize) -> usize {
    (MAX_ARGUMENTS / columns.max(1)).clamp(1, MAX_ROWS_PER_INSERT)
}

/// Multi-row INSERTs of `rows` into `table` (`columns` in order), chunked under the limits.
pub fn inserts(
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Row>,
) -> Vec<Statement> {
    let per_statement = rows_per_insert(columns.len());
    // Every full chunk has the same text: written once (a bulk load makes hundreds of them).
    let mut full_chunk: Option<String> = None;
    let mut statements = Vec::new();
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<Row> = rows.by_ref().take(per_statement).collect();
        let sql = match chunk.len() == per_statement {
            true => full_chunk
                .get_or_insert_with(|| insert_sql(table, columns, per_statement))
                .clone(),
            false => insert_sql(table, columns, chunk.len()),
        };
        statements.push(Statement::sequential(
            sql,
            chunk.into_iter().flatten().collect(),
        ));
    }
    statements
}

/// `INSERT INTO table (columns) VALUES ($1, $2), ($3, $4)…` for `rows` rows.
fn insert_sql(table: &str, columns: &[&str], rows: usize) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        let first = r * columns.len() + 1;
        sql.push_str(&placeholders(first, columns.len()));
        sql.push(')');
    }
    sql
}

/// `COPY`s `rows` into `table` (PostgreSQL's bulk load), deriving them as the copy goes.
pub async fn copy_in(
    connection: &mut PgConnection,
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Row>,
) -> Result<(), StoreError> {
    let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
    copy::copy_rows(connection, &statement, rows, |buffer, row| {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                buffer.push('\t');
            }
            copy_field(buffer, value);
        }
    })
    .await?;
    Ok(())
}

/// SQLite's bulk load: SQLite has one writer, so one task runs every statement of a load, in the
/// order sent, a transaction per batch. SQLite works on its connection's own thread, so deriving
/// the next rows (and the next table's) overlaps with it storing and indexing these.
pub struct Writer {
    batches: mpsc::Sender<Vec<Statement>>,
    task: JoinHandle<Result<(), StoreError>>,
}

impl Writer {
    pub fn start(store: &Store) -> Writer {
        let (batches, mut to_write) = mpsc::channel::<Vec<Statement>>(2);
        let store = store.clone();
        let task = tokio::spawn(async move {
            while let Some(batch) = to_write.recv().await {
                execute(&store, &batch).await?;
            }
            Ok(())
        });
        Writer { batches, task }
    }

    /// Queues statements to run in one transaction; `false` once the writer has failed (its
    /// error comes from [`Writer::finish`]).
    pub async fn send(&self, batch: Vec<Statement>) -> bool {
        self.batches.send(batch).await.is_ok()
    }

    /// Queues `rows` for `table` as large INSERTs, a few transactions' worth at a time.
    pub async fn insert(
        &self,
        table: &str,
        columns: &[&str],
        rows: impl IntoIterator<Item = Row>,
    ) -> bool {
        const INSERTS_PER_TRANSACTION: usize = 20;
        let per_transaction = INSERTS_PER_TRANSACTION * rows_per_insert(columns.len());
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch = inserts(table, columns, rows.by_ref().take(per_transaction));
            if !self.send(batch).await {
                return false;
            }
        }
        true
    }

    /// Waits until everything queued is written.
    pub async fn finish(self) -> Result<(), StoreError> {
        drop(self.batches);
        self.task
            .await
            .unwrap_or_else(|failure| std::panic::resume_unwind(failure.into_panic()))
    }
}

/// One field in COPY's text format.
fn copy_field(buffer: &mut String, value: &Value) {
    match value {
        Value::Int(Some(v)) => {
            use std::fmt::Write;
            let _ = write!(buffer, "{v}");
        }
        Value::Text(Some(text)) => copy::push_text(buffer, text),
        Value::Int(None) | Value::Text(None) => copy::push_null(buffer),
    }
}
