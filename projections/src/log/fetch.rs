//! One page of the log, read through the store's one log reader with only what projectors use
//! (payloads of the projected aggregates, no metadata) and decoded on a blocking thread, so that
//! decoding (most of what reading costs) runs beside fetching the next page and folding the last
//! one.

use shaobao_services::store::{LogPage, LogPosition, PageContent, Store, StoreError};
use tokio::task::JoinHandle;

use super::{corrupt, Entry, LogEvent, CASE, COMMUNITY, MEMBER};

/// What projectors read of each event: payloads only of the aggregates a read model follows.
const PROJECTED: PageContent<'static> = PageContent {
    payloads_of: Some(&[CASE, COMMUNITY, MEMBER]),
    metadata: false,
};

pub struct Fetched {
    /// The position of the page's last entry; `None` when the page is empty.
    pub last: Option<LogPosition>,
    decoding: JoinHandle<Result<Vec<Entry>, StoreError>>,
}

impl Fetched {
    pub async fn entries(self) -> Result<Vec<Entry>, StoreError> {
        self.decoding
            .await
            .unwrap_or_else(|failure| std::panic::resume_unwind(failure.into_panic()))
    }
}

/// Up to `limit` entries after `after`, in commit order.
pub async fn fetch(store: &Store, after: LogPosition, limit: u32) -> Result<Fetched, StoreError> {
    let page = store.read_log_page(after, limit, PROJECTED).await?;
    Ok(Fetched {
        last: page.last(),
        decoding: tokio::task::spawn_blocking(move || decode(&page)),
    })
}

/// The page's entries, each payload parsed where it lies into its typed event.
fn decode(page: &LogPage) -> Result<Vec<Entry>, StoreError> {
    page.events()?
        .into_iter()
        .map(|raw| {
            let event = match raw.payload {
                Some(payload) => LogEvent::parse(&raw.aggregate_type, payload)
                    .map_err(|e| corrupt(&raw.aggregate_id, raw.sequence, e))?,
                None => None,
            };
            Ok(Entry {
                position: raw.position,
                stream_id: raw.aggregate_id.into_owned(),
                sequence: raw.sequence,
                event,
            })
        })
        .collect()
}
