//! Why a case command was refused. Each variant is something the caller can act on; [`ErrorKind`]
//! and [`CaseError::field`] let the HTTP layer map every error in one place.

use chrono::{DateTime, Utc};

use super::deadline::DeadlineStep;
use super::state::CaseState;

/// How a refusal maps onto HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// 400: bad input; [`CaseError::field`] names the field.
    Invalid,
    /// 400: a code that names nothing in the organisation; `field` names where it came from.
    UnknownReference,
    /// 403: the actor's role or scope does not cover this.
    Forbidden,
    /// 404: no such case (or whistle, or task on it).
    NotFound,
    /// 409: the case's current state does not allow it.
    Refused,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CaseError {
    // --- 400 Invalid -------------------------------------------------------------------------
    #[error("{field} must not be blank")]
    Blank { field: String },
    #[error("{field} is too long: at most {max} characters")]
    TooLong { field: String, max: usize },
    #[error(
        "{field} names the same unit twice (co-units must differ from the unit and each other)"
    )]
    DuplicateUnit { field: String },
    #[error("departments must name at least one department to summon")]
    NoDepartments,
    #[error("departments names `{department}` twice")]
    DuplicateDepartment { department: String },
    #[error("departments needs at least one lead department")]
    NoLeadDepartment,
    #[error("ratings must rate exactly who reported in (missing: {missing:?}, extra: {extra:?})")]
    RatingsMismatch {
        missing: Vec<String>,
        extra: Vec<String>,
    },
    #[error("summary must give the reason when the outcome is unresolvable")]
    UnresolvableNeedsReason,
    #[error("{field} is required when the callback reached the requester")]
    CallbackDetailRequired { field: String },
    #[error("{field} must be left out when the callback did not reach the requester")]
    CallbackDetailForbidden { field: String },
    #[error("until must be later than the current resolve deadline {resolve_by}")]
    ExtensionNotLater { resolve_by: DateTime<Utc> },
    #[error("until is beyond the longest extension allowed, {latest}")]
    ExtensionTooLong { latest: DateTime<Utc> },
    #[error("review_at must be in the future")]
    ReviewNotInFuture,
    #[error("{field} does not go with decision `{decision}`")]
    FieldNotForDecision {
        field: String,
        decision: &'static str,
    },
    #[error("responsible is required to rule a dispute")]
    ResponsibleRequired,
    #[error("{field}: `{value}` is not a case id")]
    MalformedCaseId { field: String, value: String },
    #[error("related_cases go only with channel `proactive`")]
    RelatedCasesNotProactive,
    #[error("a proactive case has no requester")]
    ProactiveWithRequester,
    #[error("a case cannot be merged into itself")]
    MergeIntoItself,
    #[error("add or remove must name at least one tag")]
    NoTags,
    #[error("tag `{tag}` is both added and removed")]
    TagAddedAndRemoved { tag: String },

    // --- 400 UnknownReference ----------------------------------------------------------------
    #[error("{field}: `{code}` is not in the organisation")]
    UnknownReference { field: String, code: String },
    #[error("{field}: there is no case `{case_id}`")]
    UnknownCase { field: String, case_id: String },

    // --- 403 Forbidden -----------------------------------------------------------------------
    #[error("a {role} may not open cases")]
    MayNotOpen { role: &'static str },
    #[error("a {role} may not change an existing case")]
    RoleMayNotAct { role: &'static str },
    #[error("only the hotline or the dispatcher of street `{street}` may {action} this case")]
    NotCoordinator {
        action: &'static str,
        street: String,
    },
    #[error("only the dispatcher of street `{street}`, where the case is, may {action}")]
    NotStreetDispatcher {
        action: &'static str,
        street: String,
    },
    #[error(
        "only whoever dispatched this case (the hotline, or the dispatching street) may {action}"
    )]
    NotDispatchingParty { action: &'static str },
    #[error("only the handling unit the case is dispatched to may {action}")]
    NotHandlingUnit { action: &'static str },
    #[error("a street dispatches to itself or a department, never to street `{street}`")]
    DispatchToOtherStreet { street: String },
    #[error("only the hotline may {action}")]
    HotlineOnly { action: &'static str },
    #[error("only the deadline service records deadline events")]
    SystemOnly,
    #[error("your department was not summoned by whistle {no}")]
    NotSummoned { no: u32 },
    #[error("only volunteers and departments claim tasks")]
    MayNotClaim,
    #[error("only whoever claimed task {no} may complete it")]
    NotClaimant { no: u32 },
    #[error("a street dispatcher merges only into cases of its own street, not of `{street}`")]
    MergeAcrossStreets { street: String },
    #[error("only the hotline, the case's street dispatcher or its handling unit may tag it")]
    MayNotTag,
    #[error("a {role} may not open proactive cases")]
    MayNotOpenProactive { role: &'static str },

    // --- 404 NotFound ------------------------------------------------------------------------
    #[error("no case has been opened under this id")]
    NotOpened,
    #[error("this case has no whistle {no}")]
    WhistleNotFound { no: u32 },
    #[error("this case has no task {no}")]
    TaskNotFound { no: u32 },

    // --- 409 Refused -------------------------------------------------------------------------
    #[error("this case has already been opened")]
    AlreadyOpened,
    #[error("`{action}` is not allowed while the case is {state}")]
    WrongState {
        action: &'static str,
        state: CaseState,
    },
    #[error("only a consultation can be answered directly")]
    NotConsultation,
    #[error("a return is already pending a decision")]
    ReturnAlreadyPending,
    #[error("the return window closed at {until}")]
    ReturnWindowClosed { until: DateTime<Utc> },
    #[error("a binding dispute ruling settled who handles this case: no further return")]
    ReturnBarredByRuling,
    #[error("whistle {no} is closed")]
    WhistleClosed { no: u32 },
    #[error("your department has already reported in to whistle {no}")]
    AlreadyReportedIn { no: u32 },
    #[error("your department declined whistle {no}")]
    AlreadyDeclined { no: u32 },
    #[error("report in to whistle {no} before reporting actions")]
    NotReportedIn { no: u32 },
    #[error("task {no} has already been claimed")]
    TaskAlreadyClaimed { no: u32 },
    #[error("task {no} has not been claimed")]
    TaskNotClaimed { no: u32 },
    #[error("task {no} has already been completed")]
    TaskAlreadyCompleted { no: u32 },
    #[error("task {no} must be completed before it is confirmed")]
    TaskNotCompleted { no: u32 },
    #[error("task {no} has already been confirmed")]
    TaskAlreadyConfirmed { no: u32 },
    #[error("an extension request is already pending")]
    ExtensionAlreadyPending,
    #[error("this case already had the {max} extension(s) allowed")]
    ExtensionLimitReached { max: u32 },
    #[error("no extension request is pending")]
    NoExtensionPending,
    #[error("all {max} callback attempts failed to reach the requester: close the case")]
    CallbackAttemptsExhausted { max: u32 },
    #[error("close needs a callback that reached the requester, or all {max} attempts used")]
    CallbackOutstanding { max: u32 },
    #[error("the reopen window closed at {until}")]
    ReopenWindowClosed { until: DateTime<Utc> },
    #[error("this case has been reopened the {max} time(s) allowed")]
    ReopenLimitReached { max: u32 },
    #[error("this case is already excluded from assessment")]
    AlreadyExcluded,
    #[error("no such deadline pending at that due time (met, moved, paused or over)")]
    DeadlineNotPending,
    #[error("{step} has already been recorded for this deadline")]
    AlreadyRecorded { step: DeadlineStep },
    #[error("the deadline is already due: too late for approaching")]
    AlreadyDue,
    #[error("too early for {step}: not before {not_before}")]
    TooEarly {
        step: DeadlineStep,
        not_before: DateTime<Utc>,
    },
    #[error("{step} needs {requires} first")]
    StepOutOfOrder {
        step: DeadlineStep,
        requires: DeadlineStep,
    },
    #[error("case `{into}` is {state}: a duplicate is merged only into an open case")]
    PrimaryNotOpen { into: String, state: CaseState },
    #[error("case `{into}` is merged into this case: merging back would make a cycle")]
    MergeCycle { into: String },
    #[error("this case is the primary of {count} duplicate(s): unmerge them before merging it")]
    HasDuplicates { count: usize },
    #[error("this case is merged into `{into}`: unmerge it first")]
    MergedDuplicate { into: String },
    #[error("the primary case `{primary}` is closed: its duplicates close with it, no unmerge")]
    PrimaryClosed { primary: String },
    #[error("this duplicate closed with its primary `{primary}`: reopen the primary instead")]
    ClosedWithPrimary { primary: String },
    #[error("this case is {state}: it accepts no duplicates")]
    AcceptsNoDuplicates { state: CaseState },
    #[error("this case is not merged into `{primary}`")]
    NotMergedInto { primary: String },
    #[error("case `{case_id}` is already attached as a duplicate")]
    AlreadyAttached { case_id: String },
    #[error("case `{case_id}` is not attached as a duplicate")]
    NotAttached { case_id: String },
    #[error("the case already has every tag added and none of the tags removed")]
    TagsUnchanged,
}

impl CaseError {
    pub fn kind(&self) -> ErrorKind {
        use CaseError::*;
        match self {
            Blank { .. }
            | TooLong { .. }
            | DuplicateUnit { .. }
            | NoDepartments
            | DuplicateDepartment { .. }
            | NoLeadDepartment
            | RatingsMismatch { .. }
            | UnresolvableNeedsReason
            | CallbackDetailRequired { .. }
            | CallbackDetailForbidden { .. }
            | ExtensionNotLater { .. }
            | ExtensionTooLong { .. }
            | ReviewNotInFuture
            | FieldNotForDecision { .. }
            | ResponsibleRequired
            | MalformedCaseId { .. }
            | RelatedCasesNotProactive
            | ProactiveWithRequester
            | MergeIntoItself
            | NoTags
            | TagAddedAndRemoved { .. } => ErrorKind::Invalid,
            UnknownReference { .. } | UnknownCase { .. } => ErrorKind::UnknownReference,
            MayNotOpen { .. }
            | RoleMayNotAct { .. }
            | NotCoordinator { .. }
            | NotStreetDispatcher { .. }
            | NotDispatchingParty { .. }
            | NotHandlingUnit { .. }
            | DispatchToOtherStreet { .. }
            | HotlineOnly { .. }
            | SystemOnly
            | NotSummoned { .. }
            | MayNotClaim
            | NotClaimant { .. }
            | MergeAcrossStreets { .. }
            | MayNotTag
            | MayNotOpenProactive { .. } => ErrorKind::Forbidden,
            NotOpened | WhistleNotFound { .. } | TaskNotFound { .. } => ErrorKind::NotFound,
            AlreadyOpened
            | WrongState { .. }
            | NotConsultation
            | ReturnAlreadyPending
            | ReturnWindowClosed { .. }
            | ReturnBarredByRuling
            | WhistleClosed { .. }
            | AlreadyReportedIn { .. }
            | AlreadyDeclined { .. }
            | NotReportedIn { .. }
            | TaskAlreadyClaimed { .. }
            | TaskNotClaimed { .. }
            | TaskAlreadyCompleted { .. }
            | TaskNotCompleted { .. }
            | TaskAlreadyConfirmed { .. }
            | ExtensionAlreadyPending
            | ExtensionLimitReached { .. }
            | NoExtensionPending
            | CallbackAttemptsExhausted { .. }
            | CallbackOutstanding { .. }
            | ReopenWindowClosed { .. }
            | ReopenLimitReached { .. }
            | AlreadyExcluded
            | DeadlineNotPending
            | AlreadyRecorded { .. }
            | AlreadyDue
            | TooEarly { .. }
            | StepOutOfOrder { .. }
            | PrimaryNotOpen { .. }
            | MergeCycle { .. }
            | HasDuplicates { .. }
            | MergedDuplicate { .. }
            | PrimaryClosed { .. }
            | NotMergedInto { .. }
            | AcceptsNoDuplicates { .. }
            | ClosedWithPrimary { .. }
            | AlreadyAttached { .. }
            | NotAttached { .. }
            | TagsUnchanged => ErrorKind::Refused,
        }
    }

    /// The request field at fault, for `Invalid` and `UnknownReference`.
    pub fn field(&self) -> Option<&str> {
        use CaseError::*;
        match self {
            Blank { field }
            | TooLong { field, .. }
            | DuplicateUnit { field }
            | CallbackDetailRequired { field }
            | CallbackDetailForbidden { field }
            | FieldNotForDecision { field, .. }
            | MalformedCaseId { field, .. }
            | UnknownReference { field, .. }
            | UnknownCase { field, .. } => Some(field),
            RelatedCasesNotProactive => Some("related_cases"),
            ProactiveWithRequester => Some("requester"),
            MergeIntoItself => Some("into"),
            NoTags => Some("add"),
            TagAddedAndRemoved { .. } => Some("remove"),
            NoDepartments | DuplicateDepartment { .. } | NoLeadDepartment => Some("departments"),
            RatingsMismatch { .. } => Some("ratings"),
            UnresolvableNeedsReason => Some("summary"),
            ExtensionNotLater { .. } | ExtensionTooLong { .. } => Some("until"),
            ReviewNotInFuture => Some("review_at"),
            ResponsibleRequired => Some("responsible"),
            _ => None,
        }
    }

    pub(super) fn blank(field: &str) -> Self {
        CaseError::Blank {
            field: field.to_string(),
        }
    }

    pub(super) fn unknown(field: impl Into<String>, code: &str) -> Self {
        CaseError::UnknownReference {
            field: field.into(),
            code: code.to_string(),
        }
    }
}
