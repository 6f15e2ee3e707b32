//! The organisation file's shape, with spans, dates, urgencies and working hours still as text
//! so that [`super::validate`] can name the key of any bad value. Serialising an
//! [`Organisation`] goes through these types too, so output and input share one format.

use serde::{Deserialize, Serialize};

use super::{Category, Department, District, Organisation, Scoring, Street, Weights};
use crate::calendar::{WorkingCalendar, TIMEZONE};
use crate::sla::{SlaPolicy, Span, UrgencySla, WhistleSla};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OrgFile {
    pub district: District,
    pub calendar: CalendarFile,
    pub sla: SlaFile,
    // Optional here so that an empty list gets the keyed "at least one" error.
    #[serde(default)]
    pub streets: Vec<Street>,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub categories: Vec<CategoryFile>,
    /// Optional; each key defaults on its own.
    #[serde(default)]
    pub scoring: ScoringFile,
    /// Optional; each key defaults on its own.
    #[serde(default)]
    pub weights: Weights,
}

/// `[scoring]`: every key optional (see [`Scoring`]).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoringFile {
    pub unit_floor: u32,
    pub unit_commended: u32,
    pub member_top_share: f64,
    pub member_floor: u32,
}

impl Default for ScoringFile {
    fn default() -> Self {
        Scoring::default().into()
    }
}

impl From<Scoring> for ScoringFile {
    fn from(s: Scoring) -> Self {
        ScoringFile {
            unit_floor: s.unit_floor,
            unit_commended: s.unit_commended,
            member_top_share: s.member_top_share,
            member_floor: s.member_floor,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    #[serde(default = "default_timezone")]
    pub timezone: String,
    #[serde(default)]
    pub working_hours: Vec<String>,
    #[serde(default)]
    pub holidays: Vec<String>,
    #[serde(default)]
    pub make_up_workdays: Vec<String>,
}

fn default_timezone() -> String {
    TIMEZONE.to_owned()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlaFile {
    pub approaching_fraction: f64,
    pub max_extensions: u32,
    pub max_callback_attempts: u32,
    pub max_reopens: u32,
    pub return_window: String,
    pub extension_max: String,
    pub callback: String,
    pub reopen_window: String,
    pub district_supervision: String,
    pub city_supervision: String,
    pub emergency: UrgencyFile,
    pub utility: UrgencyFile,
    pub ordinary: UrgencyFile,
    pub complex: UrgencyFile,
    pub whistle: WhistleFile,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgencyFile {
    pub sign: String,
    pub contact: String,
    pub resolve: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhistleFile {
    pub routine: String,
    pub crucial: String,
    pub emergency: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryFile {
    pub code: String,
    pub name: String,
    pub default_urgency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_department: Option<String>,
}

impl From<Organisation> for OrgFile {
    fn from(org: Organisation) -> Self {
        OrgFile {
            district: org.district,
            calendar: org.calendar.into(),
            sla: org.sla.into(),
            streets: org.streets,
            departments: org.departments,
            categories: org.categories.into_iter().map(CategoryFile::from).collect(),
            scoring: org.scoring.into(),
            weights: org.weights,
        }
    }
}

impl From<Category> for CategoryFile {
    fn from(c: Category) -> Self {
        CategoryFile {
            code: c.code,
            name: c.name,
            default_urgency: c.default_urgency.as_str().to_owned(),
            default_department: c.default_department,
        }
    }
}

impl From<WorkingCalendar> for CalendarFile {
    fn from(cal: WorkingCalendar) -> Self {
        let dates = |it: &mut dyn Iterator<Item = chrono::NaiveDate>| {
            it.map(|d| d.format("%Y-%m-%d").to_string()).collect()
        };
        CalendarFile {
            timezone: default_timezone(),
            working_hours: cal
                .working_hours()
                .iter()
                .map(ToString::to_string)
                .collect(),
            holidays: dates(&mut cal.holidays()),
            make_up_workdays: dates(&mut cal.make_up_workdays()),
        }
    }
}

impl From<SlaPolicy> for SlaFile {
    fn from(p: SlaPolicy) -> Self {
        let s = |span: Span| span.to_string();
        let u = |x: UrgencySla| UrgencyFile {
            sign: s(x.sign),
            contact: s(x.contact),
            resolve: s(x.resolve),
        };
        let WhistleSla {
            routine,
            crucial,
            emergency,
        } = p.whistle;
        SlaFile {
            approaching_fraction: p.approaching_fraction,
            max_extensions: p.max_extensions,
            max_callback_attempts: p.max_callback_attempts,
            max_reopens: p.max_reopens,
            return_window: s(p.return_window),
            extension_max: s(p.extension_max),
            callback: s(p.callback),
            reopen_window: s(p.reopen_window),
            district_supervision: s(p.district_supervision),
            city_supervision: s(p.city_supervision),
            emergency: u(p.emergency),
            utility: u(p.utility),
            ordinary: u(p.ordinary),
            complex: u(p.complex),
            whistle: WhistleFile {
                routine: s(routine),
                crucial: s(crucial),
                emergency: s(emergency),
            },
        }
    }
}
