//! Department inbox: per department, the open cases dispatched to it (as handling unit or
//! co-unit) and the open whistles summoning it, each with its status and deadline.

use serde::Serialize;
use shaobao_domain::case::{DeadlineRef, DepartmentStatus, Unit, WhistleRole};
use shaobao_domain::org::Organisation;
use shaobao_domain::CaseState;
use shaobao_services::store::Store;

use super::{soonest, DeadlineView};
use crate::page::{ListError, ListQuery, Order, Page, PageRequest};
use crate::record::CaseRecord;
use crate::schema::{no_community_rows, Table};
use crate::sql::{ColType::*, Fields, Row, Value};
use crate::time::to_ns;

pub const TABLE: Table = Table {
    name: "rm_department_inbox",
    columns: &[
        ("case_id", Text),
        ("item_key", Text),
        ("sort_ns", Int),
        ("department", Text),
        // `case` (dispatched to it) or `whistle` (summoned by one).
        ("entry", Text),
        ("whistle_no", Int),
        // handling / co_unit, or the whistle role lead / assist.
        ("role", Text),
        // The case state, or the department's status in the whistle.
        ("status", Text),
        ("street", Text),
        ("category", Text),
        ("urgency", Text),
        ("due_kind", Text),
        ("due_ns", Int),
    ],
    indexes: &["department, sort_ns, item_key"],
    rows,
    community_rows: no_community_rows,
};

fn rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let (Some(intake), Some(state)) = (record.case.intake(), record.case.state()) else {
        return vec![];
    };
    if !record.is_open() || state == CaseState::Received {
        return vec![];
    }
    let pending = record.case.pending_deadlines();
    let row = |department: &str,
               entry: &str,
               no: Option<u32>,
               role: &str,
               status: &str,
               due: Option<(&str, i64)>| {
        let key = match no {
            Some(no) => format!("{}/whistle/{no}", record.id),
            None => format!("{}/case", record.id),
        };
        vec![
            Value::text(&record.id),
            Value::text(key),
            Value::int(due.map_or(i64::MAX, |(_, ns)| ns)),
            Value::text(department),
            Value::text(entry),
            Value::Int(no.map(i64::from)),
            Value::text(role),
            Value::text(status),
            Value::text(&intake.location.street),
            Value::text(&intake.category),
            Value::text(intake.urgency.as_str()),
            Value::Text(due.map(|(kind, _)| kind.to_string())),
            Value::Int(due.map(|(_, ns)| ns)),
        ]
    };
    let mut rows = Vec::new();
    let case_due = soonest(
        pending
            .iter()
            .filter(|(d, _)| !matches!(d, DeadlineRef::ReportIn { .. })),
    );
    let handling = record
        .case
        .handling_unit()
        .into_iter()
        .map(|u| (u, "handling"));
    let co_units = record.case.co_units().iter().map(|u| (u, "co_unit"));
    for (unit, role) in handling.chain(co_units) {
        if let Unit::Department(department) = unit {
            rows.push(row(
                department,
                "case",
                None,
                role,
                state.as_str(),
                case_due,
            ));
        }
    }
    for whistle in record.case.whistles().iter().filter(|w| !w.is_closed()) {
        for summoned in &whistle.departments {
            let due = (summoned.status == DepartmentStatus::Summoned)
                .then(|| ("report_in", to_ns(summoned.report_in_by)));
            let role = match summoned.role {
                WhistleRole::Lead => "lead",
                WhistleRole::Assist => "assist",
            };
            let status = department_status(summoned.status);
            rows.push(row(
                &summoned.department,
                "whistle",
                Some(whistle.no),
                role,
                status,
                due,
            ));
        }
    }
    rows
}

fn department_status(status: DepartmentStatus) -> &'static str {
    match status {
        DepartmentStatus::Summoned => "summoned",
        DepartmentStatus::ReportedIn => "reported_in",
        DepartmentStatus::Declined => "declined",
        DepartmentStatus::Acted => "acted",
        DepartmentStatus::Closed => "closed",
    }
}

/// One inbox entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InboxItem {
    pub case_id: String,
    /// `case` or `whistle`.
    pub entry: String,
    pub whistle_no: Option<i64>,
    pub role: String,
    pub status: String,
    pub street: String,
    pub category: String,
    pub urgency: String,
    pub deadline: Option<DeadlineView>,
}

/// The inbox of `department`, soonest deadline first.
pub async fn department_inbox(
    store: &Store,
    department: &str,
    page: &PageRequest,
) -> Result<Page<InboxItem>, ListError> {
    let query = ListQuery {
        table: TABLE.name,
        columns: &[
            "case_id",
            "entry",
            "whistle_no",
            "role",
            "status",
            "street",
            "category",
            "urgency",
            "due_kind",
            "due_ns",
        ],
        types: &[Text, Text, Int, Text, Text, Text, Text, Text, Text, Int],
        filters: vec!["department = $1".into()],
        args: vec![Value::text(department)],
        order: Order::Ascending,
    };
    let (rows, next) = query.page(store, page).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            InboxItem {
                case_id: f.text().unwrap_or_default(),
                entry: f.text().unwrap_or_default(),
                whistle_no: f.int(),
                role: f.text().unwrap_or_default(),
                status: f.text().unwrap_or_default(),
                street: f.text().unwrap_or_default(),
                category: f.text().unwrap_or_default(),
                urgency: f.text().unwrap_or_default(),
                deadline: DeadlineView::from_columns(f.text(), f.int()),
            }
        })
        .collect();
    Ok(Page { items, next })
}
