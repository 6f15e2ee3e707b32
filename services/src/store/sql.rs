//! One SQL text for both backends: queries are written once with `$n` arguments and a few
//! placeholders that [`Store::sql`] fills in per backend, and run through [`with_pool!`], which
//! expands the same query code against either pool.

use super::Store;

/// Runs `$body` with `$pool` bound to whichever pool the store holds. Exported so the read-model
/// crate writes its queries once for both backends too.
#[macro_export]
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Postgres($pool) => $body,
            $crate::store::Store::Sqlite($pool) => $body,
        }
    };
}
pub(crate) use crate::with_pool;

const PG_COLUMNS: &str = "position, transaction_id::text AS tx, aggregate_type, aggregate_id, \
     sequence, event_type, event_version, payload::text AS payload, metadata::text AS metadata";
const SQLITE_COLUMNS: &str = "position, '0' AS tx, aggregate_type, aggregate_id, sequence, \
     event_type, event_version, payload, metadata";

impl Store {
    /// Fills the placeholders: `{columns}` (an event row, see `EventRow`), `{tx}` (the transaction
    /// id as text; '0' on SQLite) and `{meta:KEY}` (a metadata field as text).
    pub(crate) fn sql(&self, template: &str) -> String {
        let (columns, tx) = match self {
            Store::Postgres(_) => (PG_COLUMNS, "transaction_id::text"),
            Store::Sqlite(_) => (SQLITE_COLUMNS, "'0'"),
        };
        let mut sql = template.replace("{columns}", columns).replace("{tx}", tx);
        while let Some(start) = sql.find("{meta:") {
            let end = start + sql[start..].find('}').expect("unterminated {meta:KEY}");
            let key = &sql[start + 6..end];
            let field = match self {
                Store::Postgres(_) => format!("(metadata ->> '{key}')"),
                Store::Sqlite(_) => format!("json_extract(metadata, '$.{key}')"),
            };
            sql.replace_range(start..=end, &field);
        }
        sql
    }
}
