//! What each role's token may attempt and read over HTTP (DESIGN §1).
//!
//! These are coarse gates only. Whether an actor may do something to *this* case (the handling
//! unit signs, the summoned department reports in, the case's street whistles) is the domain's
//! decision, and comes back as a 403 from it.

use shaobao_domain::case::{TaskAction, TaskStatus, Unit};
use shaobao_domain::{Actor, Case, CaseAction, Role};
use shaobao_projections::models::deadlines::AlertFilter;
use shaobao_services::store::StoreError;

use crate::api_error::ApiError;
use crate::server::AppState;

/// Auditors and admins never write; the deadline service has no token.
pub fn require_writer(actor: &Actor) -> Result<(), ApiError> {
    match actor.role {
        Role::Auditor | Role::Admin | Role::System => Err(forbidden(actor, "write")),
        _ => Ok(()),
    }
}

/// On an existing case, intake apps do nothing and volunteers only claim and complete tasks.
/// (Who may open cases and record visits is the domain's decision alone.)
pub fn require_may_attempt(actor: &Actor, action: &CaseAction) -> Result<(), ApiError> {
    let allowed = match actor.role {
        Role::Auditor | Role::Admin | Role::System | Role::Intake => false,
        Role::Volunteer { .. } => matches!(
            action,
            CaseAction::Task {
                action: TaskAction::Claim | TaskAction::Complete { .. },
                ..
            }
        ),
        Role::Hotline | Role::Dispatcher { .. } | Role::Department { .. } => true,
    };
    if allowed {
        Ok(())
    } else {
        Err(forbidden(actor, action.name()))
    }
}

/// The global event feed is for auditors and admins.
pub fn require_feed_reader(actor: &Actor) -> Result<(), ApiError> {
    match actor.role {
        Role::Auditor | Role::Admin => Ok(()),
        _ => Err(forbidden(actor, "read the global event feed")),
    }
}

/// Whether `actor` may read `case` (its state, history and past versions):
/// - hotline, auditor, admin: every case (admins read the whole feed anyway);
/// - dispatcher: cases located in its street or dispatched to it (as handling unit or co-unit);
/// - department: cases dispatched to it, cases with a whistle summoning it, cases with a task it
///   claimed;
/// - volunteer: cases with a task still open for claiming, or one it claimed;
/// - intake: none (resident apps read public status through Open311).
pub fn require_may_read(actor: &Actor, case: &Case) -> Result<(), ApiError> {
    if may_read(actor, case) {
        Ok(())
    } else {
        Err(forbidden(actor, "read this case"))
    }
}

/// See [`require_may_read`].
pub fn may_read(actor: &Actor, case: &Case) -> bool {
    match &actor.role {
        Role::Hotline | Role::Auditor | Role::Admin => true,
        Role::Dispatcher { street } => {
            case.street() == Some(street.as_str()) || serves(case, &Unit::Street(street.clone()))
        }
        Role::Department { department } => {
            serves(case, &Unit::Department(department.clone()))
                || case
                    .whistles()
                    .iter()
                    .any(|w| w.department(department).is_some())
                || claimed_by(case, actor)
        }
        Role::Volunteer { .. } => {
            case.tasks().iter().any(|t| t.status == TaskStatus::Open) || claimed_by(case, actor)
        }
        Role::Intake | Role::System => false,
    }
}

/// Hotline, auditors and admins read every list.
fn reads_everything(actor: &Actor) -> bool {
    matches!(actor.role, Role::Hotline | Role::Auditor | Role::Admin)
}

/// The access log of personal data: auditors only (it watches everyone else's reads).
pub fn require_access_log_reader(actor: &Actor) -> Result<(), ApiError> {
    match actor.role {
        Role::Auditor => Ok(()),
        _ => Err(forbidden(actor, "read the access log of personal data")),
    }
}

/// A street's work queue: its dispatcher, and those who read everything.
pub fn may_read_queue(actor: &Actor, street: &str) -> bool {
    reads_everything(actor) || actor.street() == Some(street)
}

/// A department's inbox: its clerks, and those who read everything.
pub fn may_read_inbox(actor: &Actor, department: &str) -> bool {
    reads_everything(actor) || actor.department_code() == Some(department)
}

/// Which alerts `actor` reads, narrowed by the street and department asked for: a dispatcher
/// always its street, a department always itself; `None` when it may read none.
pub fn alert_filter(
    actor: &Actor,
    street: Option<String>,
    department: Option<String>,
) -> Option<AlertFilter> {
    match &actor.role {
        Role::Dispatcher { street: own } => Some(AlertFilter {
            street: Some(own.clone()),
            department,
        }),
        Role::Department { department: own } => Some(AlertFilter {
            street,
            department: Some(own.clone()),
        }),
        _ if reads_everything(actor) => Some(AlertFilter { street, department }),
        _ => None,
    }
}

/// The (street, department) a case search is narrowed to: a dispatcher its street, a department
/// itself; `None` when `actor` may not search.
pub fn search_scope(
    actor: &Actor,
    street: Option<String>,
    department: Option<String>,
) -> Option<(Option<String>, Option<String>)> {
    match &actor.role {
        Role::Dispatcher { street: own } => Some((Some(own.clone()), department)),
        Role::Department { department: own } => Some((street, Some(own.clone()))),
        _ if reads_everything(actor) => Some((street, department)),
        _ => None,
    }
}

/// The auditor's case view (every event with metadata, hashes and payloads unmasked): auditors,
/// operators and the hotline.
pub fn may_audit_histories(actor: &Actor) -> bool {
    reads_everything(actor)
}

/// Which street's open cases `actor` sees on the map: every street (`Some(None)`) for those who
/// read every case, a dispatcher its own; `None` for the others.
pub fn map_scope(actor: &Actor) -> Option<Option<String>> {
    match &actor.role {
        Role::Dispatcher { street } => Some(Some(street.clone())),
        _ if reads_everything(actor) => Some(None),
        _ => None,
    }
}

/// Statistics: everyone but resident apps, volunteers and the deadline service.
pub fn may_read_statistics(actor: &Actor) -> bool {
    !matches!(
        actor.role,
        Role::Intake | Role::Volunteer { .. } | Role::System
    )
}

/// The volunteer board: every role but resident apps and the deadline service.
pub fn may_read_board(actor: &Actor) -> bool {
    !matches!(actor.role, Role::Intake | Role::System)
}

/// The community lists (needs and resources of any community or street): every role but
/// resident apps and the deadline service. Units browse them to claim and offer; members to
/// claim; dispatchers to publish, match and confirm.
pub fn may_read_community_lists(actor: &Actor) -> bool {
    !matches!(actor.role, Role::Intake | Role::System)
}

/// Scores and rankings 量化积分: published to everyone the lists are (units and members see where
/// they stand), not to resident apps.
pub fn may_read_scores(actor: &Actor) -> bool {
    may_read_community_lists(actor)
}

/// Member registrations (names, home units): hotline, auditors, admins, the dispatcher of the
/// street the member lives in (`street`, when known), and the member themselves.
pub fn may_read_member(actor: &Actor, member: &str, street: Option<&str>) -> bool {
    match &actor.role {
        Role::Volunteer { member: own } => own == member,
        Role::Dispatcher { street: own } => street == Some(own.as_str()),
        _ => reads_everything(actor),
    }
}

/// A community's or street's member list: the street's dispatcher and those who read everything.
pub fn may_read_members_of(actor: &Actor, street: &str) -> bool {
    reads_everything(actor) || actor.street() == Some(street)
}

/// Whether `actor` sees `case`'s requester unmasked on `route` ([`Case::requester_access`]); an
/// unmasked read by a street or a department is written to the access log first.
pub async fn shows_requester(
    state: &AppState,
    case_id: &str,
    case: &Case,
    actor: &Actor,
    route: &str,
) -> Result<bool, StoreError> {
    let now = state.clock.now();
    let access = state
        .access_log
        .requester_access(case_id, case, actor, route, now)
        .await?;
    Ok(access.is_shown())
}

fn serves(case: &Case, unit: &Unit) -> bool {
    case.handling_unit() == Some(unit) || case.co_units().contains(unit)
}

fn claimed_by(case: &Case, actor: &Actor) -> bool {
    case.tasks()
        .iter()
        .any(|t| t.claimant.as_ref().is_some_and(|c| c.role == actor.role))
}

fn forbidden(actor: &Actor, what: &str) -> ApiError {
    let scope = match &actor.role {
        Role::Dispatcher { street } => format!(" of street `{street}`"),
        Role::Department { department } => format!(" `{department}`"),
        _ => String::new(),
    };
    ApiError::Forbidden(format!(
        "a {}{scope} token may not {what}",
        actor.role.name()
    ))
}
