//! Events of a community's list, named as in DESIGN §3 and serialized like case events
//! (`{"NeedPublished": {...}}`). Every event names the community and its street, so a reader of
//! one event (the NATS relay, an outside system) needs nothing else to place it; points are
//! recorded where they are decided.

use chrono::{DateTime, Utc};
use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};

use super::{NeedKind, Party};

/// Declares the event enum and derives `name`, `at`, `street` and `community` from one list
/// (every variant carries those three fields).
macro_rules! community_events {
    ($( $(#[$doc:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? } )*) => {
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        pub enum CommunityEvent {
            $( $(#[$doc])* $name { $($field: $ty),* }, )*
        }

        impl CommunityEvent {
            /// The DESIGN §3 event name.
            pub fn name(&self) -> &'static str {
                match self { $( CommunityEvent::$name { .. } => stringify!($name), )* }
            }

            /// When it happened.
            pub fn at(&self) -> DateTime<Utc> {
                match self { $( CommunityEvent::$name { at, .. } => *at, )* }
            }

            /// The street of the community.
            pub fn street(&self) -> &str {
                match self { $( CommunityEvent::$name { street, .. } => street, )* }
            }

            /// The community's code.
            pub fn community(&self) -> &str {
                match self { $( CommunityEvent::$name { community, .. } => community, )* }
            }
        }
    };
}

community_events! {
    /// 需求 need number `no` listed by the community.
    NeedPublished {
        no: u32, street: String, community: String, title: String,
        description: Option<String>, kind: NeedKind, points: u32,
        deadline: Option<DateTime<Utc>>, at: DateTime<Utc>,
    }
    /// 认领 by a unit or a registered member.
    NeedClaimed { no: u32, street: String, community: String, claimant: Party, at: DateTime<Utc> }
    /// The claimant reports the need delivered.
    NeedDelivered {
        no: u32, street: String, community: String, summary: String, evidence: Vec<String>,
        at: DateTime<Utc>,
    }
    /// The community confirms the delivery and awards `points` to `claimant`.
    NeedConfirmed {
        no: u32, street: String, community: String, claimant: Party, points: u32,
        at: DateTime<Utc>,
    }
    /// Taken off the list before delivery.
    NeedWithdrawn { no: u32, street: String, community: String, reason: String, at: DateTime<Utc> }
    /// 资源 resource number `no` offered by `unit`.
    ResourceOffered {
        no: u32, street: String, community: String, unit: String, title: String,
        description: Option<String>, capacity: u32, available_from: Option<DateTime<Utc>>,
        available_until: Option<DateTime<Utc>>, at: DateTime<Utc>,
    }
    /// Resource `no` matched to need `need_no`: the need is claimed by the resource's `unit`.
    ResourceMatched {
        no: u32, street: String, community: String, unit: String, need_no: u32,
        at: DateTime<Utc>,
    }
}

impl DomainEvent for CommunityEvent {
    fn event_type(&self) -> String {
        self.name().to_string()
    }

    fn event_version(&self) -> String {
        "1".to_string()
    }
}
