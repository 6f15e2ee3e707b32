//! The relay's checkpoint (migration 0020): the last event whose messages JetStream acknowledged,
//! and how many events of the log lie beyond it.

use crate::store::sql::with_pool;
use crate::store::{LogPosition, Store, StoreError};

/// The position stored by the last [`save`].
pub(crate) async fn load(store: &Store) -> Result<LogPosition, StoreError> {
    let sql = "SELECT position FROM relay_checkpoint WHERE id = 1";
    let (token,): (String,) = with_pool!(store, pool => sqlx::query_as(sql).fetch_one(pool).await?);
    token
        .parse()
        .map_err(|e| StoreError::Corrupt(format!("relay checkpoint: {e}")))
}

/// Records that every event up to `position` is in the stream.
pub(crate) async fn save(store: &Store, position: LogPosition) -> Result<(), StoreError> {
    let sql = "UPDATE relay_checkpoint SET position = $1 WHERE id = 1";
    let token = position.to_string();
    with_pool!(store, pool => sqlx::query(sql).bind(&token).execute(pool).await.map(drop)?);
    Ok(())
}

/// Events committed (or still committing) after `position`: the relay's lag.
pub(crate) async fn events_after(store: &Store, position: LogPosition) -> Result<u64, StoreError> {
    let sql = match store {
        Store::Postgres(_) => {
            "SELECT count(*) FROM events
             WHERE (transaction_id, position) > ($1::text::xid8, $2)"
        }
        // Positions are commit order on SQLite; $1 keeps the argument list alike.
        Store::Sqlite(_) => "SELECT count(*) FROM events WHERE position > $2 AND $1 IS NOT NULL",
    };
    let (count,): (i64,) = with_pool!(store, pool => {
        sqlx::query_as(sql)
            .bind(position.transaction.to_string())
            .bind(position.position)
            .fetch_one(pool)
            .await?
    });
    Ok(count.try_into().unwrap_or(0))
}
