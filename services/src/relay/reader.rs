//! Reading ahead: a task of its own reads the log and turns events into messages while the
//! session publishes the batch before, so the two use both cores.

use std::sync::Arc;

use tokio::sync::{mpsc, Mutex};
use tokio::task::JoinHandle;

use super::feed::{messages_for, Outgoing};
use super::log_page::{read_page, RelayEvent};
use super::streets::Streets;
use super::{OpenedCase, RelayError, RepeatWarnings};
use crate::store::{LogPosition, Store};

/// Events read from the log, each with its messages; empty when the reader found nothing new.
pub(crate) type Batch = Vec<(LogPosition, Vec<Outgoing>)>;

/// The reading task; stopped when dropped.
pub(crate) struct Reader {
    batches: mpsc::Receiver<Result<Batch, RelayError>>,
    task: JoinHandle<()>,
}

impl Reader {
    /// Starts reading after `after`, `batch_size` events at a time, one batch ahead.
    pub fn start(
        store: Store,
        streets: Arc<Mutex<Streets>>,
        repeats: Option<Arc<dyn RepeatWarnings>>,
        after: LogPosition,
        batch_size: u32,
    ) -> Reader {
        let (sender, batches) = mpsc::channel(1);
        let task = tokio::spawn(async move {
            let mut after = after;
            loop {
                let mut streets = streets.lock().await;
                let batch =
                    read_batch(&store, &mut streets, repeats.as_deref(), after, batch_size).await;
                drop(streets);
                if let Ok(Some(&(last, _))) = batch.as_ref().map(|b| b.last()) {
                    after = last;
                }
                let failed = batch.is_err();
                if sender.send(batch).await.is_err() || failed {
                    return;
                }
            }
        });
        Reader { batches, task }
    }

    /// The next batch, in log order.
    pub async fn next(&mut self) -> Result<Batch, RelayError> {
        // The task stops after sending an error, or if it panicked.
        self.batches
            .recv()
            .await
            .unwrap_or(Err(RelayError::ReaderStopped))
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// One batch: the page after `after`, each event with its messages.
pub(super) async fn read_batch(
    store: &Store,
    streets: &mut Streets,
    repeats: Option<&dyn RepeatWarnings>,
    after: LogPosition,
    batch_size: u32,
) -> Result<Batch, RelayError> {
    let events = read_page(store, after, batch_size).await?;
    let opened: Vec<OpenedCase> = events
        .iter()
        .filter(|event| opens_a_case(event))
        .map(|event| OpenedCase {
            case_id: event.aggregate_id.clone(),
            position: event.position,
        })
        .collect();
    let mut warnings = match repeats {
        Some(repeats) if !opened.is_empty() => repeats.raised_by(&opened).await?,
        _ => Vec::new(),
    }
    .into_iter();
    streets.learn(store, &events).await?;
    let mut batch = Vec::with_capacity(events.len());
    for event in events {
        let street = streets.street_of(&event);
        let repeat = if opens_a_case(&event) {
            warnings.next().flatten()
        } else {
            None
        };
        batch.push((
            event.position,
            messages_for(event, street.as_deref(), repeat)?,
        ));
    }
    Ok(batch)
}

fn opens_a_case(event: &RelayEvent) -> bool {
    event.aggregate_type == "case" && event.event_type == "CaseOpened"
}
