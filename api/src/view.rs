//! What the HTTP API answers: command answers, the case view, events, lists, the organisation.
//! Each is a plain serializable type, so the OpenAPI document describes exactly what is sent.

use serde::Serialize;
use serde_json::Value;
use shaobao_domain::case::{
    AttachedDuplicate, Callbacks, Closure, DeadlineAlert, Deadlines, Dispatcher, Extension, Intake,
    MergedInto, Parking, PendingReturn, Requester, Resolution, SupervisionLevel, Task, Unit,
    Whistle,
};
use shaobao_domain::org::{Category, Department, District, Organisation, Street};
use shaobao_domain::{Case, CaseState};
use shaobao_services::command::CommandOutcome;
use shaobao_services::history::Replayed;
use shaobao_services::store::LoggedEvent;
use utoipa::ToSchema;

/// The answer to a case command.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommandAnswer {
    pub case_id: String,
    /// The case's version after the command (use it in `If-Match`).
    pub version: i64,
    /// Opaque read-your-writes token: the log position of the command's last event.
    pub position: String,
    /// The whistle this command blew (`POST /cases/{id}/whistles`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub whistle_no: Option<u32>,
    /// The task this command published (`POST /cases/{id}/tasks`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_no: Option<u32>,
}

impl From<&CommandOutcome> for CommandAnswer {
    fn from(outcome: &CommandOutcome) -> Self {
        CommandAnswer {
            case_id: outcome.aggregate_id.clone(),
            version: outcome.version,
            position: outcome.position.to_string(),
            whistle_no: None,
            task_no: None,
        }
    }
}

/// The answer to a command on a community's list (`POST /communities/{community}/…`).
#[derive(Debug, Serialize, ToSchema)]
pub struct CommunityAnswer {
    pub community: String,
    /// The list's version after the command (use it in `If-Match`).
    pub version: i64,
    /// Opaque read-your-writes token.
    pub position: String,
    /// The need this command published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub need_no: Option<u32>,
    /// The resource this command offered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_no: Option<u32>,
}

/// The answer to a command on a member's registration (`POST /members…`).
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberAnswer {
    pub member: String,
    /// The registration's version after the command.
    pub version: i64,
    /// Opaque read-your-writes token.
    pub position: String,
}

/// The answer to `POST /visits`: the visit, and the case each finding opened (in finding order).
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitAnswer {
    pub visit_id: String,
    /// The visit stream's version.
    pub version: i64,
    /// Read-your-writes token covering the visit and every case it opened.
    pub position: String,
    pub case_ids: Vec<String>,
}

/// A case as it stands (or stood, at a version). `channel`, `kind`, `category`, `urgency`,
/// `description`, `location`, `requester`, `source` and `opened_at` come from intake.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub case_id: String,
    pub version: i64,
    pub state: CaseState,
    #[serde(flatten)]
    pub intake: Intake,
    pub handling_unit: Option<Unit>,
    pub co_units: Vec<Unit>,
    pub dispatched_by: Option<Dispatcher>,
    pub deadlines: Deadlines,
    pub pending_return: Option<PendingReturn>,
    /// Set by a binding dispute ruling: no further return.
    pub return_barred: bool,
    pub extension: Extension,
    pub resolution: Option<Resolution>,
    pub callbacks: Callbacks,
    pub closure: Option<Closure>,
    pub reopen_count: u32,
    pub parking: Option<Parking>,
    pub whistles: Vec<Whistle>,
    pub tasks: Vec<Task>,
    /// Excluded from assessment 不纳入考核.
    pub excluded: bool,
    pub exclusion_reason: Option<String>,
    pub supervision: Option<SupervisionLevel>,
    pub alerts: Vec<DeadlineAlert>,
    /// 类案 tags, sorted.
    pub tags: Vec<String>,
    /// Set while (or since, once closed with it) this case is a duplicate of another.
    pub merge: Option<MergedInto>,
    /// 并单 the duplicates attached to this case, with their requesters (masked like its own):
    /// the callback reaches every one of them.
    pub duplicates: Vec<AttachedDuplicate>,
}

impl CaseView {
    /// The view of a replayed case; `None` if it was never opened. With `mask_requester` the
    /// requester's name and phone are masked.
    pub fn new(case_id: &str, replayed: &Replayed<Case>, mask_requester: bool) -> Option<Self> {
        let case = &replayed.aggregate;
        let mut intake = case.intake()?.clone();
        if mask_requester {
            intake.requester = intake.requester.map(masked);
        }
        Some(CaseView {
            case_id: case_id.to_string(),
            version: replayed.version,
            state: case.state()?,
            intake,
            handling_unit: case.handling_unit().cloned(),
            co_units: case.co_units().to_vec(),
            dispatched_by: case.dispatched_by().cloned(),
            deadlines: case.deadlines().clone(),
            pending_return: case.pending_return().cloned(),
            return_barred: case.return_barred(),
            extension: case.extension().clone(),
            resolution: case.resolution().cloned(),
            callbacks: case.callbacks().clone(),
            closure: case.closure().cloned(),
            reopen_count: case.reopen_count(),
            parking: case.parking().cloned(),
            whistles: case.whistles().to_vec(),
            tasks: case.tasks().to_vec(),
            excluded: case.is_excluded(),
            exclusion_reason: case.exclusion_reason().map(str::to_string),
            supervision: case.supervision(),
            alerts: case.alerts().to_vec(),
            tags: case.tags().map(str::to_string).collect(),
            merge: case.merge().cloned(),
            duplicates: case
                .duplicates()
                .iter()
                .cloned()
                .map(|mut duplicate| {
                    if mask_requester {
                        duplicate.requester = duplicate.requester.map(masked);
                    }
                    duplicate
                })
                .collect(),
        })
    }
}

/// One stored event, as the history and the global feed show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventView {
    /// Opaque log position token (commit order); pass it as `after` to read on from here.
    pub position: String,
    pub aggregate_type: String,
    pub aggregate_id: String,
    pub sequence: i64,
    pub event_type: String,
    pub event_version: String,
    #[schema(value_type = Object)]
    pub payload: Value,
    /// As stored: `actor` (the serialized actor: role, scope, token id), `command_id`,
    /// `correlation_id`, `time`, `request_hash`.
    #[schema(value_type = Object)]
    pub metadata: Value,
    /// SHA-256 chain hash over the stream, type, version, payload, metadata and previous hash.
    pub hash: String,
}

impl EventView {
    /// With `mask_requester`, a requester in the payload is masked (the hash then no longer
    /// verifies against the payload shown; auditors see payloads unmasked).
    pub fn new(event: LoggedEvent, mask_requester: bool) -> Self {
        let mut payload = event.payload;
        if mask_requester {
            mask_requester_in(&mut payload);
        }
        EventView {
            position: event.position.to_string(),
            aggregate_type: event.aggregate_type,
            aggregate_id: event.aggregate_id,
            sequence: event.sequence,
            event_type: event.event_type,
            event_version: event.event_version,
            payload,
            metadata: event.metadata,
            hash: event.hash,
        }
    }
}

/// A list (DESIGN §6): `next` is the token for the following page, `null` when there is none.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// The organisation's reference data (`GET /org`).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgView {
    pub district: District,
    /// Streets 街道 with their communities 社区 and grids 网格.
    pub streets: Vec<Street>,
    pub departments: Vec<Department>,
    /// Request categories 诉求分类 with default urgency and department.
    pub categories: Vec<Category>,
}

impl From<&Organisation> for OrgView {
    fn from(org: &Organisation) -> Self {
        OrgView {
            district: org.district.clone(),
            streets: org.streets.clone(),
            departments: org.departments.clone(),
            categories: org.categories.clone(),
        }
    }
}

/// `王小明`, `13812341234` → `王**`, `138****1234`: the surname to address the requester by, the
/// phone's network prefix and last four digits to recognise a repeat caller.
pub fn masked(requester: Requester) -> Requester {
    let name = requester
        .name
        .chars()
        .enumerate()
        .map(|(i, c)| if i == 0 { c } else { '*' })
        .collect();
    let digits: Vec<char> = requester.phone.chars().collect();
    let phone = if digits.len() >= 8 {
        let hidden = digits.len() - 7;
        digits[..3]
            .iter()
            .chain(std::iter::repeat_n(&'*', hidden))
            .chain(&digits[digits.len() - 4..])
            .collect()
    } else {
        "*".repeat(digits.len())
    };
    Requester { name, phone }
}

/// Masks the requester of a `CaseOpened` payload (`{"CaseOpened": {"requester": {...}}}`).
fn mask_requester_in(payload: &mut Value) {
    let Some(slot) = payload.pointer_mut("/CaseOpened/requester") else {
        return;
    };
    if let Ok(requester) = serde_json::from_value::<Requester>(slot.clone()) {
        *slot = serde_json::to_value(masked(requester)).unwrap_or(Value::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requester(name: &str, phone: &str) -> Requester {
        Requester {
            name: name.into(),
            phone: phone.into(),
        }
    }

    #[test]
    fn names_and_phones_are_masked() {
        assert_eq!(
            masked(requester("王小明", "13812341234")),
            requester("王**", "138****1234")
        );
        assert_eq!(
            masked(requester("李", "010-6512345")),
            requester("李", "010****2345")
        );
        assert_eq!(masked(requester("", "12345")), requester("", "*****"));
    }

    #[test]
    fn the_requester_of_an_opening_event_is_masked() {
        let mut payload = serde_json::json!({"CaseOpened": {
            "requester": {"name": "王小明", "phone": "13812341234"}, "category": "noise"}});
        mask_requester_in(&mut payload);
        assert_eq!(payload["CaseOpened"]["requester"]["phone"], "138****1234");
        assert_eq!(payload["CaseOpened"]["category"], "noise");
    }
}
