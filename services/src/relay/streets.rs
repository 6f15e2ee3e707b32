//! The street an event belongs to, for its subject: a visit names it in its one event, and so does
//! every event of a community list or member registration; a case names it in its first event
//! (CaseOpened), which the relay remembers for the case's later events.

use std::collections::HashMap;

use serde::Deserialize;

use super::log_page::RelayEvent;
use crate::store::{Store, StoreError};

/// Cases remembered at most; past that the memory starts over (a forgotten case costs one read of
/// its stream the next time it has an event).
const MAX_REMEMBERED: usize = 100_000;

#[derive(Debug, Default)]
pub(crate) struct Streets {
    of_case: HashMap<String, String>,
}

impl Streets {
    /// The street of `event`'s case, visit, community list or member; `None` for other
    /// aggregates.
    pub async fn street_of(
        &mut self,
        store: &Store,
        event: &RelayEvent,
    ) -> Result<Option<String>, StoreError> {
        match event.aggregate_type.as_str() {
            "visit" => Ok(serde_json::from_slice::<Visit>(event.payload())
                .ok()
                .and_then(|visit| visit.recorded?.street)),
            "case" => self.case_street(store, event).await,
            "community" | "member" => Ok(serde_json::from_slice::<Named>(event.payload())
                .ok()
                .and_then(|named| named.0.into_values().next()?.street)),
            _ => Ok(None),
        }
    }

    async fn case_street(
        &mut self,
        store: &Store,
        event: &RelayEvent,
    ) -> Result<Option<String>, StoreError> {
        if let Some(street) = self.of_case.get(&event.aggregate_id) {
            return Ok(Some(street.clone()));
        }
        let opened = if event.sequence == 1 {
            serde_json::from_slice::<Opened>(event.payload()).ok()
        } else {
            let history = store.history("case", &event.aggregate_id).await?;
            history
                .first()
                .and_then(|first| Opened::deserialize(&first.payload).ok())
        }
        .and_then(Opened::street);
        if let Some(street) = &opened {
            if self.of_case.len() >= MAX_REMEMBERED {
                self.of_case.clear();
            }
            self.of_case
                .insert(event.aggregate_id.clone(), street.clone());
        }
        Ok(opened)
    }
}

/// What the street of a visit is read from: the payload `{"VisitRecorded": {"street": …, …}}`.
#[derive(Deserialize)]
struct Visit {
    #[serde(rename = "VisitRecorded")]
    recorded: Option<Located>,
}

#[derive(Deserialize)]
struct Located {
    street: Option<String>,
}

/// Any event that carries its street: `{"<EventType>": {"street": …, …}}` (community lists and
/// member registrations; a move carries the new street).
#[derive(Deserialize)]
struct Named(HashMap<String, Located>);

/// What the street of a case is read from: its first event's payload,
/// `{"CaseOpened": {"location": {"street": …, …}, …}}`. Nothing else of it is decoded.
#[derive(Deserialize)]
struct Opened {
    #[serde(rename = "CaseOpened")]
    opened: Option<OpenedAt>,
}

#[derive(Deserialize)]
struct OpenedAt {
    location: Located,
}

impl Opened {
    fn street(self) -> Option<String> {
        self.opened?.location.street
    }
}
