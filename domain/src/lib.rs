//! Shaobao's domain: the case life cycle, household visits, community mobilisation (needs,
//! resources, members and their points), and the organisation and policy they run under. Pure:
//! no IO, no clock reads; time arrives in commands.

pub mod actor;
pub mod calendar;
pub mod case;
pub mod community;
pub mod org;
pub mod similar;
pub mod sla;
pub mod text;
pub mod visit;

pub use actor::{Actor, Role};
pub use case::{Case, CaseAction, CaseCommand, CaseError, CaseEvent, CaseState, ErrorKind};
pub use community::{CommunityEvent, CommunityList, Member, MemberEvent};
pub use visit::{RecordVisit, Visit, VisitError, VisitEvent};
