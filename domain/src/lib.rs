//! Shaobao's domain: the case life cycle, household visits, and the organisation and policy they run
//! under. Pure: no IO, no clock reads; time arrives in commands.

pub mod actor;
pub mod calendar;
pub mod case;
pub mod org;
pub mod sla;
pub mod visit;

pub use actor::{Actor, Role};
pub use case::{Case, CaseAction, CaseCommand, CaseError, CaseEvent, CaseState, ErrorKind};
pub use visit::{RecordVisit, Visit, VisitError, VisitEvent};
