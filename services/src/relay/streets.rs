//! The street an event belongs to, for its subject: a visit names it in its one event; a case names
//! it in its first event (CaseOpened), which the relay remembers for the case's later events.

use std::collections::HashMap;

use shaobao_domain::CaseEvent;

use super::feed::case_event;
use crate::store::{LoggedEvent, Store, StoreError};

/// Cases remembered at most; past that the memory starts over (a forgotten case costs one read of
/// its stream the next time it has an event).
const MAX_REMEMBERED: usize = 100_000;

#[derive(Debug, Default)]
pub(crate) struct Streets {
    of_case: HashMap<String, String>,
}

impl Streets {
    /// The street of `event`'s case or visit; `None` for other aggregates.
    pub async fn street_of(
        &mut self,
        store: &Store,
        event: &LoggedEvent,
    ) -> Result<Option<String>, StoreError> {
        match event.aggregate_type.as_str() {
            "visit" => Ok(event.payload["VisitRecorded"]["street"]
                .as_str()
                .map(str::to_string)),
            "case" => self.case_street(store, event).await,
            _ => Ok(None),
        }
    }

    async fn case_street(
        &mut self,
        store: &Store,
        event: &LoggedEvent,
    ) -> Result<Option<String>, StoreError> {
        if let Some(street) = self.of_case.get(&event.aggregate_id) {
            return Ok(Some(street.clone()));
        }
        let opened = if event.sequence == 1 {
            opened_street(event)
        } else {
            let history = store.history("case", &event.aggregate_id).await?;
            history.first().and_then(opened_street)
        };
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

fn opened_street(event: &LoggedEvent) -> Option<String> {
    match case_event(event)? {
        CaseEvent::CaseOpened { location, .. } => Some(location.street),
        _ => None,
    }
}
