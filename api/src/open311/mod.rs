//! Open311 GeoReport v2 (<http://wiki.open311.org/GeoReport_v2>) under `/open311/v2/`, so that
//! resident-facing apps and any existing GeoReport client can report problems and follow them:
//! discovery, services (the organisation's request categories), service definitions, POST and
//! GET requests, a request by id, and tokens, each in JSON and XML (`.json` / `.xml`).
//!
//! POST takes an `intake` token as `api_key` and opens a case through the case service (channel
//! `open311`); reads need no key and never show the requester. Answers are built once as a
//! format-free [`document::Document`] and rendered as JSON or XML; errors are the spec's
//! `{code, description}` lists ([`error`]).

mod catalogue;
mod datetime;
mod discovery;
mod document;
mod error;
mod form;
mod format;
mod intake;
mod location;
mod notes;
mod query;
mod record;
mod requests;
mod routes;

pub use discovery::BASE_PATH;
pub use routes::routes;
