//! Community mobilisation through the case service's door: commands on a community's list
//! (needs and resources) and on member registrations, and reading both back.
//!
//! A member's claim depends on where the member is registered, which lives in the member's own
//! stream: it is read just before the command and passed in it
//! ([`CommunityCommand::member_community`]). A member who moves at that very moment may still
//! claim once in the community they are leaving; the claim names the member, so nothing is lost.

use shaobao_domain::community::{
    list_stream_id, member_stream_id, CommunityAction, CommunityCommand, CommunityError,
    CommunityList, Member, MemberAction, MemberCommand, MemberError, RegisterMember,
};
use shaobao_domain::{Actor, Role};

use crate::cases::{CaseService, Request};
use crate::command::{CommandError, CommandOutcome};
use crate::history::{HistoryError, Replayed};

pub type CommunityCommandError = CommandError<CommunityError>;
pub type MemberCommandError = CommandError<MemberError>;

impl CaseService {
    /// Runs `action` on community `community`'s list (`community/<code>`).
    pub async fn community(
        &self,
        community: &str,
        actor: &Actor,
        action: CommunityAction,
        request: &Request,
    ) -> Result<CommandOutcome, CommunityCommandError> {
        let member_community = match &actor.role {
            Role::Volunteer { member } => self
                .member(member)
                .await
                .map_err(history_error)?
                .and_then(|m| m.aggregate.community().map(str::to_string)),
            _ => None,
        };
        let meta = self.meta(actor, &(community, &action), request);
        let command = CommunityCommand::new(actor.clone(), self.now(), community, action)
            .registered_in(member_community);
        let outcome = self
            .lists
            .execute(&list_stream_id(community), command, &meta)
            .await;
        self.committed(&outcome);
        outcome
    }

    /// Registers a member (`POST /members`); the member id comes from the body, or from a
    /// volunteer token when the body leaves it out.
    pub async fn register_member(
        &self,
        actor: &Actor,
        body: RegisterMember,
        request: &Request,
    ) -> Result<CommandOutcome, MemberCommandError> {
        let member = match (&body.member, &actor.role) {
            (Some(member), _) => member.clone(),
            (None, Role::Volunteer { member }) => member.clone(),
            (None, _) => {
                return Err(CommandError::Domain(MemberError::Blank {
                    field: "member".into(),
                }))
            }
        };
        self.member_action(&member, actor, MemberAction::Register(body), request)
            .await
    }

    /// Runs `action` on member `member`'s registration (`member/<id>`).
    pub async fn member_action(
        &self,
        member: &str,
        actor: &Actor,
        action: MemberAction,
        request: &Request,
    ) -> Result<CommandOutcome, MemberCommandError> {
        let meta = self.meta(actor, &(member, &action), request);
        let command = MemberCommand {
            actor: actor.clone(),
            at: self.now(),
            member: member.to_string(),
            action,
        };
        let outcome = self
            .members
            .execute(&member_stream_id(member), command, &meta)
            .await;
        self.committed(&outcome);
        outcome
    }

    /// Community `community`'s list as it stands (or stood after `version`), with its version;
    /// `None` while it has no event.
    pub async fn community_list(
        &self,
        community: &str,
        version: Option<i64>,
    ) -> Result<Option<Replayed<CommunityList>>, HistoryError> {
        crate::history::replay(self.store(), &list_stream_id(community), version).await
    }

    /// Member `member`'s registration as it stands; `None` if never registered.
    pub async fn member(&self, member: &str) -> Result<Option<Replayed<Member>>, HistoryError> {
        crate::history::replay(self.store(), &member_stream_id(member), None).await
    }
}

fn history_error<E: std::error::Error>(err: HistoryError) -> CommandError<E> {
    match err {
        HistoryError::Store(store) => store.into(),
        other => CommandError::Store(other.to_string()),
    }
}
