//! Whose community lists a person works with on the board: a street's dispatcher every community
//! of the street, a registered member the community where they live, units and those who read
//! everything the whole district. Any of them may narrow the lists to one community of their
//! scope (`?community=`).

use shaobao_domain::community::Place;
use shaobao_domain::org::Organisation;
use shaobao_domain::{Actor, Role};
use shaobao_projections::models::community::{self, NeedFilter, ResourceFilter};

use crate::console::error::ConsoleError;
use crate::console::session::Person;
use crate::server::AppState;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A street's dispatcher: every community of the street.
    Street(String),
    /// A registered member: the community where they live.
    Community(String),
    /// A volunteer who has not reported to a community yet 报到: nothing to claim until then.
    Unregistered,
    /// Resident units and those who read everything.
    District,
}

/// The signed-in person as the board sees them.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub actor: Actor,
    pub scope: Scope,
    /// Where the person is registered as a member (volunteers only): the domain's claim rule
    /// needs it.
    pub member_community: Option<String>,
    /// The one community the lists are narrowed to, when it lies in the scope.
    pub narrowed: Option<String>,
}

impl Viewer {
    /// Reads where a volunteer is registered from the community read model.
    pub async fn of(
        state: &AppState,
        person: &Person,
        narrowed: Option<&str>,
    ) -> Result<Viewer, ConsoleError> {
        let actor = person.actor();
        let (scope, member_community) = match &actor.role {
            Role::Dispatcher { street } => (Scope::Street(street.clone()), None),
            Role::Volunteer { member } => {
                let registered = community::member(&state.store, member)
                    .await?
                    .and_then(|m| m.community);
                match registered {
                    Some(c) => (Scope::Community(c.clone()), Some(c)),
                    None => (Scope::Unregistered, None),
                }
            }
            _ => (Scope::District, None),
        };
        let mut viewer = Viewer {
            actor,
            scope,
            member_community,
            narrowed: None,
        };
        viewer.narrowed = narrowed
            .filter(|code| !code.is_empty())
            .filter(|code| {
                viewer
                    .places(&state.org)
                    .iter()
                    .any(|p| p.community == *code)
            })
            .map(str::to_string);
        Ok(viewer)
    }

    /// The communities in the person's scope, street by street as the organisation lists them.
    pub fn places(&self, org: &Organisation) -> Vec<Place> {
        let all = org.streets.iter().flat_map(|street| {
            street.communities.iter().map(|c| Place {
                street: street.code.clone(),
                community: c.code.clone(),
            })
        });
        match &self.scope {
            Scope::Street(code) => all.filter(|p| p.street == *code).collect(),
            Scope::Community(code) => all.filter(|p| p.community == *code).collect(),
            Scope::Unregistered => vec![],
            Scope::District => all.collect(),
        }
    }

    /// The communities the lists show now: the narrowed one, or the whole scope.
    pub fn shown(&self, org: &Organisation) -> Vec<Place> {
        let places = self.places(org);
        match &self.narrowed {
            Some(code) => places
                .into_iter()
                .filter(|p| p.community == *code)
                .collect(),
            None => places,
        }
    }

    /// Which needs to list; `None` when there is nothing to list.
    pub fn need_filter(&self) -> Option<NeedFilter> {
        let (street, community) = self.where_clause()?;
        Some(NeedFilter {
            street,
            community,
            ..NeedFilter::default()
        })
    }

    /// Which resources to list; `None` when there is nothing to list.
    pub fn resource_filter(&self) -> Option<ResourceFilter> {
        let (street, community) = self.where_clause()?;
        Some(ResourceFilter {
            street,
            community,
            ..ResourceFilter::default()
        })
    }

    /// (street, community) to filter the lists by.
    fn where_clause(&self) -> Option<(Option<String>, Option<String>)> {
        if let Some(community) = &self.narrowed {
            return Some((None, Some(community.clone())));
        }
        match &self.scope {
            Scope::Street(street) => Some((Some(street.clone()), None)),
            Scope::Community(community) => Some((None, Some(community.clone()))),
            Scope::Unregistered => None,
            Scope::District => Some((None, None)),
        }
    }

    /// The query string that keeps the narrowing (`community=…`), empty when not narrowed.
    pub fn query(&self) -> String {
        match &self.narrowed {
            Some(code) => form_urlencoded::Serializer::new(String::new())
                .append_pair("community", code)
                .finish(),
            None => String::new(),
        }
    }
}
