//! Community mobilisation read models (DESIGN §3 "Community mobilisation", §4): the two lists
//! 双向需求清单 per community and street, member registrations, and the points ledger from which
//! scores 量化积分 are summed for any month, half-year or year at query time.
//!
//! Four tables in one projection (`community`), each row a pure function of one stream:
//! - `rm_community_needs`, `rm_community_resources`: one row per need or resource of a community
//!   list ([`lists`]);
//! - `rm_community_members`: one row per member ever registered;
//! - `rm_community_points`: one row per confirmed need (from the community list) and per
//!   confirmed case task (from the case), with who earned how many points, when and where
//!   ([`scores`]).

pub mod lists;
pub mod scores;

pub use lists::{
    member, members, needs, resources, MemberFilter, MemberItem, NeedFilter, NeedItem,
    ResourceFilter, ResourceItem,
};
pub use scores::{scores, ScoreError, ScoreQuery, ScoreRow, ScoreSummary, Scores};

use shaobao_domain::community::{NeedStatus, Party};
use shaobao_domain::org::Organisation;

use super::serde_name;
use crate::record::{CaseRecord, CommunityRecord};
use crate::schema::{no_case_rows, Table};
use crate::sql::{ColType::*, Row, Value};
use crate::time::{month_of, to_ns};

pub const NEEDS: Table = Table {
    name: "rm_community_needs",
    columns: &[
        ("stream_id", Text),
        // `<community>/<no>`, zero-padded so keys sort by number.
        ("item_key", Text),
        // When the need was published.
        ("sort_ns", Int),
        ("street", Text),
        ("community", Text),
        ("need_no", Int),
        ("title", Text),
        ("description", Text),
        ("kind", Text),
        ("points", Int),
        ("deadline_ns", Int),
        ("status", Text),
        // `unit` or `member`, and the unit code or member id.
        ("claimant_kind", Text),
        ("claimant", Text),
        ("claimed_ns", Int),
        ("resource_no", Int),
        ("summary", Text),
        ("delivered_ns", Int),
        ("awarded_points", Int),
        ("confirmed_ns", Int),
        ("withdrawn_ns", Int),
    ],
    indexes: &[
        "community, sort_ns, item_key",
        "street, sort_ns, item_key",
        "claimant_kind, claimant",
    ],
    rows: no_case_rows,
    community_rows: need_rows,
};

fn need_rows(record: CommunityRecord<'_>, _: &Organisation) -> Vec<Row> {
    let CommunityRecord::List(record) = record else {
        return vec![];
    };
    let Some(place) = record.list.place() else {
        return vec![];
    };
    let ns = |at: Option<chrono::DateTime<chrono::Utc>>| Value::Int(at.map(to_ns));
    record
        .list
        .needs()
        .iter()
        .map(|need| {
            vec![
                Value::text(&record.id),
                Value::text(format!("{}/{:06}", place.community, need.no)),
                Value::int(to_ns(need.published_at)),
                Value::text(&place.street),
                Value::text(&place.community),
                Value::int(i64::from(need.no)),
                Value::text(&need.title),
                Value::Text(need.description.clone()),
                Value::text(serde_name(&need.kind)),
                Value::int(i64::from(need.points)),
                ns(need.deadline),
                Value::text(need.status.as_str()),
                Value::Text(need.claimant.as_ref().map(|p| p.kind().to_string())),
                Value::Text(need.claimant.as_ref().map(|p| p.code().to_string())),
                ns(need.claimed_at),
                Value::Int(need.resource_no.map(i64::from)),
                Value::Text(need.summary.clone()),
                ns(need.delivered_at),
                Value::Int(need.awarded_points.map(i64::from)),
                ns(need.confirmed_at),
                ns(need.withdrawn_at),
            ]
        })
        .collect()
}

pub const RESOURCES: Table = Table {
    name: "rm_community_resources",
    columns: &[
        ("stream_id", Text),
        ("item_key", Text),
        // When the resource was offered.
        ("sort_ns", Int),
        ("street", Text),
        ("community", Text),
        ("resource_no", Int),
        ("unit", Text),
        ("title", Text),
        ("description", Text),
        ("capacity", Int),
        ("matched", Int),
        // The needs it was matched to, as `|1|3|`.
        ("matched_needs", Text),
        ("available_from_ns", Int),
        ("available_until_ns", Int),
    ],
    indexes: &[
        "community, sort_ns, item_key",
        "street, sort_ns, item_key",
        "unit",
    ],
    rows: no_case_rows,
    community_rows: resource_rows,
};

fn resource_rows(record: CommunityRecord<'_>, _: &Organisation) -> Vec<Row> {
    let CommunityRecord::List(record) = record else {
        return vec![];
    };
    let Some(place) = record.list.place() else {
        return vec![];
    };
    record
        .list
        .resources()
        .iter()
        .map(|r| {
            let matched: Vec<String> = r.matched.iter().map(u32::to_string).collect();
            vec![
                Value::text(&record.id),
                Value::text(format!("{}/{:06}", place.community, r.no)),
                Value::int(to_ns(r.offered_at)),
                Value::text(&place.street),
                Value::text(&place.community),
                Value::int(i64::from(r.no)),
                Value::text(&r.unit),
                Value::text(&r.title),
                Value::Text(r.description.clone()),
                Value::int(i64::from(r.capacity)),
                Value::int(r.matched.len() as i64),
                Value::text(format!("|{}|", matched.join("|"))),
                Value::Int(r.available_from.map(to_ns)),
                Value::Int(r.available_until.map(to_ns)),
            ]
        })
        .collect()
}

pub const MEMBERS: Table = Table {
    name: "rm_community_members",
    columns: &[
        ("stream_id", Text),
        // The member id.
        ("item_key", Text),
        // When the member (last) registered.
        ("sort_ns", Int),
        ("name", Text),
        // Where the member lives now; null after leaving.
        ("street", Text),
        ("community", Text),
        ("home_unit", Text),
        ("first_registered_ns", Int),
        ("left_ns", Int),
    ],
    indexes: &["community, sort_ns, item_key", "street, sort_ns, item_key"],
    rows: no_case_rows,
    community_rows: member_rows,
};

fn member_rows(record: CommunityRecord<'_>, _: &Organisation) -> Vec<Row> {
    let CommunityRecord::Member(record) = record else {
        return vec![];
    };
    let m = &record.member;
    let (Some(id), Some(registered_at)) = (&m.member, m.registered_at) else {
        return vec![];
    };
    vec![vec![
        Value::text(&record.id),
        Value::text(id),
        Value::int(to_ns(registered_at)),
        Value::Text(m.name.clone()),
        Value::Text(m.place.as_ref().map(|p| p.street.clone())),
        Value::Text(m.place.as_ref().map(|p| p.community.clone())),
        Value::Text(m.home_unit.clone()),
        Value::Int(m.first_registered_at.map(to_ns)),
        Value::Int(m.left_at.filter(|_| m.place.is_none()).map(to_ns)),
    ]]
}

pub const POINTS: Table = Table {
    name: "rm_community_points",
    columns: &[
        ("stream_id", Text),
        // `<stream>/need/<no>` or `<case>/task/<no>`.
        ("item_key", Text),
        // When the points were confirmed.
        ("earned_ns", Int),
        // YYYY-MM (Asia/Shanghai) of the confirmation.
        ("month", Text),
        ("street", Text),
        ("community", Text),
        // `need` or `task`.
        ("source", Text),
        ("ref_no", Int),
        // `unit` or `member`.
        ("party_kind", Text),
        ("party", Text),
        ("points", Int),
    ],
    indexes: &["month, party_kind", "party_kind, party"],
    rows: task_points,
    community_rows: need_points,
};

/// One line of the points ledger.
struct Earned<'a> {
    stream: &'a str,
    key: String,
    at: chrono::DateTime<chrono::Utc>,
    street: &'a str,
    community: Option<&'a str>,
    source: &'static str,
    no: u32,
    party: &'a Party,
    points: u32,
}

impl Earned<'_> {
    fn row(self) -> Row {
        vec![
            Value::text(self.stream),
            Value::text(self.key),
            Value::int(to_ns(self.at)),
            Value::text(month_of(self.at)),
            Value::text(self.street),
            Value::Text(self.community.map(str::to_string)),
            Value::text(self.source),
            Value::int(i64::from(self.no)),
            Value::text(self.party.kind()),
            Value::text(self.party.code()),
            Value::int(i64::from(self.points)),
        ]
    }
}

/// A confirmed need's points, to its claimant, where the community is.
fn need_points(record: CommunityRecord<'_>, _: &Organisation) -> Vec<Row> {
    let CommunityRecord::List(record) = record else {
        return vec![];
    };
    let Some(place) = record.list.place() else {
        return vec![];
    };
    record
        .list
        .needs()
        .iter()
        .filter(|n| n.status == NeedStatus::Confirmed)
        .filter_map(|need| {
            let (Some(party), Some(points), Some(at)) =
                (&need.claimant, need.awarded_points, need.confirmed_at)
            else {
                return None;
            };
            let earned = Earned {
                stream: &record.id,
                key: format!("{}/need/{:06}", record.id, need.no),
                at,
                street: &place.street,
                community: Some(&place.community),
                source: "need",
                no: need.no,
                party,
                points,
            };
            Some(earned.row())
        })
        .collect()
}

/// A confirmed case task's points, to its claimant (a volunteer's member id or a department's
/// unit), where the case is.
fn task_points(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let Some(intake) = record.case.intake() else {
        return vec![];
    };
    record
        .case
        .tasks()
        .iter()
        .filter_map(|task| {
            let party = Party::of(task.claimant.as_ref()?)?;
            let (points, at) = (task.awarded_points?, task.confirmed_at?);
            let earned = Earned {
                stream: &record.id,
                key: format!("{}/task/{:06}", record.id, task.no),
                at,
                street: &intake.location.street,
                community: intake.location.community.as_deref(),
                source: "task",
                no: task.no,
                party: &party,
                points,
            };
            Some(earned.row())
        })
        .collect()
}
