//! Shaobao's read models (DESIGN §4) and the deadline service.
//!
//! Catch-up projectors follow the global, commit-ordered log from a checkpoint stored in the same
//! transaction as their rows ([`runtime`]). Every row is a pure function of one case's history
//! ([`record::CaseRecord`]), so a live projector, a [`rebuild`] and a [`verify`] agree by
//! construction. The read models and their queries live in [`models`].

pub mod checkpoint;
pub mod deadline;
mod deadline_service;
mod error;
mod fold;
pub mod lag;
pub mod log;
mod merge_follower;
pub mod models;
pub mod page;
pub mod prepare;
mod projector;
pub mod rebuild;
pub mod record;
pub mod runtime;
pub mod schema;
mod sql;
pub mod time;
pub mod verify;
mod wake;

pub use error::ProjectionError;
pub use page::{Page, PageRequest};
pub use rebuild::{rebuild, Progress, RebuildReport};
pub use runtime::{NotCaughtUp, Projections, ProjectionsConfig};
pub use schema::{ProjectionName, UnknownProjection};
pub use verify::{verify, CheckStatus, VerifyReport};
