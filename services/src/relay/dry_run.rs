//! What the relay would publish, without publishing: every message it makes of the whole log, in
//! order. For the relay benchmark (`shaobao-sim`), which publishes these messages raw beside a
//! real relay; nothing in the server uses it.

use super::feed::Outgoing;
use super::reader::read_batch;
use super::streets::Streets;
use super::RelayError;
use crate::store::{LogPosition, Store};

/// Every message the relay makes of the log, read `batch_size` events at a time as the relay
/// does, and the log's last position.
pub async fn whole_log_as_messages(
    store: &Store,
    batch_size: u32,
) -> Result<(Vec<Outgoing>, LogPosition), RelayError> {
    let mut streets = Streets::default();
    let (mut messages, mut cursor) = (Vec::new(), LogPosition::START);
    loop {
        let batch = read_batch(store, &mut streets, None, cursor, batch_size).await?;
        let Some(&(last, _)) = batch.last() else {
            break;
        };
        cursor = last;
        messages.extend(batch.into_iter().flat_map(|(_, messages)| messages));
    }
    Ok((messages, cursor))
}
