//! The similar-case finder 类案推荐: cases of the last days in the same street, scored against a
//! case or a draft by [`shaobao_domain::similar`], best first, each with its reasons.
//!
//! Candidates are read by index: the same normalised address, or the same category at the
//! draft's place (its community, or a point within `FAR_M`; the whole category when the draft
//! gives neither). Anything else scores at most 0.35 + 0.35 × text and is not worth reading.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use shaobao_domain::similar::{Prepared, Request};
use shaobao_services::store::{Store, StoreError};

use super::CASES;
use crate::sql::{fetch, ColType::*, Fields, Statement, Value};
use crate::time::{from_ns, to_ns};

/// What to look for, and where.
#[derive(Debug, Clone)]
pub struct SimilarQuery {
    pub draft: Request,
    /// Left out of the answer (the case whose similar cases are asked for).
    pub exclude: Option<String>,
    pub now: DateTime<Utc>,
    pub window_days: u32,
    pub limit: usize,
}

/// One similar case.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SimilarCase {
    pub case_id: String,
    /// In [0, 1].
    pub score: f64,
    /// `same_category`, `near:35m`, `same_address`, `same_community`, `similar_text:0.62`.
    pub reasons: Vec<String>,
    pub state: String,
    pub category: String,
    pub address: Option<String>,
    pub opened_at: DateTime<Utc>,
}

/// Half the sides of the box around a draft's point, in millionths of a degree: a little more
/// than `FAR_M` (300 m) north–south, and east–west at Beijing's latitude.
const BOX_LAT_E6: i64 = 2_800;
const BOX_LON_E6: i64 = 3_600;

/// Cases whose score reaches this are offered: the same category with the same place, or with
/// a nearby point and some shared wording. The same category in the same community with other
/// words (0.35 + 0.15 + a little text) stays below it.
const MIN_SCORE: f64 = 0.6;

/// The best `limit` similar cases, best first (ties: newest first). Merged duplicates are left
/// out: a case is merged into their primary, never into them.
pub async fn similar_cases(
    store: &Store,
    query: &SimilarQuery,
) -> Result<Vec<SimilarCase>, StoreError> {
    let draft = Prepared::new(query.draft.clone());
    let since = query.now - Duration::days(i64::from(query.window_days));
    let mut args = vec![
        Value::text(&query.draft.street),
        Value::int(to_ns(since)),
        Value::text("merged"),
        Value::Text(draft.place.clone()),
        Value::text(&query.draft.category),
    ];
    // Of the same category, only what is at the draft's place: its community, or a point within
    // reach (all of the category when the draft says neither).
    let mut at_place = Vec::new();
    if let Some(community) = &query.draft.community {
        args.push(Value::text(community));
        at_place.push(format!("community = ${}", args.len()));
    }
    if let (Some(lat), Some(lon)) = (query.draft.lat, query.draft.lon) {
        let (lat, lon) = ((lat * 1e6).round() as i64, (lon * 1e6).round() as i64);
        let first = args.len() + 1;
        args.extend(
            [
                lat - BOX_LAT_E6,
                lat + BOX_LAT_E6,
                lon - BOX_LON_E6,
                lon + BOX_LON_E6,
            ]
            .map(Value::int),
        );
        at_place.push(format!(
            "(lat_e6 BETWEEN ${first} AND ${} AND lon_e6 BETWEEN ${} AND ${})",
            first + 1,
            first + 2,
            first + 3
        ));
    }
    let same_category = match at_place.is_empty() {
        true => "category = $5".to_string(),
        false => format!("category = $5 AND ({})", at_place.join(" OR ")),
    };
    let statement = Statement::new(
        format!(
            "SELECT case_id, community, category, address, lat_e6, lon_e6, opened_ns, state,
                    description
             FROM {} WHERE street = $1 AND opened_ns >= $2 AND state <> $3
               AND (place = $4 OR ({same_category}))",
            CASES.name
        ),
        args,
    );
    let types = [Text, Text, Text, Text, Int, Int, Int, Text, Text];
    let rows = fetch(store, &statement, &types).await?;
    let mut found: Vec<SimilarCase> = rows
        .into_iter()
        .filter_map(|row| {
            let mut f = Fields::new(row);
            let case_id = f.text()?;
            if query.exclude.as_deref() == Some(case_id.as_str()) {
                return None;
            }
            let community = f.text();
            let category = f.text().unwrap_or_default();
            let address = f.text();
            let degrees = |e6: Option<i64>| e6.map(|v| v as f64 / 1e6);
            let (lat, lon) = (degrees(f.int()), degrees(f.int()));
            let opened_at = from_ns(f.int().unwrap_or(0));
            let state = f.text().unwrap_or_default();
            let candidate = Prepared::new(Request {
                category: category.clone(),
                street: query.draft.street.clone(),
                community,
                address: address.clone(),
                lat,
                lon,
                description: f.text().unwrap_or_default(),
            });
            let similarity = draft.similarity(&candidate);
            (similarity.score >= MIN_SCORE).then(|| SimilarCase {
                case_id,
                score: (similarity.score * 1000.0).round() / 1000.0,
                reasons: similarity.reasons.iter().map(|r| r.label()).collect(),
                state,
                category,
                address,
                opened_at,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.opened_at.cmp(&a.opened_at))
            .then(a.case_id.cmp(&b.case_id))
    });
    found.truncate(query.limit);
    Ok(found)
}
