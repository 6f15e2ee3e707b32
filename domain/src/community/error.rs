//! Why a command on a community's list was refused; [`ErrorKind`] maps it onto HTTP as for cases.

use chrono::{DateTime, Utc};

use super::NeedStatus;
use crate::case::ErrorKind;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommunityError {
    // --- 400 Invalid -------------------------------------------------------------------------
    #[error("{field} must not be blank")]
    Blank { field: String },
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: String, max: usize },
    #[error("points must be between {min} and {max}")]
    PointsOutOfRange { min: u32, max: u32 },
    #[error("capacity must be at least 1")]
    NoCapacity,
    #[error("deadline must lie in the future")]
    DeadlineInPast,
    #[error("available_until must be later than available_from")]
    AvailabilityOrder,
    #[error("available_until has already passed")]
    AvailabilityOver,

    // --- 400 UnknownReference ----------------------------------------------------------------
    #[error("{field}: `{code}` is not in the organisation")]
    UnknownReference { field: String, code: String },

    // --- 403 Forbidden -----------------------------------------------------------------------
    #[error("a {role} may not change community lists")]
    RoleMayNotAct { role: &'static str },
    #[error("only the dispatcher of street `{street}`, where the community is, may {action}")]
    NotStreetDispatcher {
        action: &'static str,
        street: String,
    },
    #[error("only units (department tokens) and registered members claim needs")]
    MayNotClaim,
    #[error(
        "you are not registered in community `{community}`: report to it first (POST /members)"
    )]
    NotRegisteredHere { community: String },
    #[error("only whoever claimed need {no} may deliver it")]
    NotClaimant { no: u32 },
    #[error("only units (department tokens) offer resources, not a {role}")]
    NotAUnit { role: &'static str },
    #[error("only the street's dispatcher or the offering unit may match resource {no}")]
    MayNotMatch { no: u32 },

    // --- 404 NotFound ------------------------------------------------------------------------
    #[error("no community `{community}` in the organisation")]
    UnknownCommunity { community: String },
    #[error("this community has no need {no}")]
    NeedNotFound { no: u32 },
    #[error("this community has no resource {no}")]
    ResourceNotFound { no: u32 },

    // --- 409 Refused -------------------------------------------------------------------------
    #[error("need {no} has already been claimed")]
    NeedAlreadyClaimed { no: u32 },
    #[error("need {no} has not been claimed")]
    NeedNotClaimed { no: u32 },
    #[error("need {no} has already been delivered")]
    NeedAlreadyDelivered { no: u32 },
    #[error("need {no} must be delivered before it is confirmed")]
    NeedNotDelivered { no: u32 },
    #[error("need {no} has already been confirmed")]
    NeedAlreadyConfirmed { no: u32 },
    #[error("need {no} was withdrawn")]
    NeedWithdrawn { no: u32 },
    #[error("need {no} closed for claims at {deadline}")]
    NeedExpired { no: u32, deadline: DateTime<Utc> },
    #[error("resource {no} is fully matched ({capacity} of {capacity})")]
    ResourceExhausted { no: u32, capacity: u32 },
    #[error("resource {no} is not available now")]
    ResourceUnavailable { no: u32 },
}

impl CommunityError {
    pub fn kind(&self) -> ErrorKind {
        use CommunityError::*;
        match self {
            Blank { .. }
            | TooLong { .. }
            | PointsOutOfRange { .. }
            | NoCapacity
            | DeadlineInPast
            | AvailabilityOrder
            | AvailabilityOver => ErrorKind::Invalid,
            UnknownReference { .. } => ErrorKind::UnknownReference,
            RoleMayNotAct { .. }
            | NotStreetDispatcher { .. }
            | MayNotClaim
            | NotRegisteredHere { .. }
            | NotClaimant { .. }
            | NotAUnit { .. }
            | MayNotMatch { .. } => ErrorKind::Forbidden,
            UnknownCommunity { .. } | NeedNotFound { .. } | ResourceNotFound { .. } => {
                ErrorKind::NotFound
            }
            NeedAlreadyClaimed { .. }
            | NeedNotClaimed { .. }
            | NeedAlreadyDelivered { .. }
            | NeedNotDelivered { .. }
            | NeedAlreadyConfirmed { .. }
            | NeedWithdrawn { .. }
            | NeedExpired { .. }
            | ResourceExhausted { .. }
            | ResourceUnavailable { .. } => ErrorKind::Refused,
        }
    }

    /// The request field (or path parameter) at fault.
    pub fn field(&self) -> Option<&str> {
        use CommunityError::*;
        match self {
            Blank { field } | TooLong { field, .. } | UnknownReference { field, .. } => Some(field),
            PointsOutOfRange { .. } => Some("points"),
            NoCapacity => Some("capacity"),
            DeadlineInPast => Some("deadline"),
            AvailabilityOrder | AvailabilityOver => Some("available_until"),
            UnknownCommunity { .. } => Some("community"),
            _ => None,
        }
    }

    /// The refusal for a step on a need in `status` that the step does not take.
    pub(super) fn need_in(no: u32, status: NeedStatus) -> Self {
        match status {
            NeedStatus::Open => CommunityError::NeedNotClaimed { no },
            NeedStatus::Claimed => CommunityError::NeedNotDelivered { no },
            NeedStatus::Delivered => CommunityError::NeedAlreadyDelivered { no },
            NeedStatus::Confirmed => CommunityError::NeedAlreadyConfirmed { no },
            NeedStatus::Withdrawn => CommunityError::NeedWithdrawn { no },
        }
    }
}
