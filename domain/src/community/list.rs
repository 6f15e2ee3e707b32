//! A community's list as its events leave it: the needs and the offered resources.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use cqrs_es::event_sink::EventSink;
use cqrs_es::Aggregate;
use serde::{Deserialize, Serialize};

use super::{CommunityCommand, CommunityError, CommunityEvent, NeedKind, Party};
use crate::org::Organisation;

/// Where a list is: the community and its street (from the organisation before the first event,
/// from the events after).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    pub street: String,
    pub community: String,
}

/// The community list aggregate (one stream per community).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CommunityList {
    pub(super) place: Option<Place>,
    pub(super) needs: Vec<Need>,
    pub(super) resources: Vec<Resource>,
}

/// Where a need stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NeedStatus {
    /// Listed, waiting for a claim.
    Open,
    Claimed,
    Delivered,
    /// Points awarded (final).
    Confirmed,
    /// Taken off the list (final).
    Withdrawn,
}

impl NeedStatus {
    pub const ALL: [NeedStatus; 5] = [
        NeedStatus::Open,
        NeedStatus::Claimed,
        NeedStatus::Delivered,
        NeedStatus::Confirmed,
        NeedStatus::Withdrawn,
    ];

    /// The status named `name` (as [`NeedStatus::as_str`] writes it).
    pub fn parse(name: &str) -> Option<NeedStatus> {
        NeedStatus::ALL.into_iter().find(|s| s.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NeedStatus::Open => "open",
            NeedStatus::Claimed => "claimed",
            NeedStatus::Delivered => "delivered",
            NeedStatus::Confirmed => "confirmed",
            NeedStatus::Withdrawn => "withdrawn",
        }
    }
}

/// One need of the community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Need {
    pub no: u32,
    pub title: String,
    pub description: Option<String>,
    pub kind: NeedKind,
    /// The points published with it.
    pub points: u32,
    pub deadline: Option<DateTime<Utc>>,
    pub status: NeedStatus,
    pub published_at: DateTime<Utc>,
    pub claimant: Option<Party>,
    pub claimed_at: Option<DateTime<Utc>>,
    /// The resource it was matched to, when the claim came from a match.
    pub resource_no: Option<u32>,
    pub summary: Option<String>,
    pub evidence: Vec<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub awarded_points: Option<u32>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub withdrawn_reason: Option<String>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl Need {
    /// Open for claims at `at`: open, and its deadline (if any) not passed.
    pub fn is_claimable(&self, at: DateTime<Utc>) -> bool {
        self.status == NeedStatus::Open && self.deadline.is_none_or(|d| at <= d)
    }
}

/// One resource a unit offers the community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Resource {
    pub no: u32,
    pub unit: String,
    pub title: String,
    pub description: Option<String>,
    pub capacity: u32,
    pub available_from: Option<DateTime<Utc>>,
    pub available_until: Option<DateTime<Utc>>,
    pub offered_at: DateTime<Utc>,
    /// The needs it was matched to, in order.
    pub matched: Vec<u32>,
}

impl Resource {
    /// Whether `at` lies inside the offer's availability.
    pub fn is_available(&self, at: DateTime<Utc>) -> bool {
        self.facts().is_available(at)
    }

    /// Matches left.
    pub fn remaining(&self) -> u32 {
        self.facts().remaining()
    }
}

impl CommunityList {
    /// The community and street, once the list has an event.
    pub fn place(&self) -> Option<&Place> {
        self.place.as_ref()
    }

    pub fn needs(&self) -> &[Need] {
        &self.needs
    }

    pub fn need(&self, no: u32) -> Option<&Need> {
        self.needs.iter().find(|n| n.no == no)
    }

    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    pub fn resource(&self, no: u32) -> Option<&Resource> {
        self.resources.iter().find(|r| r.no == no)
    }

    /// Where community `code` is: the list's own place once it has events, otherwise the
    /// organisation's (a community unknown to it is `UnknownCommunity`).
    pub fn locate(&self, code: &str, org: &Organisation) -> Result<Place, CommunityError> {
        if let Some(place) = &self.place {
            return Ok(place.clone());
        }
        org.place_of_community(code)
            .ok_or_else(|| CommunityError::UnknownCommunity {
                community: code.to_string(),
            })
    }

    fn need_mut(&mut self, no: u32) -> Option<&mut Need> {
        self.needs.iter_mut().find(|n| n.no == no)
    }

    pub(super) fn apply_event(&mut self, event: CommunityEvent) {
        use CommunityEvent::*;
        self.place.get_or_insert_with(|| Place {
            street: event.street().to_string(),
            community: event.community().to_string(),
        });
        match event {
            NeedPublished {
                no,
                title,
                description,
                kind,
                points,
                deadline,
                at,
                ..
            } => self.needs.push(Need {
                no,
                title,
                description,
                kind,
                points,
                deadline,
                status: NeedStatus::Open,
                published_at: at,
                claimant: None,
                claimed_at: None,
                resource_no: None,
                summary: None,
                evidence: vec![],
                delivered_at: None,
                awarded_points: None,
                confirmed_at: None,
                withdrawn_reason: None,
                withdrawn_at: None,
            }),
            NeedClaimed {
                no, claimant, at, ..
            } => {
                if let Some(need) = self.need_mut(no) {
                    need.status = NeedStatus::Claimed;
                    need.claimant = Some(claimant);
                    need.claimed_at = Some(at);
                }
            }
            NeedDelivered {
                no,
                summary,
                evidence,
                at,
                ..
            } => {
                if let Some(need) = self.need_mut(no) {
                    need.status = NeedStatus::Delivered;
                    need.summary = Some(summary);
                    need.evidence = evidence;
                    need.delivered_at = Some(at);
                }
            }
            NeedConfirmed { no, points, at, .. } => {
                if let Some(need) = self.need_mut(no) {
                    need.status = NeedStatus::Confirmed;
                    need.awarded_points = Some(points);
                    need.confirmed_at = Some(at);
                }
            }
            NeedWithdrawn { no, reason, at, .. } => {
                if let Some(need) = self.need_mut(no) {
                    need.status = NeedStatus::Withdrawn;
                    need.withdrawn_reason = Some(reason);
                    need.withdrawn_at = Some(at);
                }
            }
            ResourceOffered {
                no,
                unit,
                title,
                description,
                capacity,
                available_from,
                available_until,
                at,
                ..
            } => self.resources.push(Resource {
                no,
                unit,
                title,
                description,
                capacity,
                available_from,
                available_until,
                offered_at: at,
                matched: vec![],
            }),
            ResourceMatched {
                no,
                unit,
                need_no,
                at,
                ..
            } => {
                if let Some(resource) = self.resources.iter_mut().find(|r| r.no == no) {
                    resource.matched.push(need_no);
                }
                if let Some(need) = self.need_mut(need_no) {
                    need.status = NeedStatus::Claimed;
                    need.claimant = Some(Party::Unit(unit));
                    need.claimed_at = Some(at);
                    need.resource_no = Some(no);
                }
            }
        }
    }
}

impl Aggregate for CommunityList {
    const TYPE: &'static str = "community";
    type Command = CommunityCommand;
    type Event = CommunityEvent;
    type Error = CommunityError;
    type Services = Arc<Organisation>;

    async fn handle(
        &mut self,
        command: CommunityCommand,
        org: &Arc<Organisation>,
        sink: &EventSink<Self>,
    ) -> Result<(), CommunityError> {
        for event in self.decide(command, org)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: CommunityEvent) {
        self.apply_event(event);
    }
}
