//! Backend-neutral SQL: read-model rows are lists of [`Value`]s, statements are SQL text (written
//! once, `$n` arguments, valid on PostgreSQL and SQLite) plus arguments, and [`with_pool!`] runs
//! the same code against either pool.

mod bulk;

use shaobao_services::store::{Store, StoreError};
use shaobao_services::with_pool;

pub use bulk::{copy_in, inserts, Writer};

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

/// On PostgreSQL, a statement that lets its transaction's commit return before the WAL reaches
/// the disk. Only for projector batches: their rows and checkpoint share the transaction and the
/// WAL replays in order, so a crash loses a suffix of batches, which are projected again from the
/// (durably committed) log. Each projector committing once per wake-up used to wait for the disk
/// six times per command burst, halving the server's command capacity.
pub fn without_waiting_for_disk(store: &Store) -> Option<Statement> {
    matches!(store, Store::Postgres(_))
        .then(|| Statement::new("SET LOCAL synchronous_commit = off", vec![]))
}

/// Runs statements outside any transaction (DDL that prepares a shadow table).
pub async fn execute(store: &Store, statements: &[Statement]) -> Result<(), StoreError> {
    transaction(store, None, statements).await.map(drop)
}

/// Runs statements one by one on a PostgreSQL connection already held (a rebuild's DDL, next to
/// its `COPY` on the same connection).
pub async fn execute_on(
    connection: &mut sqlx::PgConnection,
    statements: &[Statement],
) -> Result<(), StoreError> {
    for statement in statements {
        bind_all!(sqlx::query(&statement.sql), &statement.args)
            .execute(&mut *connection)
            .await?;
    }
    Ok(())
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
