//! Live screens: a node follows the log just behind its read models and tells every open page
//! what changed, over server-sent events. A page then fetches its fresh rows (htmx `sse:change`),
//! so what it shows always comes from the read models, never from the notice itself. Writes made
//! on other nodes arrive through the log too (checked every 250 ms; at once for this node's own
//! commands).

use std::convert::Infallible;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Serialize;
use shaobao_projections::{checkpoint, ProjectionName};
use shaobao_services::store::{LogPosition, LoggedEvent, Store};
use tokio::sync::{broadcast, watch};
use tokio::task::JoinHandle;
use tracing::warn;

use super::session::Person;
use crate::server::AppState;

/// How often the follower looks for other nodes' writes.
const POLL: Duration = Duration::from_millis(250);
/// Notices arriving this close together make one `change` for a page.
const COALESCE: Duration = Duration::from_millis(60);
/// After this node's own command, how often and how long to look for the read models to include it.
const CATCH_UP_STEP: Duration = Duration::from_millis(15);
const CATCH_UP_FOR: Duration = Duration::from_secs(2);
const PAGE: u32 = 1000;

/// One event that the read models now include.
#[derive(Debug, Clone, Serialize)]
pub struct Notice {
    pub position: String,
    pub case_id: String,
    pub event_type: String,
}

/// The node's follower of the log, started when the first page subscribes.
#[derive(Clone)]
pub struct LiveFeed {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    commits: watch::Receiver<u64>,
    sender: broadcast::Sender<Arc<Notice>>,
    task: OnceLock<JoinHandle<()>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Some(task) = self.task.get() {
            task.abort();
        }
    }
}

impl LiveFeed {
    pub fn new(store: Store, commits: watch::Receiver<u64>) -> Self {
        LiveFeed {
            inner: Arc::new(Inner {
                store,
                commits,
                sender: broadcast::channel(1024).0,
                task: OnceLock::new(),
            }),
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Notice>> {
        let inner = &self.inner;
        inner.task.get_or_init(|| {
            tokio::spawn(follow(
                inner.store.clone(),
                inner.commits.clone(),
                inner.sender.clone(),
            ))
        });
        inner.sender.subscribe()
    }
}

/// Where every read model has got to: what a page may now read.
async fn projected(store: &Store) -> Option<LogPosition> {
    let positions = checkpoint::positions(store).await.ok()?;
    ProjectionName::ALL
        .iter()
        .map(|name| positions.get(name.as_str()).copied())
        .min()
        .flatten()
}

async fn follow(
    store: Store,
    mut commits: watch::Receiver<u64>,
    sender: broadcast::Sender<Arc<Notice>>,
) {
    let mut cursor = projected(&store).await.unwrap_or(LogPosition::START);
    loop {
        let own_commit = tokio::select! {
            _ = commits.changed() => true,
            () = tokio::time::sleep(POLL) => false,
        };
        // After this node's own command, look again every few milliseconds until the read models
        // include it, rather than waiting for the next poll.
        let started = tokio::time::Instant::now();
        loop {
            let Some(target) = projected(&store).await else {
                break;
            };
            if target <= cursor {
                if own_commit && started.elapsed() < CATCH_UP_FOR {
                    tokio::time::sleep(CATCH_UP_STEP).await;
                    continue;
                }
                break;
            }
            let events = match store.read_log(cursor, PAGE).await {
                Ok(events) => events,
                Err(err) => {
                    warn!(%err, "live feed: reading the log failed");
                    break;
                }
            };
            let full = events.len() == PAGE as usize;
            let mut advanced = false;
            for event in events.into_iter().take_while(|e| e.position <= target) {
                cursor = event.position;
                advanced = true;
                // Nobody listening is fine: the next page to open reads the read models anyway.
                let _ = sender.send(Arc::new(notice(event)));
            }
            if !(full && advanced) {
                break;
            }
        }
    }
}

fn notice(event: LoggedEvent) -> Notice {
    Notice {
        position: event.position.to_string(),
        case_id: event.aggregate_id,
        event_type: event.event_type,
    }
}

/// `GET /live`: `change` whenever the read models gained events (coalesced), for signed-in people.
/// The page's `EventSource` reconnects by itself after a restart of the server.
pub async fn stream(
    State(state): State<AppState>,
    _person: Person,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut notices = state.live.subscribe();
    let (pages, page) = tokio::sync::mpsc::channel::<Event>(16);
    tokio::spawn(async move {
        loop {
            let first = match notices.recv().await {
                Ok(notice) => notice,
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            };
            let mut batch = vec![first];
            let deadline = tokio::time::Instant::now() + COALESCE;
            while let Ok(Ok(next)) = tokio::time::timeout_at(deadline, notices.recv()).await {
                batch.push(next);
            }
            let data = serde_json::to_string(&batch).unwrap_or_default();
            // The page went away: stop listening.
            if pages
                .send(Event::default().event("change").data(data))
                .await
                .is_err()
            {
                return;
            }
        }
    });
    let events = futures::stream::unfold(page, |mut page| async move {
        page.recv().await.map(|event| (Ok(event), page))
    });
    Sse::new(events).keep_alive(KeepAlive::default())
}
