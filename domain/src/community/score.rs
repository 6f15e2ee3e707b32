//! Scoring 量化积分 / 锋领指数, pure: the periods points are summed over, a unit's status against
//! the organisation's thresholds, members' yearly tiers, and shared ranks.
//!
//! Points come from confirmed needs (`NeedConfirmed`) and confirmed case tasks (`TaskConfirmed`),
//! counted in the Asia/Shanghai month of the confirmation.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::org::Scoring;

/// A scoring period: a month `YYYY-MM`, a half-year `YYYY-H1` / `YYYY-H2`, or a year `YYYY`
/// (Asia/Shanghai calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Month { year: i32, month: u32 },
    Half { year: i32, half: u32 },
    Year(i32),
}

/// A period that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("period must be YYYY-MM, YYYY-H1, YYYY-H2 or YYYY, not {0:?}")]
pub struct BadPeriod(pub String);

impl FromStr for Period {
    type Err = BadPeriod;

    fn from_str(text: &str) -> Result<Self, BadPeriod> {
        let bad = || BadPeriod(text.to_string());
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        let (y, rest) = match text.split_once('-') {
            Some((y, rest)) => (y, Some(rest)),
            None => (text, None),
        };
        if !digits(y, 4) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        match rest {
            None => Ok(Period::Year(year)),
            Some("H1") => Ok(Period::Half { year, half: 1 }),
            Some("H2") => Ok(Period::Half { year, half: 2 }),
            Some(m) if digits(m, 2) => match m.parse() {
                Ok(month @ 1..=12) => Ok(Period::Month { year, month }),
                _ => Err(bad()),
            },
            Some(_) => Err(bad()),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month { year, month } => write!(f, "{year:04}-{month:02}"),
            Period::Half { year, half } => write!(f, "{year:04}-H{half}"),
            Period::Year(year) => write!(f, "{year:04}"),
        }
    }
}

impl Period {
    /// The first and last month (`YYYY-MM`, inclusive) the period covers.
    pub fn months(&self) -> (String, String) {
        let m = |year: i32, month: u32| format!("{year:04}-{month:02}");
        match *self {
            Period::Month { year, month } => (m(year, month), m(year, month)),
            Period::Half { year, half: 1 } => (m(year, 1), m(year, 6)),
            Period::Half { year, .. } => (m(year, 7), m(year, 12)),
            Period::Year(year) => (m(year, 1), m(year, 12)),
        }
    }

    pub fn year(&self) -> i32 {
        match *self {
            Period::Month { year, .. } | Period::Half { year, .. } | Period::Year(year) => year,
        }
    }

    /// Unit status and member tiers are yearly judgements.
    pub fn is_year(&self) -> bool {
        matches!(self, Period::Year(_))
    }
}

/// A unit's standing for a year (乐山: below the floor a unit loses shared resources, above the
/// commendation line it is commended).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    /// Fewer points than `unit_floor`: no shared resources 不得共享资源.
    NoSharedResources,
    Standard,
    /// More points than `unit_commended`: commended 表彰.
    Commended,
}

/// The status of a unit with `points` in a year.
pub fn unit_status(points: i64, scoring: &Scoring) -> UnitStatus {
    if points < i64::from(scoring.unit_floor) {
        UnitStatus::NoSharedResources
    } else if points > i64::from(scoring.unit_commended) {
        UnitStatus::Commended
    } else {
        UnitStatus::Standard
    }
}

/// A member's yearly tier (宁波 锋领指数).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MemberTier {
    /// 先进: among the best `member_top_share` (and not below the floor).
    Advanced,
    /// 合格.
    Qualified,
    /// 警示: fewer points than `member_floor`.
    Warning,
}

/// Competition ranks of `points` sorted best first: ties share a rank, the next rank skips
/// (100, 80, 80, 50 → 1, 2, 2, 4).
pub fn ranks(points_best_first: &[i64]) -> Vec<u32> {
    let mut ranks = Vec::with_capacity(points_best_first.len());
    for (i, p) in points_best_first.iter().enumerate() {
        let rank = match i {
            0 => 1,
            _ if points_best_first[i - 1] == *p => ranks[i - 1],
            _ => i as u32 + 1,
        };
        ranks.push(rank);
    }
    ranks
}

/// How many members are 先进 among `members`: the top share, rounded up (so one of any group).
pub fn advanced_quota(members: usize, scoring: &Scoring) -> u32 {
    (members as f64 * scoring.member_top_share).ceil() as u32
}

/// The tiers of the members whose year's points are `points_best_first` (sorted best first):
/// below `member_floor` → warning; otherwise advanced when the member's rank is within the
/// quota (members tied at the cut all are), else qualified.
pub fn member_tiers(points_best_first: &[i64], scoring: &Scoring) -> Vec<MemberTier> {
    let quota = advanced_quota(points_best_first.len(), scoring);
    points_best_first
        .iter()
        .zip(ranks(points_best_first))
        .map(|(points, rank)| {
            if *points < i64::from(scoring.member_floor) {
                MemberTier::Warning
            } else if rank <= quota {
                MemberTier::Advanced
            } else {
                MemberTier::Qualified
            }
        })
        .collect()
}
