//! Backend-neutral SQL: read-model rows are lists of [`Value`]s, statements are SQL text (written
//! once, `$n` arguments, valid on PostgreSQL and SQLite) plus arguments, and [`with_pool!`] runs
//! the same code against either pool.

use shaobao_services::store::{Store, StoreError};
use shaobao_services::with_pool;

/// One column value. Nulls are typed because PostgreSQL checks the type of every argument.
#[derive(Debug, Clone, PartialEq, PartialOrd)]
pub enum Value {
    Int(Option<i64>),
    Text(Option<String>),
}

impl Value {
    pub fn int(v: impl Into<i64>) -> Value {
        Value::Int(Some(v.into()))
    }

    pub fn text(v: impl Into<String>) -> Value {
        Value::Text(Some(v.into()))
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(v) => *v,
            _ => None,
        }
    }

    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(v) => v.as_deref(),
            _ => None,
        }
    }

    /// Takes the text out (for building rows of owned strings).
    pub fn into_text(self) -> Option<String> {
        match self {
            Value::Text(v) => v,
            _ => None,
        }
    }
}

pub type Row = Vec<Value>;

/// The SQL type of a read-model column (integers, instants as ns, flags as 0/1; or text); the
/// names are understood by both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Int,
    Text,
}

impl ColType {
    pub fn sql(self) -> &'static str {
        match self {
            ColType::Int => "BIGINT",
            ColType::Text => "TEXT",
        }
    }
}

/// A statement with its arguments.
#[derive(Debug, Clone)]
pub struct Statement {
    pub sql: String,
    pub args: Vec<Value>,
    /// Every `$n` appears once, in order: on SQLite they can become anonymous `?`s.
    sequential: bool,
}

impl Statement {
    pub fn new(sql: impl Into<String>, args: Vec<Value>) -> Self {
        Statement {
            sql: sql.into(),
            args,
            sequential: false,
        }
    }

    /// A statement whose `$1, $2, …` appear once each, in order (bulk inserts and deletes).
    pub fn sequential(sql: String, args: Vec<Value>) -> Self {
        Statement {
            sequential: true,
            ..Statement::new(sql, args)
        }
    }

    /// The text to run on `store`. SQLite looks a numbered parameter up by a linear scan, which
    /// makes binding thousands of them quadratic; anonymous ones are bound by position.
    fn text(&self, store: &Store) -> std::borrow::Cow<'_, str> {
        if !(self.sequential && matches!(store, Store::Sqlite(_))) {
            return self.sql.as_str().into();
        }
        let mut text = String::with_capacity(self.sql.len());
        let mut chars = self.sql.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                text.push('?');
            } else {
                text.push(c);
            }
        }
        text.into()
    }
}

/// Binds every value in order (a macro because the query type differs per backend).
macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for value in $args {
            query = match value {
                Value::Int(v) => query.bind(*v),
                Value::Text(v) => query.bind(v.as_deref()),
            };
        }
        query
    }};
}

/// Runs statements in one transaction. `guard` (if any) runs first and must change exactly one
/// row, or nothing is committed and `Ok(false)` is returned: the compare-and-set that keeps a
/// projector that lost its lease from overwriting a newer checkpoint.
pub async fn transaction(
    store: &Store,
    guard: Option<&Statement>,
    statements: &[Statement],
) -> Result<bool, StoreError> {
    // SQLite: take the write lock up front (waiting out the busy timeout); a deferred transaction
    // that upgrades after another writer committed fails at once with "database is locked".
    let begin = match store {
        Store::Postgres(_) => "BEGIN",
        Store::Sqlite(_) => "BEGIN IMMEDIATE",
    };
    with_pool!(store, pool => {
        let mut tx = pool.begin_with(begin).await?;
        if let Some(guard) = guard {
            let text = guard.text(store);
            let done = bind_all!(sqlx::query(&text), &guard.args)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
        }
        for statement in statements {
            let text = statement.text(store);
            bind_all!(sqlx::query(&text), &statement.args)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(true)
}

/// Decodes one row by the given column types.
fn decode<'r, R>(row: &'r R, types: &[ColType]) -> Result<Row, StoreError>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let value = |i: usize, ty: &ColType| -> Result<Value, sqlx::Error> {
        Ok(match ty {
            ColType::Int => Value::Int(row.try_get(i)?),
            ColType::Text => Value::Text(row.try_get(i)?),
        })
    };
    types
        .iter()
        .enumerate()
        .map(|(i, ty)| value(i, ty).map_err(StoreError::from))
        .collect()
}

/// Runs a query and decodes each row by the given column types.
pub async fn fetch(
    store: &Store,
    query: &Statement,
    types: &[ColType],
) -> Result<Vec<Row>, StoreError> {
    with_pool!(store, pool => {
        let rows = bind_all!(sqlx::query(&query.sql), &query.args)
            .fetch_all(pool)
            .await?;
        rows.iter().map(|row| decode(row, types)).collect()
    })
}

/// Runs several queries on one snapshot of the database (REPEATABLE READ on PostgreSQL; a read
/// transaction is a snapshot on SQLite in WAL mode), so rows written together are read together.
pub async fn fetch_consistent(
    store: &Store,
    queries: &[(Statement, Vec<ColType>)],
) -> Result<Vec<Vec<Row>>, StoreError> {
    let is_postgres = matches!(store, Store::Postgres(_));
    with_pool!(store, pool => {
        let mut tx = pool.begin().await?;
        if is_postgres {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .execute(&mut *tx)
                .await?;
        }
        let mut results = Vec::with_capacity(queries.len());
        for (query, types) in queries {
            let rows = bind_all!(sqlx::query(&query.sql), &query.args)
                .fetch_all(&mut *tx)
                .await?;
            results.push(rows.iter().map(|row| decode(row, types)).collect::<Result<Vec<Row>, _>>()?);
        }
        tx.commit().await?;
        Ok(results)
    })
}

/// Runs statements outside any transaction (DDL that prepares a shadow table).
pub async fn execute(store: &Store, statements: &[Statement]) -> Result<(), StoreError> {
    transaction(store, None, statements).await.map(drop)
}

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

/// `$first, $first+1, …` placeholders for `count` arguments.
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads a row's values in column order.
pub struct Fields(std::vec::IntoIter<Value>);

impl Fields {
    pub fn new(row: Row) -> Self {
        Fields(row.into_iter())
    }

    pub fn text(&mut self) -> Option<String> {
        self.0.next().and_then(Value::into_text)
    }

    pub fn int(&mut self) -> Option<i64> {
        self.0.next().and_then(|v| v.as_int())
    }

    /// A JSON column (stored as text), `null` when absent or unreadable.
    pub fn json(&mut self) -> serde_json::Value {
        self.text()
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Loads `rows` into a fresh table as fast as the backend allows: `COPY` on PostgreSQL, large
/// multi-row INSERTs in a few transactions on SQLite. Rows are taken from the iterator as the
/// load goes, so deriving them overlaps with the database storing the ones before.
pub async fn bulk_load(
    store: &Store,
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Row>,
) -> Result<(), StoreError> {
    let rows = rows.into_iter();
    let Store::Postgres(pool) = store else {
        return insert_in_bulk(store, table, columns, rows).await;
    };
    let mut connection = pool.acquire().await?;
    let statement = format!("COPY {table} ({}) FROM STDIN", columns.join(", "));
    let mut copy = connection.copy_in_raw(&statement).await?;
    let mut buffer = String::with_capacity(1 << 20);
    for row in rows {
        for (i, value) in row.iter().enumerate() {
            if i > 0 {
                buffer.push('\t');
            }
            copy_field(&mut buffer, value);
        }
        buffer.push('\n');
        if buffer.len() >= 1 << 20 {
            copy.send(buffer.as_bytes()).await?;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await?;
    }
    copy.finish().await?;
    Ok(())
}

/// SQLite's bulk load: transactions of large INSERTs, written by a task of their own while the
/// next ones are derived (SQLite stores on its connection's thread, so the two overlap).
async fn insert_in_bulk(
    store: &Store,
    table: &str,
    columns: &[&str],
    mut rows: impl Iterator<Item = Row>,
) -> Result<(), StoreError> {
    const INSERTS_PER_TRANSACTION: usize = 20;
    let per_transaction = INSERTS_PER_TRANSACTION * rows_per_insert(columns.len());
    let (batches, mut to_write) = tokio::sync::mpsc::channel::<Vec<Statement>>(1);
    let writer = tokio::spawn({
        let store = store.clone();
        async move {
            while let Some(batch) = to_write.recv().await {
                execute(&store, &batch).await?;
            }
            Ok::<(), StoreError>(())
        }
    });
    loop {
        let batch = inserts(table, columns, rows.by_ref().take(per_transaction));
        // An empty batch ends the rows; a refused send means the writer failed (its error below).
        if batch.is_empty() || batches.send(batch).await.is_err() {
            break;
        }
    }
    drop(batches);
    writer
        .await
        .unwrap_or_else(|failure| std::panic::resume_unwind(failure.into_panic()))
}

/// One field in COPY's text format (`\N` for null; backslash, tab and line breaks escaped).
fn copy_field(buffer: &mut String, value: &Value) {
    match value {
        Value::Int(Some(v)) => {
            use std::fmt::Write;
            let _ = write!(buffer, "{v}");
        }
        Value::Text(Some(text)) => {
            for c in text.chars() {
                match c {
                    '\\' => buffer.push_str("\\\\"),
                    '\t' => buffer.push_str("\\t"),
                    '\n' => buffer.push_str("\\n"),
                    '\r' => buffer.push_str("\\r"),
                    c => buffer.push(c),
                }
            }
        }
        Value::Int(None) | Value::Text(None) => buffer.push_str("\\N"),
    }
}
