//! The street an event belongs to, for its subject: a visit names it in its one event, and so does
//! every event of a community list or member registration; a case names it in its first event
//! (CaseOpened), which the relay remembers for the case's later events.

use std::collections::{BTreeSet, HashMap};

use serde::Deserialize;

use super::log_page::RelayEvent;
use crate::store::{Store, StoreError};

/// Cases remembered at most; past that the memory starts over (a forgotten case costs one read of
/// its stream the next time it has an event).
const MAX_REMEMBERED: usize = 100_000;

#[derive(Debug, Default)]
pub(crate) struct Streets {
    /// Each case's street, `None` for a case opened without one.
    of_case: HashMap<String, Option<String>>,
}

impl Streets {
    /// Learns the street of every case `events` touch that it does not know yet: from the page
    /// itself for a case opened in it, else from the case's first event, all such cases of the
    /// page in one read (after a takeover the relay knows none, and a read per case made its
    /// first pages take tens of seconds under load).
    pub async fn learn(&mut self, store: &Store, events: &[RelayEvent]) -> Result<(), StoreError> {
        if self.of_case.len() >= MAX_REMEMBERED {
            self.of_case.clear();
        }
        let mut unknown = BTreeSet::new();
        for event in events.iter().filter(|e| e.aggregate_type == "case") {
            if self.of_case.contains_key(&event.aggregate_id) {
                continue;
            }
            if event.sequence == 1 {
                let street = opened_street(event.payload());
                self.of_case.insert(event.aggregate_id.clone(), street);
            } else {
                unknown.insert(event.aggregate_id.as_str());
            }
        }
        if unknown.is_empty() {
            return Ok(());
        }
        let ids: Vec<&str> = unknown.into_iter().collect();
        for first in store.first_events("case", &ids).await? {
            let street = Opened::deserialize(&first.payload)
                .ok()
                .and_then(Opened::street);
            self.of_case.insert(first.aggregate_id, street);
        }
        Ok(())
    }

    /// The street of `event`'s case (learnt first, see [`Streets::learn`]), visit, community list
    /// or member; `None` for other aggregates.
    pub fn street_of(&self, event: &RelayEvent) -> Option<String> {
        match event.aggregate_type.as_str() {
            "visit" => serde_json::from_slice::<Visit>(event.payload())
                .ok()
                .and_then(|visit| visit.recorded?.street),
            "case" => self.of_case.get(&event.aggregate_id).cloned().flatten(),
            "community" | "member" => serde_json::from_slice::<Named>(event.payload())
                .ok()
                .and_then(|named| named.0.into_values().next()?.street),
            _ => None,
        }
    }
}

/// The street in a `CaseOpened` payload.
fn opened_street(payload: &[u8]) -> Option<String> {
    serde_json::from_slice::<Opened>(payload)
        .ok()
        .and_then(Opened::street)
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
