//! Clusters 高频诉求 and monthly topics 每月一题, computed from the hot-spot rows when asked.
//!
//! A cluster is a set of cases of one category in one street, linked when they are at the same
//! normalised address, in the same community, or within `radius_m` of each other; merged
//! duplicates count (they are volume). A cluster of at least `repeat_threshold` cases within the
//! window is a repeat warning.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use serde::Serialize;
use shaobao_domain::org::Hotspots;
use shaobao_domain::similar::distance_m;
use shaobao_services::store::{Store, StoreError};

use super::CASES;
use crate::sql::{fetch, ColType::*, Fields, Statement, Value};
use crate::time::{from_ns, to_ns};

/// Which clusters to list.
#[derive(Debug, Clone)]
pub struct ClusterQuery {
    pub street: Option<String>,
    pub now: DateTime<Utc>,
    pub days: u32,
    pub min_count: u32,
}

/// Requests of one category at one place (DESIGN §6 shape).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cluster {
    pub street: String,
    /// The community, when all its cases are in one.
    pub community: Option<String>,
    /// The address most of its cases give (as written), else the community, else the point.
    pub place: String,
    pub category: String,
    pub count: usize,
    /// Oldest first.
    pub case_ids: Vec<String>,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

#[derive(Clone)]
pub(super) struct Row {
    pub(super) case_id: String,
    pub(super) street: String,
    community: Option<String>,
    pub(super) category: String,
    place: Option<String>,
    address: Option<String>,
    point: Option<(f64, f64)>,
    pub(super) opened_at: DateTime<Utc>,
}

/// The cases opened in `[from, until)`, of one street and one category when given.
async fn rows(
    store: &Store,
    street: Option<&str>,
    category: Option<&str>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Row>, StoreError> {
    let mut args = vec![Value::int(to_ns(from)), Value::int(to_ns(until))];
    let mut filter = String::new();
    for (column, value) in [("street", street), ("category", category)] {
        if let Some(value) = value {
            args.push(Value::text(value));
            filter.push_str(&format!(" AND {column} = ${}", args.len()));
        }
    }
    select_rows(store, &filter, args).await
}

/// The cases opened in `[from, until)` in any of the (street, category) `pairs`.
pub(super) async fn rows_of_pairs(
    store: &Store,
    pairs: &[(String, String)],
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Row>, StoreError> {
    let mut args = vec![Value::int(to_ns(from)), Value::int(to_ns(until))];
    let mut tuples = Vec::with_capacity(pairs.len());
    for (street, category) in pairs {
        tuples.push(format!("(${}, ${})", args.len() + 1, args.len() + 2));
        args.push(Value::text(street));
        args.push(Value::text(category));
    }
    let filter = format!(" AND (street, category) IN ({})", tuples.join(", "));
    select_rows(store, &filter, args).await
}

/// The rows opened in `[$1, $2)` matching `filter`, by (opened, case id).
async fn select_rows(
    store: &Store,
    filter: &str,
    args: Vec<Value>,
) -> Result<Vec<Row>, StoreError> {
    let statement = Statement::new(
        format!(
            "SELECT case_id, street, community, category, place, address, lat_e6, lon_e6,
                    opened_ns
             FROM {} WHERE opened_ns >= $1 AND opened_ns < $2{filter}
             ORDER BY opened_ns, case_id",
            CASES.name
        ),
        args,
    );
    let types = [Text, Text, Text, Text, Text, Text, Int, Int, Int];
    Ok(fetch(store, &statement, &types)
        .await?
        .into_iter()
        .map(|row| {
            let mut f = Fields::new(row);
            Row {
                case_id: f.text().unwrap_or_default(),
                street: f.text().unwrap_or_default(),
                community: f.text(),
                category: f.text().unwrap_or_default(),
                place: f.text(),
                address: f.text(),
                point: match (f.int(), f.int()) {
                    (Some(lat), Some(lon)) => Some((lat as f64 / 1e6, lon as f64 / 1e6)),
                    _ => None,
                },
                opened_at: from_ns(f.int().unwrap_or(0)),
            }
        })
        .collect())
}

/// Clusters of at least `min_count` cases opened in the last `days`, largest first.
pub async fn clusters(
    store: &Store,
    settings: &Hotspots,
    query: &ClusterQuery,
) -> Result<Vec<Cluster>, StoreError> {
    let from = query.now - Duration::days(i64::from(query.days));
    let found = rows(
        store,
        query.street.as_deref(),
        None,
        from,
        query.now + Duration::seconds(1),
    )
    .await?;
    let mut clusters: Vec<Cluster> = group(&found, settings.radius_m)
        .into_iter()
        .filter(|c| c.count >= query.min_count as usize)
        .collect();
    clusters.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.last_at.cmp(&a.last_at))
            .then(a.case_ids.cmp(&b.case_ids))
    });
    Ok(clusters)
}

/// The repeat warnings now: clusters of at least `repeat_threshold` cases in the window.
pub async fn repeat_warnings(
    store: &Store,
    settings: &Hotspots,
    street: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<Cluster>, StoreError> {
    let query = ClusterQuery {
        street: street.map(str::to_string),
        now,
        days: settings.window_days,
        min_count: settings.repeat_threshold,
    };
    clusters(store, settings, &query).await
}

/// The repeat warnings as alert items (kind `repeat`), newest first.
pub async fn repeat_alerts(
    store: &Store,
    settings: &Hotspots,
    street: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Vec<crate::models::deadlines::AlertItem>, StoreError> {
    let mut warnings = repeat_warnings(store, settings, street, now).await?;
    warnings.sort_by(|a, b| b.last_at.cmp(&a.last_at).then(a.case_ids.cmp(&b.case_ids)));
    Ok(warnings
        .into_iter()
        .map(|cluster| crate::models::deadlines::AlertItem {
            case_id: cluster.case_ids.last().cloned().unwrap_or_default(),
            kind: "repeat".into(),
            deadline: "repeat".into(),
            due_at: cluster.last_at,
            at: cluster.last_at,
            street: cluster.street.clone(),
            department: None,
            whistle_no: None,
            reminded: false,
            supervision: None,
            repeat: Some(cluster),
        })
        .collect())
}

/// Union-find over the cases of each (street, category): same place, same community, or near.
pub(super) fn group(rows: &[Row], radius_m: f64) -> Vec<Cluster> {
    let mut parent: Vec<usize> = (0..rows.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let union = |parent: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (root(parent, a), root(parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    let mut first_by_key: HashMap<(String, &str, &str, String), usize> = HashMap::new();
    // Points in cells of the radius: only the 3 × 3 cells around a point can be within it.
    let cell_deg = (radius_m / 111_000.0).max(1e-6);
    let mut cells: HashMap<(&str, &str, i64, i64), Vec<usize>> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        let scope = (row.street.as_str(), row.category.as_str());
        for (kind, key) in [("place", &row.place), ("community", &row.community)] {
            if let Some(key) = key {
                let entry = first_by_key.entry((kind.to_string(), scope.0, scope.1, key.clone()));
                let first = *entry.or_insert(i);
                union(&mut parent, first, i);
            }
        }
        if let Some((lat, lon)) = row.point {
            let (cy, cx) = (
                (lat / cell_deg).floor() as i64,
                (lon / cell_deg).floor() as i64,
            );
            for dy in -1..=1 {
                for dx in -1..=1 {
                    for &j in cells
                        .get(&(scope.0, scope.1, cy + dy, cx + dx))
                        .into_iter()
                        .flatten()
                    {
                        let (lat2, lon2) = rows[j].point.unwrap_or_default();
                        if distance_m(lat, lon, lat2, lon2) <= radius_m {
                            union(&mut parent, i, j);
                        }
                    }
                }
            }
            cells.entry((scope.0, scope.1, cy, cx)).or_default().push(i);
        }
    }
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..rows.len() {
        let r = root(&mut parent, i);
        members.entry(r).or_default().push(i);
    }
    members.into_values().map(|m| cluster(rows, &m)).collect()
}

fn cluster(rows: &[Row], members: &[usize]) -> Cluster {
    let first = &rows[members[0]];
    let community = members
        .iter()
        .all(|&i| rows[i].community == first.community)
        .then(|| first.community.clone())
        .flatten();
    let mut addresses: BTreeMap<&str, usize> = BTreeMap::new();
    for &i in members {
        if let Some(address) = &rows[i].address {
            *addresses.entry(address.as_str()).or_default() += 1;
        }
    }
    let address = addresses
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(a, _)| a.to_string());
    let place = address
        .or_else(|| community.clone())
        .or_else(|| first.point.map(|(lat, lon)| format!("{lat:.5},{lon:.5}")))
        .unwrap_or_default();
    Cluster {
        street: first.street.clone(),
        community,
        place,
        category: first.category.clone(),
        count: members.len(),
        case_ids: members.iter().map(|&i| rows[i].case_id.clone()).collect(),
        first_at: rows[members[0]].opened_at,
        last_at: members
            .iter()
            .map(|&i| rows[i].opened_at)
            .max()
            .unwrap_or(first.opened_at),
    }
}

/// 每月一题: per street, the categories and places by count in a month, each with the count of
/// the month before and the change.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthlyTopics {
    pub street: String,
    pub month: String,
    pub previous_month: String,
    /// Most cases first.
    pub categories: Vec<TopicCount>,
    /// Places (clusters of the month) with at least two cases, most first.
    pub places: Vec<TopicCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TopicCount {
    /// The category code, or for a place its name.
    pub key: String,
    pub category: String,
    pub count: usize,
    pub previous: usize,
    /// `count - previous`.
    pub change: i64,
}

/// How many categories and places each street's topics list.
const TOP: usize = 5;

/// The first instant of a `YYYY-MM` month in Beijing, and of the months before and after it.
pub fn month_bounds(month: &str) -> Option<[DateTime<Utc>; 3]> {
    let start = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").ok()?;
    let previous = start.checked_sub_months(chrono::Months::new(1))?;
    let next = start.checked_add_months(chrono::Months::new(1))?;
    let at = |d: NaiveDate| {
        Shanghai
            .from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
            .earliest()
            .map(|t| t.to_utc())
    };
    Some([at(previous)?, at(start)?, at(next)?])
}

/// The topics of `month` (`YYYY-MM`) per street (one street when given), streets by code.
pub async fn monthly(
    store: &Store,
    settings: &Hotspots,
    month: &str,
    street: Option<&str>,
) -> Result<Option<Vec<MonthlyTopics>>, StoreError> {
    let Some([previous_start, start, end]) = month_bounds(month) else {
        return Ok(None);
    };
    let previous_month = previous_start
        .with_timezone(&Shanghai)
        .format("%Y-%m")
        .to_string();
    let all = rows(store, street, None, previous_start, end).await?;
    let (before, during): (Vec<Row>, Vec<Row>) = all.into_iter().partition(|r| r.opened_at < start);
    let mut streets: BTreeMap<String, MonthlyTopics> = BTreeMap::new();
    let new_topics = |street: &str| MonthlyTopics {
        street: street.to_string(),
        month: month.to_string(),
        previous_month: previous_month.clone(),
        categories: Vec::new(),
        places: Vec::new(),
    };
    let (now_counts, before_counts) = (count_by_category(&during), count_by_category(&before));
    for ((street, category), count) in &now_counts {
        let previous = before_counts
            .get(&(street.clone(), category.clone()))
            .copied()
            .unwrap_or(0);
        streets
            .entry(street.clone())
            .or_insert_with(|| new_topics(street))
            .categories
            .push(topic(category, category, *count, previous));
    }
    let before_places: HashMap<(String, String, String), usize> = group(&before, settings.radius_m)
        .into_iter()
        .map(|c| ((c.street, c.category, c.place), c.count))
        .collect();
    for c in group(&during, settings.radius_m)
        .into_iter()
        .filter(|c| c.count >= 2)
    {
        let previous = before_places
            .get(&(c.street.clone(), c.category.clone(), c.place.clone()))
            .copied()
            .unwrap_or(0);
        streets
            .entry(c.street.clone())
            .or_insert_with(|| new_topics(&c.street))
            .places
            .push(topic(&c.place, &c.category, c.count, previous));
    }
    let mut out: Vec<MonthlyTopics> = streets.into_values().collect();
    for t in &mut out {
        for list in [&mut t.categories, &mut t.places] {
            list.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));
            list.truncate(TOP);
        }
    }
    Ok(Some(out))
}

fn count_by_category(rows: &[Row]) -> HashMap<(String, String), usize> {
    let mut counts = HashMap::new();
    for r in rows {
        *counts
            .entry((r.street.clone(), r.category.clone()))
            .or_default() += 1;
    }
    counts
}

fn topic(key: &str, category: &str, count: usize, previous: usize) -> TopicCount {
    TopicCount {
        key: key.to_string(),
        category: category.to_string(),
        count,
        previous,
        change: count as i64 - previous as i64,
    }
}
