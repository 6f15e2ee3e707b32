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

/// Records that every event up to `position` is in the stream (public for the relay benchmark,
/// which starts each round's relay from the beginning of the log).
pub async fn save(store: &Store, position: LogPosition) -> Result<(), StoreError> {
    let sql = "UPDATE relay_checkpoint SET position = $1 WHERE id = 1";
    let token = position.to_string();
    with_pool!(store, pool => sqlx::query(sql).bind(&token).execute(pool).await.map(drop)?);
    Ok(())
}
