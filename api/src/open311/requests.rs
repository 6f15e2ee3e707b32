//! Reading service requests: `GET requests` (through the case-search read model, then each case
//! from its stream), `GET requests/{id}` and `GET tokens/{token}`.

use chrono::Duration;
use shaobao_projections::models::search::{search_cases, CaseFilter};
use shaobao_projections::page::{ListError, PageRequest, MAX_PAGE};
use shaobao_services::store::Store;

use super::document::{Document, Node};
use super::error::Open311Error;
use super::query::{self, RequestQuery, Status};
use super::record::RequestRecord;
use crate::api_error::ApiError;
use crate::server::AppState;

/// `GET requests`: newest first, filtered and paged as [`RequestQuery`] says.
pub async fn list(state: &AppState, query: Option<&str>) -> Result<Document, Open311Error> {
    let query = RequestQuery::parse(query, &state.org, state.clock.now())?;
    let ids = match &query.ids {
        Some(ids) => ids.clone(),
        None => search(&state.store, &query).await?,
    };
    let mut requests = Vec::with_capacity(ids.len());
    for id in &ids {
        let Some(record) = RequestRecord::load(&state.store, id).await? else {
            continue;
        };
        // The read model may lag behind the stream: filter on the case as it stands.
        let status = Status::of(record.state);
        if query.ids.is_some() || query.admits(&record.intake.category, status) {
            requests.push(record.to_node(&state.org, query.extensions));
        }
    }
    Ok(service_requests(requests))
}

/// `GET requests/{id}`: a list of one; 404 for an unknown id.
pub async fn one(
    state: &AppState,
    id: &str,
    query: Option<&str>,
) -> Result<Document, Open311Error> {
    let extensions = query::extensions_only(query)?;
    let record = RequestRecord::load(&state.store, id)
        .await?
        .ok_or_else(|| not_found("service_request_id", id))?;
    Ok(service_requests(vec![
        record.to_node(&state.org, extensions)
    ]))
}

/// `GET tokens/{token}`: requests are created synchronously, so the `service_request_id` POST
/// answers is the only token there is; it resolves to itself.
pub async fn token(state: &AppState, token: &str) -> Result<Document, Open311Error> {
    RequestRecord::load(&state.store, token)
        .await?
        .ok_or_else(|| not_found("token", token))?;
    let request = Node::Object(vec![
        ("service_request_id", Node::text(token)),
        ("token", Node::text(token)),
    ]);
    Ok(service_requests(vec![request]))
}

/// Every answer about requests is a `service_requests` list of `request`s.
pub fn service_requests(requests: Vec<Node>) -> Document {
    Document::new("service_requests", Node::list("request", requests))
}

/// The ids of the page asked for. The read model filters on one service and the window; several
/// services and the status are checked here, on the summaries it returns.
async fn search(store: &Store, query: &RequestQuery) -> Result<Vec<String>, Open311Error> {
    let filter = CaseFilter {
        category: match query.service_codes.as_slice() {
            [one] => Some(one.clone()),
            _ => None,
        },
        channel: Some("open311".into()),
        opened_from: Some(query.start),
        opened_before: Some(query.end + Duration::nanoseconds(1)),
        ..CaseFilter::default()
    };
    let wanted = query.skip.saturating_add(query.page_size);
    let mut page = PageRequest {
        after: None,
        limit: MAX_PAGE,
    };
    let mut ids = Vec::new();
    while ids.len() < wanted {
        let found = search_cases(store, &filter, &page)
            .await
            .map_err(|err| match err {
                ListError::Store(err) => ApiError::from(err),
                ListError::Token(err) => ApiError::Internal(err.to_string()),
            })?;
        let admitted = found
            .items
            .into_iter()
            .filter(|case| query.admits(&case.category, Status::named(&case.state)));
        ids.extend(admitted.map(|case| case.case_id));
        match found.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    Ok(ids
        .into_iter()
        .skip(query.skip)
        .take(query.page_size)
        .collect())
}

fn not_found(what: &str, id: &str) -> Open311Error {
    Open311Error::NotFound(format!("{what} {id:?} not found"))
}
