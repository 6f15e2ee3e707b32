//! Organisation reference data (DESIGN §2): district → streets 街道 → communities 社区 → grids 网格,
//! departments 部门, request categories 诉求分类, SLA policy and working-day calendar, and the
//! scoring of community mobilisation 量化积分 (unit thresholds, member tiers) and the weights of
//! the statistics' composite score.
//!
//! Loaded from one TOML file ([`Organisation::from_toml_str`]); the file format is described in
//! `deploy/org/sample-district.toml`. Serialising gives back the same shape (TOML or JSON), and
//! deserialising validates exactly like loading the file.

mod error;
pub(crate) mod file;
mod validate;
mod weights;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::sla::{SlaPolicy, Timer, Urgency};

pub use error::OrgError;
pub use weights::Weights;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "file::OrgFile", into = "file::OrgFile")]
pub struct Organisation {
    pub district: District,
    pub streets: Vec<Street>,
    pub departments: Vec<Department>,
    pub categories: Vec<Category>,
    pub sla: SlaPolicy,
    pub calendar: WorkingCalendar,
    /// Unit score thresholds and member tiers (optional in the file: defaults below).
    pub scoring: Scoring,
    /// The statistics' composite weights (optional in the file: DESIGN §4 defaults).
    pub weights: Weights,
}

/// How community points 量化积分 are judged (DESIGN §3 "Community mobilisation"): a unit's points
/// in a year against two thresholds, and members' yearly tiers. Optional `[scoring]` table in the
/// organisation file; every key defaults as [`Scoring::default`] says. The points themselves are
/// recorded in the confirming events, so changing these judges history anew but never rewrites it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// A unit with fewer points in a year has "no shared resources" (default 60).
    pub unit_floor: u32,
    /// A unit with more points in a year is "commended" (default 100).
    pub unit_commended: u32,
    /// The share of members rated 先进 advanced each year, best first (default 0.10: top 10 %).
    pub member_top_share: f64,
    /// A member with fewer points in a year is rated 警示 warning (default 10).
    pub member_floor: u32,
}

impl Default for Scoring {
    fn default() -> Self {
        Scoring {
            unit_floor: 60,
            unit_commended: 100,
            member_top_share: 0.10,
            member_floor: 10,
        }
    }
}

/// 区 district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct District {
    pub code: String,
    pub name: String,
}

/// 街道/乡镇 street (or township).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Street {
    pub code: String,
    pub name: String,
    /// Optional `[lat, lon]` (WGS 84, degrees) near the middle of the street's area. The file has
    /// no boundaries, so a reported point (Open311 `lat`/`long`) goes to the nearest centre.
    #[serde(
        default,
        deserialize_with = "lat_lon",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<f64>>, min_items = 2, max_items = 2))]
    pub centre: Option<[f64; 2]>,
    /// Optional boundary polygon, `[[lat, lon], …]` (at least three corners, not closed): the
    /// console's map draws it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Vec<f64>>))]
    pub boundary: Vec<[f64; 2]>,
    #[serde(default)]
    pub communities: Vec<Community>,
}

/// Exactly two numbers: serde would take the first two of a longer array and drop the rest.
fn lat_lon<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<[f64; 2]>, D::Error> {
    let Some(values) = Option::<Vec<f64>>::deserialize(d)? else {
        return Ok(None);
    };
    let count = values.len();
    let pair = <[f64; 2]>::try_from(values)
        .map_err(|_| serde::de::Error::invalid_length(count, &"two numbers, [lat, lon]"))?;
    Ok(Some(pair))
}

/// 社区 community, divided into 网格 grids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Community {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub grids: Vec<String>,
}

/// 委办局 functional department or utility company.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub code: String,
    pub name: String,
}

/// 诉求分类 request category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub default_urgency: Urgency,
    /// The department that usually handles it, if any.
    #[serde(default)]
    pub default_department: Option<String>,
}

impl Organisation {
    /// Parses and validates an organisation file. Errors name the offending key
    /// (`categories[3].default_department: unknown department "xyz"`, indices from 0) or, for
    /// TOML syntax and shape errors (unknown keys, wrong types), give line and column.
    pub fn from_toml_str(text: &str) -> Result<Organisation, OrgError> {
        let file: file::OrgFile =
            toml::from_str(text).map_err(|e| OrgError::Syntax(e.to_string()))?;
        Organisation::try_from(file)
    }

    /// This organisation in the file format; [`Organisation::from_toml_str`] reads it back equal.
    pub fn to_toml_string(&self) -> Result<String, toml::ser::Error> {
        toml::to_string(self)
    }

    /// Every SLA span multiplied by `factor` (`--sla-scale`, for drills, simulations and tests),
    /// rounded to whole seconds, at least 1 s. With `factor != 1.0`, working spans (`wh`, `wd`)
    /// become elapsed seconds of their nominal length (a working hour is 3600 s, a working day
    /// 86400 s): a compressed drill has no office hours, and otherwise a scaled deadline would
    /// still wait for Monday morning. `factor == 1.0` leaves the policy unchanged. Counts and
    /// `approaching_fraction` are never scaled. Refuses a factor that is not finite and > 0.
    pub fn with_sla_scale(mut self, factor: f64) -> Result<Organisation, OrgError> {
        if !(factor.is_finite() && factor > 0.0) {
            return Err(OrgError::InvalidSlaScale(factor));
        }
        if factor != 1.0 {
            self.sla = self.sla.scaled(factor);
        }
        Ok(self)
    }

    pub fn street(&self, code: &str) -> Option<&Street> {
        self.streets.iter().find(|s| s.code == code)
    }

    pub fn department(&self, code: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.code == code)
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    /// Community `code` and the street it lies in.
    pub fn place_of_community(&self, code: &str) -> Option<crate::community::Place> {
        self.streets.iter().find_map(|s| {
            s.communities
                .iter()
                .find(|c| c.code == code)
                .map(|c| crate::community::Place {
                    street: s.code.clone(),
                    community: c.code.clone(),
                })
        })
    }

    /// When `timer`, started at `from`, runs out under this organisation's policy and calendar.
    pub fn due(&self, timer: Timer, from: DateTime<Utc>) -> DateTime<Utc> {
        self.calendar.add(from, self.sla.span(timer))
    }
}
