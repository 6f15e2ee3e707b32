//! **Community mobilisation** (DESIGN §3): the two-way lists 双向需求清单 and members reporting
//! where they live 在职党员回小区报到, with the points they earn 量化积分.
//!
//! Two aggregates, pure like [`crate::Case`]:
//! - [`CommunityList`]: one stream per community (`community/<code>`), holding the community's
//!   **needs** (published by its street's dispatcher, claimed by a unit or a registered member,
//!   delivered, confirmed with points, or withdrawn) and the **resources** units offer it
//!   (matched to a need, which the offering unit then delivers).
//! - [`Member`]: one stream per member (`member/<id>`): registration to a residence community,
//!   moves and leaving.
//!
//! Who may take which step is decided in one place per aggregate ([`CommunityList::permit`],
//! [`Member::permit`]); `decide` runs it first and then only validates the request body. A claim
//! by a member depends on the member's own stream: the service reads where the member is
//! registered and passes it in the command ([`CommunityCommand::member_community`]), so the
//! decision stays pure. [`score`] holds the pure scoring rules (periods, unit status, member tiers).

mod command;
mod decide;
mod error;
mod event;
mod list;
mod member;
mod permit;
pub mod score;

use serde::{Deserialize, Serialize};

pub use command::*;
pub use error::CommunityError;
pub use event::CommunityEvent;
pub use list::{CommunityList, Need, NeedStatus, Place, Resource};
pub use member::{
    Member, MemberAction, MemberCommand, MemberError, MemberEvent, MemberStep, MoveMember,
    RegisterMember,
};
pub use permit::{list_steps, ListStep, NeedFacts, NeedStep, ResourceFacts};

/// What a need asks for: the four kinds of 江北 (兴办实事, 调解矛盾, 政策宣讲, 志愿服务), the same
/// as a case task's.
pub use crate::case::TaskKind as NeedKind;

use crate::actor::{Actor, Role};

/// Who earns a need's points: a resident unit 驻区单位 (a department of the organisation file,
/// acting through its department token) or a registered member. Serialized `{"unit": code}` or
/// `{"member": id}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Unit(String),
    Member(String),
}

impl Party {
    /// The party `actor` acts for: a department's unit or a volunteer's member id.
    pub fn of(actor: &Actor) -> Option<Party> {
        match &actor.role {
            Role::Department { department } => Some(Party::Unit(department.clone())),
            Role::Volunteer { member } => Some(Party::Member(member.clone())),
            _ => None,
        }
    }

    /// `unit` or `member`.
    pub fn kind(&self) -> &'static str {
        match self {
            Party::Unit(_) => "unit",
            Party::Member(_) => "member",
        }
    }

    /// The unit code or member id.
    pub fn code(&self) -> &str {
        match self {
            Party::Unit(code) | Party::Member(code) => code,
        }
    }

    /// Whether `actor` acts for this party (any clerk of the unit; the member themselves).
    pub fn is(&self, actor: &Actor) -> bool {
        Party::of(actor).as_ref() == Some(self)
    }
}

/// The stream id of community `code`'s list.
pub fn list_stream_id(community: &str) -> String {
    format!("community/{community}")
}

/// The stream id of member `id`'s registration.
pub fn member_stream_id(member: &str) -> String {
    format!("member/{member}")
}

/// Longest title of a need or resource.
pub const MAX_TITLE_CHARS: usize = 200;
/// Most points a need may carry or a confirmation award.
pub const MAX_POINTS: u32 = 1000;
