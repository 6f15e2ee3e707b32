//! Hot spots 高频诉求 (DESIGN §4) and what the duplicates need: one row per case with its place,
//! category, time and merge state (the similar-case finder's candidates, the clusters, the monthly
//! topics), and one row per duplicate attached to a primary (what the merge follower compares).
//! Clusters and topics are computed from these rows when asked (`clusters.rs`), so they follow
//! the rolling window without rewriting any row.

pub mod clusters;
pub mod repeats;
pub mod similar;

use shaobao_domain::org::Organisation;
use shaobao_domain::similar::normalise_address;
use shaobao_domain::CaseState;
use shaobao_services::store::{Store, StoreError};

use super::serde_name;
use crate::record::CaseRecord;
use crate::schema::{no_community_rows, Table};
use crate::sql::{fetch, ColType::*, Fields, Row, Statement, Value};
use crate::time::to_ns;

pub use clusters::{
    clusters, monthly, repeat_alerts, repeat_warnings, Cluster, ClusterQuery, MonthlyTopics,
};
pub use repeats::{raised_by, HotspotRepeatWarnings, RepeatWarning};
pub use similar::{similar_cases, SimilarCase, SimilarQuery};

pub const CASES: Table = Table {
    name: "rm_hotspot_cases",
    columns: &[
        ("case_id", Text),
        ("street", Text),
        ("community", Text),
        ("category", Text),
        // The address after `normalise_address`; the key of "the same place".
        ("place", Text),
        ("address", Text),
        // WGS 84 in millionths of a degree, when the case has a point.
        ("lat_e6", Int),
        ("lon_e6", Int),
        ("opened_ns", Int),
        ("state", Text),
        // The primary, while merged (or once closed with it).
        ("merged_into", Text),
        ("channel", Text),
        ("description", Text),
    ],
    indexes: &[
        "street, category, opened_ns",
        "street, place",
        "street, opened_ns",
        "merged_into",
        // The merge follower looks for merged cases on every wake-up: few among many.
        "state",
        // Clusters of the whole district (the hotline's alerts).
        "opened_ns",
    ],
    rows: case_rows,
    community_rows: no_community_rows,
};

pub const DUPLICATES: Table = Table {
    name: "rm_case_duplicates",
    columns: &[("case_id", Text), ("duplicate_id", Text)],
    indexes: &["duplicate_id"],
    rows: duplicate_rows,
    community_rows: no_community_rows,
};

fn case_rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    let (Some(intake), Some(state)) = (record.case.intake(), record.case.state()) else {
        return vec![];
    };
    let location = &intake.location;
    let e6 = |degrees: Option<f64>| Value::Int(degrees.map(|d| (d * 1e6).round() as i64));
    vec![vec![
        Value::text(&record.id),
        Value::text(&location.street),
        Value::Text(location.community.clone()),
        Value::text(&intake.category),
        Value::Text(location.address.as_deref().and_then(normalise_address)),
        Value::Text(location.address.clone()),
        e6(location.lat),
        e6(location.lon),
        Value::int(to_ns(intake.opened_at)),
        Value::text(state.as_str()),
        Value::Text(record.case.merged_into().map(str::to_string)),
        Value::text(serde_name(&intake.channel)),
        Value::text(&intake.description),
    ]]
}

fn duplicate_rows(record: &CaseRecord, _: &Organisation) -> Vec<Row> {
    record
        .case
        .duplicates()
        .iter()
        .map(|d| vec![Value::text(&record.id), Value::text(&d.case_id)])
        .collect()
}

/// Pairs (duplicate, primary) whose merge, unmerge or close is not complete on both sides: a
/// merged duplicate its primary does not list, a merged duplicate of a closed primary, and a
/// listed duplicate no longer merged into (nor closed with) its primary. The merge follower
/// completes each from the streams themselves.
pub async fn unfinished_duplicates(
    store: &Store,
    limit: u32,
) -> Result<Vec<(String, String)>, StoreError> {
    let merged = CaseState::Merged.as_str();
    let closed = CaseState::Closed.as_str();
    let query = Statement::new(
        format!(
            "SELECT d.case_id, d.merged_into FROM {cases} d
             WHERE d.state = $1 AND (
                NOT EXISTS (SELECT 1 FROM {dups} a
                            WHERE a.case_id = d.merged_into AND a.duplicate_id = d.case_id)
                OR EXISTS (SELECT 1 FROM {cases} p WHERE p.case_id = d.merged_into AND p.state = $2))
             UNION
             SELECT a.duplicate_id, a.case_id FROM {dups} a
             JOIN {cases} d ON d.case_id = a.duplicate_id
             WHERE d.merged_into IS NULL OR d.merged_into <> a.case_id
                OR (d.state <> $3 AND d.state <> $4)
             LIMIT {limit}",
            cases = CASES.name,
            dups = DUPLICATES.name,
        ),
        vec![
            Value::text(merged),
            Value::text(closed),
            Value::text(merged),
            Value::text(closed),
        ],
    );
    let rows = fetch(store, &query, &[Text, Text]).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let mut f = Fields::new(row);
            Some((f.text()?, f.text()?))
        })
        .collect())
}
