//! Scores 量化积分 / 锋领指数 for a month, half-year or year, summed at query time from the points
//! ledger (`rm_community_points`: confirmed needs and confirmed case tasks), ranked, and for a
//! year judged: each unit's status against the organisation's thresholds, each member's tier.
//!
//! Who is listed: units — every department of the organisation (a unit that earned nothing still
//! has a status) and any other unit with points; members — everyone registered at some time in
//! the period, and anyone with points in it. With `street`, only points earned in that street
//! count and only units and members with such points (or, for members, registered there) are
//! listed; status and tiers are judged district-wide, so a street's answer carries none.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use serde::Serialize;
use shaobao_domain::community::score::{
    member_tiers, ranks, unit_status, BadPeriod, MemberTier, Period, UnitStatus,
};
use shaobao_domain::org::{Organisation, Scoring};
use shaobao_services::store::{Store, StoreError};

use super::{MEMBERS, POINTS};
use crate::sql::{fetch, ColType::*, Fields, Statement, Value};
use crate::time::to_ns;

/// Units or members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScoreUnit {
    Unit,
    Member,
}

impl ScoreUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            ScoreUnit::Unit => "unit",
            ScoreUnit::Member => "member",
        }
    }
}

/// What to score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreQuery {
    pub unit: ScoreUnit,
    pub period: Period,
    /// Only points earned in this street (a street's ranking); `None`: the district.
    pub street: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ScoreError {
    #[error(transparent)]
    BadPeriod(#[from] BadPeriod),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One unit or member in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreRow {
    /// 1 = most points; ties share a rank (1, 2, 2, 4).
    pub rank: u32,
    /// The unit's department code or the member id.
    pub id: String,
    /// The department's name or the member's registered name.
    pub name: Option<String>,
    pub points: i64,
    /// Points from confirmed needs and from confirmed case tasks.
    pub need_points: i64,
    pub task_points: i64,
    /// How many confirmed needs and case tasks earned them.
    pub needs: i64,
    pub tasks: i64,
    /// Units, yearly, district-wide: no_shared_resources (below `unit_floor`), standard or
    /// commended (above `unit_commended`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<UnitStatus>,
    /// Members, yearly, district-wide: advanced 先进, qualified 合格 or warning 警示.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<MemberTier>,
    /// Members: where they live now (none after leaving) and their home unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub home_unit: Option<String>,
}

/// How many units or members fall in each status or tier (yearly, district-wide answers).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreSummary {
    pub listed: usize,
    pub no_shared_resources: usize,
    pub standard: usize,
    pub commended: usize,
    pub advanced: usize,
    pub qualified: usize,
    pub warning: usize,
}

/// A ranking with the thresholds it was judged by.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Scores {
    /// `unit` or `member`.
    pub unit: String,
    /// As asked: YYYY-MM, YYYY-H1, YYYY-H2 or YYYY.
    pub period: String,
    pub street: Option<String>,
    /// The period's bounds (Asia/Shanghai months), `from` inclusive, `until` exclusive.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    /// The organisation's thresholds and tiers in force.
    pub scoring: Scoring,
    /// Best first.
    pub items: Vec<ScoreRow>,
    /// Present for a yearly, district-wide answer.
    pub summary: Option<ScoreSummary>,
    /// Always null: a ranking fits in one answer.
    pub next: Option<String>,
}

/// The instants bounding `period` (Asia/Shanghai calendar months).
pub fn bounds(period: &Period) -> (DateTime<Utc>, DateTime<Utc>) {
    let (first, last) = period.months();
    let start = |ym: &str| -> DateTime<Utc> {
        let date =
            NaiveDate::parse_from_str(&format!("{ym}-01"), "%Y-%m-%d").unwrap_or(NaiveDate::MIN);
        Shanghai
            .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
            .single()
            .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
    };
    let from = start(&first);
    let (year, month) = last.split_once('-').unwrap_or(("1970", "01"));
    let (year, month): (i32, u32) = (year.parse().unwrap_or(1970), month.parse().unwrap_or(1));
    let next = match month {
        12 => format!("{:04}-01", year + 1),
        m => format!("{year:04}-{:02}", m + 1),
    };
    (from, start(&next))
}

/// Totals of one party.
#[derive(Debug, Default, Clone)]
struct Tally {
    need_points: i64,
    task_points: i64,
    needs: i64,
    tasks: i64,
}

/// Scores for `query` under `org`'s thresholds.
pub async fn scores(
    store: &Store,
    org: &Organisation,
    query: &ScoreQuery,
) -> Result<Scores, ScoreError> {
    let (first, last) = query.period.months();
    let (from, until) = bounds(&query.period);
    let mut sql = format!(
        "SELECT party, source, CAST(SUM(points) AS BIGINT), CAST(COUNT(*) AS BIGINT) FROM {}
         WHERE party_kind = $1 AND month >= $2 AND month <= $3",
        POINTS.name
    );
    let mut args = vec![
        Value::text(query.unit.as_str()),
        Value::text(first),
        Value::text(last),
    ];
    if let Some(street) = &query.street {
        sql.push_str(" AND street = $4");
        args.push(Value::text(street));
    }
    sql.push_str(" GROUP BY party, source");
    let rows = fetch(store, &Statement::new(sql, args), &[Text, Text, Int, Int]).await?;
    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for row in rows {
        let mut f = Fields::new(row);
        let party = f.text().unwrap_or_default();
        let source = f.text().unwrap_or_default();
        let (points, count) = (f.int().unwrap_or(0), f.int().unwrap_or(0));
        let tally = tallies.entry(party).or_default();
        if source == "need" {
            tally.need_points += points;
            tally.needs += count;
        } else {
            tally.task_points += points;
            tally.tasks += count;
        }
    }
    let mut known: BTreeMap<String, Known> = BTreeMap::new();
    match query.unit {
        ScoreUnit::Unit => {
            for d in &org.departments {
                let listed = query.street.is_none();
                known.insert(d.code.clone(), Known::named(&d.name, listed));
            }
        }
        ScoreUnit::Member => {
            for m in registered_members(store, from, until).await? {
                let listed = query.street.is_none() || m.street == query.street;
                known.insert(m.member.clone(), Known { listed, ..m.known });
            }
        }
    }
    for party in tallies.keys() {
        known.entry(party.clone()).or_default().listed = true;
    }
    let mut items: Vec<ScoreRow> = known
        .into_iter()
        .filter(|(_, k)| k.listed)
        .map(|(id, k)| {
            let t = tallies.remove(&id).unwrap_or_default();
            ScoreRow {
                rank: 0,
                id,
                name: k.name,
                points: t.need_points + t.task_points,
                need_points: t.need_points,
                task_points: t.task_points,
                needs: t.needs,
                tasks: t.tasks,
                status: None,
                tier: None,
                community: k.community,
                home_unit: k.home_unit,
            }
        })
        .collect();
    // Most points first; ties by id, so the order is stable.
    items.sort_by(|a, b| b.points.cmp(&a.points).then_with(|| a.id.cmp(&b.id)));
    let points: Vec<i64> = items.iter().map(|i| i.points).collect();
    for (item, rank) in items.iter_mut().zip(ranks(&points)) {
        item.rank = rank;
    }
    let judged = query.period.is_year() && query.street.is_none();
    let summary = judged.then(|| judge(&mut items, query.unit, &org.scoring));
    Ok(Scores {
        unit: query.unit.as_str().to_string(),
        period: query.period.to_string(),
        street: query.street.clone(),
        from,
        until,
        scoring: org.scoring,
        items,
        summary,
        next: None,
    })
}

/// Sets each unit's status or member's tier, and counts them.
fn judge(items: &mut [ScoreRow], unit: ScoreUnit, scoring: &Scoring) -> ScoreSummary {
    let mut summary = ScoreSummary {
        listed: items.len(),
        ..ScoreSummary::default()
    };
    match unit {
        ScoreUnit::Unit => {
            for item in items.iter_mut() {
                let status = unit_status(item.points, scoring);
                match status {
                    UnitStatus::NoSharedResources => summary.no_shared_resources += 1,
                    UnitStatus::Standard => summary.standard += 1,
                    UnitStatus::Commended => summary.commended += 1,
                }
                item.status = Some(status);
            }
        }
        ScoreUnit::Member => {
            let points: Vec<i64> = items.iter().map(|i| i.points).collect();
            for (item, tier) in items.iter_mut().zip(member_tiers(&points, scoring)) {
                match tier {
                    MemberTier::Advanced => summary.advanced += 1,
                    MemberTier::Qualified => summary.qualified += 1,
                    MemberTier::Warning => summary.warning += 1,
                }
                item.tier = Some(tier);
            }
        }
    }
    summary
}

/// What is known of a unit or member besides its points.
#[derive(Debug, Default, Clone)]
struct Known {
    name: Option<String>,
    community: Option<String>,
    home_unit: Option<String>,
    listed: bool,
}

impl Known {
    fn named(name: &str, listed: bool) -> Self {
        Known {
            name: Some(name.to_string()),
            listed,
            ..Known::default()
        }
    }
}

struct Registered {
    member: String,
    street: Option<String>,
    known: Known,
}

/// Members registered at some time in `[from, until)`.
async fn registered_members(
    store: &Store,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Registered>, StoreError> {
    let sql = format!(
        "SELECT item_key, name, street, community, home_unit FROM {}
         WHERE first_registered_ns < $1 AND (left_ns IS NULL OR left_ns >= $2)",
        MEMBERS.name
    );
    let args = vec![Value::int(to_ns(until)), Value::int(to_ns(from))];
    let rows = fetch(
        store,
        &Statement::new(sql, args),
        &[Text, Text, Text, Text, Text],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            let member = f.text().unwrap_or_default();
            let name = f.text();
            let street = f.text();
            let community = f.text();
            let home_unit = f.text();
            Registered {
                member,
                street,
                known: Known {
                    name,
                    community,
                    home_unit,
                    listed: false,
                },
            }
        })
        .collect())
}
