//! **Member registration** 在职党员回小区报到: one stream per member (`member/<id>`). A member
//! reports to the community where they live (with their home unit 工作单位, if any), may move to
//! another community and may leave; while registered there they claim that community's needs.
//!
//! Who may: the member themselves (a volunteer token whose member id is the member's), or the
//! dispatcher of the community's street (registering on the member's behalf at the community
//! office; for a move, the dispatcher of either street). [`Member::permit`] says it in one place.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::{Aggregate, DomainEvent};
use serde::{Deserialize, Serialize};

use super::Place;
use crate::actor::{Actor, Role};
use crate::case::ErrorKind;
use crate::org::Organisation;

/// Longest member id and name accepted.
const MAX_ID_CHARS: usize = 64;
const MAX_NAME_CHARS: usize = 100;

/// A command on member `member`'s registration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberCommand {
    pub actor: Actor,
    pub at: DateTime<Utc>,
    /// The member id (the stream is `member/<id>`).
    pub member: String,
    pub action: MemberAction,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberAction {
    Register(RegisterMember),
    Move(MoveMember),
    Leave { reason: Option<String> },
}

/// `POST /members`: report to a residence community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterMember {
    /// The member id; a volunteer token registers itself and may leave it out.
    #[serde(default)]
    pub member: Option<String>,
    pub name: String,
    /// The residence community's code.
    pub community: String,
    /// The unit the member works for 工作单位 (a department or resident unit code), if any.
    #[serde(default)]
    pub home_unit: Option<String>,
}

/// `POST /members/{member}/move`: now living in another community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MoveMember {
    pub community: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberEvent {
    /// 报到 registered in `community`.
    MemberRegistered {
        member: String,
        name: String,
        street: String,
        community: String,
        home_unit: Option<String>,
        at: DateTime<Utc>,
    },
    /// Moved from one residence community to another.
    MemberMoved {
        member: String,
        from_street: String,
        from_community: String,
        street: String,
        community: String,
        at: DateTime<Utc>,
    },
    /// No longer registered anywhere (may register again).
    MemberLeft {
        member: String,
        street: String,
        community: String,
        reason: Option<String>,
        at: DateTime<Utc>,
    },
}

impl MemberEvent {
    pub fn name(&self) -> &'static str {
        match self {
            MemberEvent::MemberRegistered { .. } => "MemberRegistered",
            MemberEvent::MemberMoved { .. } => "MemberMoved",
            MemberEvent::MemberLeft { .. } => "MemberLeft",
        }
    }

    pub fn at(&self) -> DateTime<Utc> {
        match self {
            MemberEvent::MemberRegistered { at, .. }
            | MemberEvent::MemberMoved { at, .. }
            | MemberEvent::MemberLeft { at, .. } => *at,
        }
    }

    /// The street the event happened in (a move's new street).
    pub fn street(&self) -> &str {
        match self {
            MemberEvent::MemberRegistered { street, .. }
            | MemberEvent::MemberMoved { street, .. }
            | MemberEvent::MemberLeft { street, .. } => street,
        }
    }
}

impl DomainEvent for MemberEvent {
    fn event_type(&self) -> String {
        self.name().to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MemberError {
    #[error("{field} must not be blank")]
    Blank { field: String },
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: String, max: usize },
    #[error("member must be a code of ASCII letters, digits, '_', '-' or '.'")]
    InvalidMemberId,
    #[error("{field}: `{code}` is not in the organisation")]
    UnknownReference { field: String, code: String },
    #[error("a {role} may not register members")]
    MayNotRegister { role: &'static str },
    #[error("a volunteer registers, moves and leaves only as itself (member `{own}`)")]
    NotThisMember { own: String },
    #[error("only the member or the dispatcher of street `{street}` may {action}")]
    NotStreetDispatcher {
        action: &'static str,
        street: String,
    },
    #[error("member is already registered in community `{community}`")]
    AlreadyRegistered { community: String },
    #[error("member is not registered in any community")]
    NotRegistered,
    #[error("member already lives in community `{community}`")]
    AlreadyThere { community: String },
}

impl MemberError {
    pub fn kind(&self) -> ErrorKind {
        use MemberError::*;
        match self {
            Blank { .. } | TooLong { .. } | InvalidMemberId => ErrorKind::Invalid,
            UnknownReference { .. } => ErrorKind::UnknownReference,
            MayNotRegister { .. } | NotThisMember { .. } | NotStreetDispatcher { .. } => {
                ErrorKind::Forbidden
            }
            NotRegistered => ErrorKind::NotFound,
            AlreadyRegistered { .. } | AlreadyThere { .. } => ErrorKind::Refused,
        }
    }

    pub fn field(&self) -> Option<&str> {
        use MemberError::*;
        match self {
            Blank { field } | TooLong { field, .. } | UnknownReference { field, .. } => Some(field),
            InvalidMemberId => Some("member"),
            _ => None,
        }
    }
}

/// A member's registration as its events leave it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// `None` before the first registration.
    pub member: Option<String>,
    pub name: Option<String>,
    /// Where the member lives now; `None` when not registered (never, or left).
    pub place: Option<Place>,
    pub home_unit: Option<String>,
    pub first_registered_at: Option<DateTime<Utc>>,
    pub registered_at: Option<DateTime<Utc>>,
    pub left_at: Option<DateTime<Utc>>,
}

/// A step on a member's registration, without its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MemberStep<'a> {
    /// Register in the community at this place.
    Register(&'a Place),
    Move(&'a Place),
    Leave,
}

impl MemberStep<'_> {
    pub fn name(&self) -> &'static str {
        match self {
            MemberStep::Register(_) => "register",
            MemberStep::Move(_) => "move",
            MemberStep::Leave => "leave",
        }
    }
}

impl Member {
    /// The community the member is registered in now.
    pub fn community(&self) -> Option<&str> {
        self.place.as_ref().map(|p| p.community.as_str())
    }

    pub fn is_registered(&self) -> bool {
        self.place.is_some()
    }

    /// Whether `actor` may take `step` on member `member`'s registration now.
    pub fn permit(
        &self,
        actor: &Actor,
        member: &str,
        step: &MemberStep,
    ) -> Result<(), MemberError> {
        match &actor.role {
            Role::Volunteer { member: own } if own != member => {
                return Err(MemberError::NotThisMember { own: own.clone() })
            }
            Role::Volunteer { .. } => {}
            Role::Dispatcher { street } => {
                // A registration's or leave's street; for a move, the new or the old one.
                let (concerned, also) = match step {
                    MemberStep::Register(place) => (Some(*place), None),
                    MemberStep::Move(place) => (Some(*place), self.place.as_ref()),
                    MemberStep::Leave => (self.place.as_ref(), None),
                };
                let ours = [concerned, also]
                    .into_iter()
                    .flatten()
                    .any(|p| p.street == *street);
                if let (Some(place), false) = (concerned, ours) {
                    return Err(MemberError::NotStreetDispatcher {
                        action: step.name(),
                        street: place.street.clone(),
                    });
                }
            }
            other => return Err(MemberError::MayNotRegister { role: other.name() }),
        }
        match (step, &self.place) {
            (MemberStep::Register(_), Some(place)) => Err(MemberError::AlreadyRegistered {
                community: place.community.clone(),
            }),
            (MemberStep::Register(_), None) => Ok(()),
            (_, None) => Err(MemberError::NotRegistered),
            (MemberStep::Move(to), Some(place)) if to.community == place.community => {
                Err(MemberError::AlreadyThere {
                    community: place.community.clone(),
                })
            }
            _ => Ok(()),
        }
    }

    pub fn decide(
        &self,
        command: MemberCommand,
        org: &Organisation,
    ) -> Result<Vec<MemberEvent>, MemberError> {
        let MemberCommand {
            actor,
            at,
            member,
            action,
        } = command;
        check_member_id(&member)?;
        let event = match action {
            MemberAction::Register(body) => {
                let place = place_of(&body.community, org)?;
                self.permit(&actor, &member, &MemberStep::Register(&place))?;
                let name = body.name.trim().to_string();
                if name.is_empty() {
                    return Err(MemberError::Blank {
                        field: "name".into(),
                    });
                }
                if name.chars().count() > MAX_NAME_CHARS {
                    return Err(MemberError::TooLong {
                        field: "name".into(),
                        max: MAX_NAME_CHARS,
                    });
                }
                if let Some(unit) = &body.home_unit {
                    if org.department(unit).is_none() {
                        return Err(MemberError::UnknownReference {
                            field: "home_unit".into(),
                            code: unit.clone(),
                        });
                    }
                }
                MemberEvent::MemberRegistered {
                    member,
                    name,
                    street: place.street,
                    community: place.community,
                    home_unit: body.home_unit,
                    at,
                }
            }
            MemberAction::Move(body) => {
                let place = place_of(&body.community, org)?;
                self.permit(&actor, &member, &MemberStep::Move(&place))?;
                let from = self.place.clone().ok_or(MemberError::NotRegistered)?;
                MemberEvent::MemberMoved {
                    member,
                    from_street: from.street,
                    from_community: from.community,
                    street: place.street,
                    community: place.community,
                    at,
                }
            }
            MemberAction::Leave { reason } => {
                self.permit(&actor, &member, &MemberStep::Leave)?;
                let from = self.place.clone().ok_or(MemberError::NotRegistered)?;
                MemberEvent::MemberLeft {
                    member,
                    street: from.street,
                    community: from.community,
                    reason,
                    at,
                }
            }
        };
        Ok(vec![event])
    }

    fn apply_event(&mut self, event: MemberEvent) {
        match event {
            MemberEvent::MemberRegistered {
                member,
                name,
                street,
                community,
                home_unit,
                at,
            } => {
                self.member = Some(member);
                self.name = Some(name);
                self.place = Some(Place { street, community });
                self.home_unit = home_unit;
                self.first_registered_at.get_or_insert(at);
                self.registered_at = Some(at);
                self.left_at = None;
            }
            MemberEvent::MemberMoved {
                street, community, ..
            } => self.place = Some(Place { street, community }),
            MemberEvent::MemberLeft { at, .. } => {
                self.place = None;
                self.left_at = Some(at);
            }
        }
    }
}

/// Member ids travel in stream ids, URLs and subjects: the organisation's code alphabet.
fn check_member_id(member: &str) -> Result<(), MemberError> {
    if member.trim().is_empty() {
        return Err(MemberError::Blank {
            field: "member".into(),
        });
    }
    if member.chars().count() > MAX_ID_CHARS {
        return Err(MemberError::TooLong {
            field: "member".into(),
            max: MAX_ID_CHARS,
        });
    }
    if !member
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b))
    {
        return Err(MemberError::InvalidMemberId);
    }
    Ok(())
}

/// The place of community `code` in the organisation.
fn place_of(code: &str, org: &Organisation) -> Result<Place, MemberError> {
    org.place_of_community(code)
        .ok_or_else(|| MemberError::UnknownReference {
            field: "community".into(),
            code: code.to_string(),
        })
}

impl Aggregate for Member {
    const TYPE: &'static str = "member";
    type Command = MemberCommand;
    type Event = MemberEvent;
    type Error = MemberError;
    type Services = Arc<Organisation>;

    async fn handle(
        &mut self,
        command: MemberCommand,
        org: &Arc<Organisation>,
        sink: &EventSink<Self>,
    ) -> Result<(), MemberError> {
        for event in self.decide(command, org)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: MemberEvent) {
        self.apply_event(event);
    }
}
