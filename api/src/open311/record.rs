//! One service request as GeoReport v2 shows it: a case read straight from its stream, mapped
//! field by field. Requester details (name, phone) are never read here, so they cannot appear.
//!
//! `status` open/closed (closed once closed or answered); `status_notes` the DESIGN §3 state;
//! `agency_responsible` the handling unit's name; `expected_datetime` the resolve deadline;
//! `updated_datetime` the last event's time; `zipcode` and `media_url` are never known.

use chrono::{DateTime, Utc};
use shaobao_domain::case::{CaseState, Channel, Intake, Unit};
use shaobao_domain::org::Organisation;
use shaobao_domain::{Case, CaseEvent};
use shaobao_projections::record::CaseRecord;
use shaobao_services::store::Store;

use super::datetime;
use super::document::Node;
use super::error::Open311Error;
use super::location::address_of;
use super::notes::note;
use super::query::Status;
use crate::api_error::ApiError;

/// A case with what its history adds: when it last changed, and the events themselves (notes).
#[derive(Debug, Clone)]
pub struct RequestRecord {
    pub id: String,
    pub case: Case,
    pub state: CaseState,
    pub intake: Intake,
    pub updated_at: DateTime<Utc>,
    pub events: Vec<CaseEvent>,
}

impl RequestRecord {
    /// The case `id` from its stream; `None` when there is no such case or it did not come in
    /// through Open311.
    pub async fn load(store: &Store, id: &str) -> Result<Option<RequestRecord>, Open311Error> {
        let history = store.history("case", id).await.map_err(ApiError::from)?;
        let mut record = CaseRecord::new(id);
        let mut events = Vec::with_capacity(history.len());
        for logged in history {
            let event: CaseEvent = serde_json::from_value(logged.payload).map_err(|err| {
                ApiError::Internal(format!("case {id} event {}: {err}", logged.sequence))
            })?;
            record.apply(logged.sequence, event.clone());
            events.push(event);
        }
        let case = record.case;
        Ok(
            match (case.state(), case.intake().cloned(), record.updated_at) {
                // Only what residents reported through Open311 is a service request here: the
                // hotline's and the grid's cases are not the public's to browse.
                (Some(state), Some(intake), Some(updated_at))
                    if intake.channel == Channel::Open311 =>
                {
                    Some(RequestRecord {
                        id: id.to_string(),
                        state,
                        intake,
                        case,
                        updated_at,
                        events,
                    })
                }
                _ => None,
            },
        )
    }

    /// The request's fields in GeoReport v2 order, with the history as `notes` on request.
    pub fn to_node(&self, org: &Organisation, with_notes: bool) -> Node {
        let (case, intake, state) = (&self.case, &self.intake, self.state);
        let (address, address_id) = address_of(org, &intake.location);
        let service_name = org
            .category(&intake.category)
            .map_or(intake.category.as_str(), |c| &c.name);
        let coordinate = |value: Option<f64>| value.map_or(Node::Null, Node::Float);
        let mut fields = vec![
            ("service_request_id", Node::text(&self.id)),
            ("status", Node::text(Status::of(state).as_str())),
            ("status_notes", Node::text(state.as_str())),
            ("service_name", Node::text(service_name)),
            ("service_code", Node::text(&intake.category)),
            ("description", Node::text(&intake.description)),
            (
                "agency_responsible",
                Node::maybe(case.handling_unit().map(|u| unit_name(org, u))),
            ),
            ("service_notice", Node::Null),
            (
                "requested_datetime",
                Node::text(datetime::write(intake.opened_at)),
            ),
            (
                "updated_datetime",
                Node::text(datetime::write(self.updated_at)),
            ),
            (
                "expected_datetime",
                Node::maybe(
                    case.deadlines()
                        .resolve
                        .map(|clock| datetime::write(clock.due_at)),
                ),
            ),
            ("address", Node::text(address)),
            ("address_id", Node::text(address_id)),
            ("zipcode", Node::Null),
            ("lat", coordinate(intake.location.lat)),
            ("long", coordinate(intake.location.lon)),
            ("media_url", Node::Null),
        ];
        if with_notes {
            let notes = self.events.iter().map(|event| note(org, event));
            fields.push(("notes", Node::list("note", notes)));
        }
        Node::Object(fields)
    }
}

/// A street's or department's name (its code if the organisation no longer lists it).
pub fn unit_name(org: &Organisation, unit: &Unit) -> String {
    match unit {
        Unit::Street(code) => org.street(code).map_or(code, |s| &s.name).clone(),
        Unit::Department(code) => org.department(code).map_or(code, |d| &d.name).clone(),
    }
}
