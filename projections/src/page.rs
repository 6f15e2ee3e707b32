//! Keyset paging shared by every list: rows are ordered by `(sort_ns, item_key)` and the `next`
//! token names the last row returned, so pages stay stable while rows are added elsewhere.

use serde::Serialize;
use shaobao_services::store::{Store, StoreError};

use crate::sql::{fetch, ColType, Row, Statement, Value};

/// DESIGN §6 list shape: `{"items": [...], "next": TOKEN|null}`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// Which page: after the row a `next` token names (from the start when `None`), at most `limit`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub after: Option<String>,
    pub limit: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        PageRequest {
            after: None,
            limit: 50,
        }
    }
}

/// The most rows one page returns, whatever was asked.
pub const MAX_PAGE: u32 = 500;

/// A `next` token that was not produced by this service.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("malformed page token {0:?}")]
pub struct BadPageToken(pub String);

fn parse_token(token: &str) -> Result<(i64, String), BadPageToken> {
    let bad = || BadPageToken(token.to_string());
    let (sort, key) = token.split_once('~').ok_or_else(bad)?;
    Ok((sort.parse().map_err(|_| bad())?, key.to_string()))
}

/// Ascending (soonest first) or descending (newest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Ascending,
    Descending,
}

/// A filtered, ordered page of `table`: `filters` are SQL conditions with `$n` numbered from 1
/// over `args`. Returns the rows (the selected columns, decoded by `types`) and the next token.
pub struct ListQuery<'a> {
    pub table: &'a str,
    pub columns: &'a [&'a str],
    pub types: &'a [ColType],
    pub filters: Vec<String>,
    pub args: Vec<Value>,
    pub order: Order,
}

impl ListQuery<'_> {
    /// Adds `column = $n` for each `(column, value)` whose value is set.
    pub fn equal(mut self, pairs: &[(&str, &Option<String>)]) -> Self {
        for (column, value) in pairs {
            if let Some(value) = value {
                self.args.push(Value::text(value));
                self.filters
                    .push(format!("{column} = ${}", self.args.len()));
            }
        }
        self
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ListError {
    #[error(transparent)]
    Token(#[from] BadPageToken),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ListQuery<'_> {
    pub async fn page(
        mut self,
        store: &Store,
        request: &PageRequest,
    ) -> Result<(Vec<Row>, Option<String>), ListError> {
        let (cmp, dir) = match self.order {
            Order::Ascending => (">", "ASC"),
            Order::Descending => ("<", "DESC"),
        };
        if let Some(token) = &request.after {
            let (sort, key) = parse_token(token)?;
            let n = self.args.len();
            self.filters.push(format!(
                "(sort_ns, item_key) {cmp} (${}, ${})",
                n + 1,
                n + 2
            ));
            self.args.extend([Value::int(sort), Value::text(key)]);
        }
        let limit = request.limit.clamp(1, MAX_PAGE);
        let filters = match self.filters.is_empty() {
            true => String::new(),
            false => format!("WHERE {}", self.filters.join(" AND ")),
        };
        let sql = format!(
            "SELECT sort_ns, item_key, {} FROM {} {filters} ORDER BY sort_ns {dir}, item_key {dir} LIMIT {}",
            self.columns.join(", "),
            self.table,
            limit + 1
        );
        let mut types = vec![ColType::Int, ColType::Text];
        types.extend_from_slice(self.types);
        let mut rows = fetch(store, &Statement::new(sql, self.args), &types).await?;
        let next = if rows.len() > limit as usize {
            rows.truncate(limit as usize);
            rows.last().map(|row| {
                format!(
                    "{}~{}",
                    row[0].as_int().unwrap_or(0),
                    row[1].as_text().unwrap_or("")
                )
            })
        } else {
            None
        };
        Ok((
            rows.into_iter().map(|row| row[2..].to_vec()).collect(),
            next,
        ))
    }
}
