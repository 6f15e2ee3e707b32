//! What the relay would publish, without publishing: every message it makes of the whole log, in
//! order. For the relay benchmark (`shaobao-sim`), which publishes these messages raw beside a
//! real relay; nothing in the server uses it.

use super::feed::{messages_for, Outgoing};
use super::log_page::read_page;
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
        let page = read_page(store, cursor, batch_size).await?;
        let Some(last) = page.last() else { break };
        cursor = last.position;
        for event in page {
            let street = streets.street_of(store, &event).await?;
            messages.extend(messages_for(event, street.as_deref(), None)?);
        }
    }
    Ok((messages, cursor))
}
