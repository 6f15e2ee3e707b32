//! The two lists and the members, as the HTTP API and the console's board read them: needs and
//! resources of a community or a street, newest first, filtered; members by community or street.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shaobao_domain::community::{
    member_stream_id, NeedFacts, NeedStatus, Party, Place, ResourceFacts,
};
use shaobao_services::store::{Store, StoreError};

use super::{MEMBERS, NEEDS, RESOURCES};
use crate::page::{ListError, ListQuery, Order, Page, PageRequest};
use crate::sql::{fetch, ColType::*, Fields, Statement, Value};
use crate::time::{from_ns, to_ns};

/// One need of a community's list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NeedItem {
    pub community: String,
    pub street: String,
    pub no: i64,
    pub title: String,
    pub description: Option<String>,
    /// practical, mediation, policy_talk or volunteering.
    pub kind: String,
    /// The points published with it.
    pub points: i64,
    pub deadline: Option<DateTime<Utc>>,
    /// open, claimed, delivered, confirmed or withdrawn.
    pub status: String,
    /// `{"unit": code}` or `{"member": id}` once claimed.
    pub claimant: Option<Party>,
    pub published_at: DateTime<Utc>,
    pub claimed_at: Option<DateTime<Utc>>,
    /// The resource whose match claimed it.
    pub resource_no: Option<i64>,
    pub summary: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub awarded_points: Option<i64>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
}

impl NeedItem {
    /// What the domain decides this need's steps by (`None` for a row the domain would not
    /// recognise: a status it does not know, a number out of range).
    pub fn facts(&self) -> Option<NeedFacts<'_>> {
        Some(NeedFacts {
            no: u32::try_from(self.no).ok()?,
            status: NeedStatus::parse(&self.status)?,
            claimant: self.claimant.as_ref(),
            deadline: self.deadline,
        })
    }

    /// The community and street the need belongs to.
    pub fn place(&self) -> Place {
        Place {
            street: self.street.clone(),
            community: self.community.clone(),
        }
    }
}

/// Which needs: every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NeedFilter {
    pub community: Option<String>,
    pub street: Option<String>,
    /// open, claimed, delivered, confirmed or withdrawn.
    pub status: Option<String>,
    pub kind: Option<String>,
    pub claimant: Option<Party>,
    /// Only needs open for claims at this instant (open, deadline not passed).
    pub claimable_at: Option<DateTime<Utc>>,
}

const NEED_COLUMNS: &[&str] = &[
    "community",
    "street",
    "need_no",
    "title",
    "description",
    "kind",
    "points",
    "deadline_ns",
    "status",
    "claimant_kind",
    "claimant",
    "sort_ns",
    "claimed_ns",
    "resource_no",
    "summary",
    "delivered_ns",
    "awarded_points",
    "confirmed_ns",
    "withdrawn_ns",
];

/// Conditions and arguments built one by one, `$n` numbered as they are added.
#[derive(Default)]
struct Where {
    filters: Vec<String>,
    args: Vec<Value>,
}

impl Where {
    fn add(&mut self, condition: impl Fn(usize) -> String, value: Value) {
        self.args.push(value);
        self.filters.push(condition(self.args.len()));
    }

    fn equal(&mut self, column: &str, value: &Option<String>) {
        if let Some(value) = value {
            self.add(|n| format!("{column} = ${n}"), Value::text(value));
        }
    }
}

/// Needs matching `filter`, newest first.
pub async fn needs(
    store: &Store,
    filter: &NeedFilter,
    page: &PageRequest,
) -> Result<Page<NeedItem>, ListError> {
    let mut w = Where::default();
    w.equal("community", &filter.community);
    w.equal("street", &filter.street);
    w.equal("status", &filter.status);
    w.equal("kind", &filter.kind);
    if let Some(party) = &filter.claimant {
        w.add(
            |n| format!("claimant_kind = ${n}"),
            Value::text(party.kind()),
        );
        w.add(|n| format!("claimant = ${n}"), Value::text(party.code()));
    }
    if let Some(at) = filter.claimable_at {
        w.filters.push("status = 'open'".into());
        w.add(
            |n| format!("(deadline_ns IS NULL OR deadline_ns >= ${n})"),
            Value::int(to_ns(at)),
        );
    }
    let query = ListQuery {
        table: NEEDS.name,
        columns: NEED_COLUMNS,
        types: &[
            Text, Text, Int, Text, Text, Text, Int, Int, Text, Text, Text, Int, Int, Int, Text,
            Int, Int, Int, Int,
        ],
        filters: w.filters,
        args: w.args,
        order: Order::Descending,
    };
    let (rows, next) = query.page(store, page).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            let at = |ns: Option<i64>| ns.map(from_ns);
            NeedItem {
                community: f.text().unwrap_or_default(),
                street: f.text().unwrap_or_default(),
                no: f.int().unwrap_or(0),
                title: f.text().unwrap_or_default(),
                description: f.text(),
                kind: f.text().unwrap_or_default(),
                points: f.int().unwrap_or(0),
                deadline: at(f.int()),
                status: f.text().unwrap_or_default(),
                claimant: party(f.text(), f.text()),
                published_at: from_ns(f.int().unwrap_or(0)),
                claimed_at: at(f.int()),
                resource_no: f.int(),
                summary: f.text(),
                delivered_at: at(f.int()),
                awarded_points: f.int(),
                confirmed_at: at(f.int()),
                withdrawn_at: at(f.int()),
            }
        })
        .collect();
    Ok(Page { items, next })
}

fn party(kind: Option<String>, code: Option<String>) -> Option<Party> {
    match (kind.as_deref(), code) {
        (Some("unit"), Some(code)) => Some(Party::Unit(code)),
        (Some("member"), Some(code)) => Some(Party::Member(code)),
        _ => None,
    }
}

/// One resource a unit offers a community.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResourceItem {
    pub community: String,
    pub street: String,
    pub no: i64,
    /// The offering unit (department code).
    pub unit: String,
    pub title: String,
    pub description: Option<String>,
    pub capacity: i64,
    /// How many needs it was matched to, and which.
    pub matched: i64,
    pub matched_needs: Vec<i64>,
    pub available_from: Option<DateTime<Utc>>,
    pub available_until: Option<DateTime<Utc>>,
    pub offered_at: DateTime<Utc>,
}

impl ResourceItem {
    /// What the domain decides a match of this resource by.
    pub fn facts(&self) -> Option<ResourceFacts<'_>> {
        Some(ResourceFacts {
            no: u32::try_from(self.no).ok()?,
            unit: &self.unit,
            capacity: u32::try_from(self.capacity).ok()?,
            matched: u32::try_from(self.matched).ok()?,
            available_from: self.available_from,
            available_until: self.available_until,
        })
    }

    /// The community and street it is offered to.
    pub fn place(&self) -> Place {
        Place {
            street: self.street.clone(),
            community: self.community.clone(),
        }
    }
}

/// Which resources: every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceFilter {
    pub community: Option<String>,
    pub street: Option<String>,
    pub unit: Option<String>,
    /// Only resources that can still be matched at this instant (capacity left, available).
    pub available_at: Option<DateTime<Utc>>,
}

/// Resources matching `filter`, newest first.
pub async fn resources(
    store: &Store,
    filter: &ResourceFilter,
    page: &PageRequest,
) -> Result<Page<ResourceItem>, ListError> {
    let mut w = Where::default();
    w.equal("community", &filter.community);
    w.equal("street", &filter.street);
    w.equal("unit", &filter.unit);
    if let Some(at) = filter.available_at {
        w.filters.push("matched < capacity".into());
        let at = to_ns(at);
        w.add(
            |n| format!("(available_from_ns IS NULL OR available_from_ns <= ${n})"),
            Value::int(at),
        );
        w.add(
            |n| format!("(available_until_ns IS NULL OR available_until_ns >= ${n})"),
            Value::int(at),
        );
    }
    let query = ListQuery {
        table: RESOURCES.name,
        columns: &[
            "community",
            "street",
            "resource_no",
            "unit",
            "title",
            "description",
            "capacity",
            "matched",
            "matched_needs",
            "available_from_ns",
            "available_until_ns",
            "sort_ns",
        ],
        types: &[
            Text, Text, Int, Text, Text, Text, Int, Int, Text, Int, Int, Int,
        ],
        filters: w.filters,
        args: w.args,
        order: Order::Descending,
    };
    let (rows, next) = query.page(store, page).await?;
    let items = rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            ResourceItem {
                community: f.text().unwrap_or_default(),
                street: f.text().unwrap_or_default(),
                no: f.int().unwrap_or(0),
                unit: f.text().unwrap_or_default(),
                title: f.text().unwrap_or_default(),
                description: f.text(),
                capacity: f.int().unwrap_or(0),
                matched: f.int().unwrap_or(0),
                matched_needs: f
                    .text()
                    .unwrap_or_default()
                    .split('|')
                    .filter_map(|n| n.parse().ok())
                    .collect(),
                available_from: f.int().map(from_ns),
                available_until: f.int().map(from_ns),
                offered_at: from_ns(f.int().unwrap_or(0)),
            }
        })
        .collect();
    Ok(Page { items, next })
}

/// A member as registered.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberItem {
    pub member: String,
    pub name: Option<String>,
    /// Where the member lives now; null after leaving.
    pub street: Option<String>,
    pub community: Option<String>,
    pub home_unit: Option<String>,
    /// When the member (last) registered.
    pub registered_at: DateTime<Utc>,
    pub first_registered_at: Option<DateTime<Utc>>,
    pub left_at: Option<DateTime<Utc>>,
}

/// Which members: every field optional; `registered` keeps only those registered now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFilter {
    pub community: Option<String>,
    pub street: Option<String>,
    pub registered: bool,
}

const MEMBER_COLUMNS: &[&str] = &[
    "item_key",
    "name",
    "street",
    "community",
    "home_unit",
    "sort_ns",
    "first_registered_ns",
    "left_ns",
];
const MEMBER_TYPES: &[crate::sql::ColType] = &[Text, Text, Text, Text, Text, Int, Int, Int];

fn member_item(row: crate::sql::Row) -> MemberItem {
    let mut f = Fields::new(row);
    MemberItem {
        member: f.text().unwrap_or_default(),
        name: f.text(),
        street: f.text(),
        community: f.text(),
        home_unit: f.text(),
        registered_at: from_ns(f.int().unwrap_or(0)),
        first_registered_at: f.int().map(from_ns),
        left_at: f.int().map(from_ns),
    }
}

/// Members matching `filter`, latest registration first.
pub async fn members(
    store: &Store,
    filter: &MemberFilter,
    page: &PageRequest,
) -> Result<Page<MemberItem>, ListError> {
    let mut w = Where::default();
    w.equal("community", &filter.community);
    w.equal("street", &filter.street);
    if filter.registered {
        w.filters.push("community IS NOT NULL".into());
    }
    let query = ListQuery {
        table: MEMBERS.name,
        columns: MEMBER_COLUMNS,
        types: MEMBER_TYPES,
        filters: w.filters,
        args: w.args,
        order: Order::Descending,
    };
    let (rows, next) = query.page(store, page).await?;
    Ok(Page {
        items: rows.into_iter().map(member_item).collect(),
        next,
    })
}

/// Member `id` as registered (`None` if never registered): the console's way to find the
/// community of a signed-in volunteer.
pub async fn member(store: &Store, id: &str) -> Result<Option<MemberItem>, StoreError> {
    let sql = format!(
        "SELECT {} FROM {} WHERE stream_id = $1",
        MEMBER_COLUMNS.join(", "),
        MEMBERS.name
    );
    let key = Value::text(member_stream_id(id));
    let rows = fetch(store, &Statement::new(sql, vec![key]), MEMBER_TYPES).await?;
    Ok(rows.into_iter().next().map(member_item))
}
