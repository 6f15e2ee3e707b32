//! From the file's text values to a checked [`Organisation`]; every refusal names its key.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::file::{CalendarFile, CategoryFile, OrgFile, ScoringFile, SlaFile, UrgencyFile};
use super::{Category, OrgError, Organisation, Scoring};
use crate::calendar::{CalendarError, WorkingCalendar, WorkingPeriod, TIMEZONE};
use crate::sla::{SlaPolicy, Span, UrgencySla, WhistleSla};

type Result<T> = std::result::Result<T, OrgError>;

/// `prefix.field`, or just `field` when the table is deserialised on its own.
fn key(prefix: &str, field: &str) -> String {
    if prefix.is_empty() {
        field.to_owned()
    } else {
        format!("{prefix}.{field}")
    }
}

impl TryFrom<OrgFile> for Organisation {
    type Error = OrgError;

    fn try_from(f: OrgFile) -> Result<Self> {
        check_code("district.code", &f.district.code)?;
        check_name("district.name", &f.district.name)?;
        let calendar = calendar(f.calendar, "calendar")?;
        let sla = sla(f.sla, "sla")?;

        non_empty("streets", f.streets.len(), "street")?;
        let (mut streets, mut communities, mut grids) =
            (Seen::default(), Seen::default(), Seen::default());
        for (i, s) in f.streets.iter().enumerate() {
            let at = format!("streets[{i}]");
            streets.code(&s.code, &at, "street")?;
            check_name(&key(&at, "name"), &s.name)?;
            if let Some(centre) = s.centre {
                check_centre(&key(&at, "centre"), centre)?;
            }
            if !s.boundary.is_empty() && s.boundary.len() < 3 {
                let msg = "a boundary needs at least three corners".to_string();
                return Err(OrgError::invalid(key(&at, "boundary"), msg));
            }
            for corner in &s.boundary {
                check_centre(&key(&at, "boundary"), *corner)?;
            }
            for (j, c) in s.communities.iter().enumerate() {
                let at = format!("{at}.communities[{j}]");
                communities.code(&c.code, &at, "community")?;
                check_name(&key(&at, "name"), &c.name)?;
                for (k, g) in c.grids.iter().enumerate() {
                    grids.unique(g, &format!("{at}.grids[{k}]"), "grid")?;
                }
            }
        }

        non_empty("departments", f.departments.len(), "department")?;
        let mut departments = Seen::default();
        for (i, d) in f.departments.iter().enumerate() {
            let at = format!("departments[{i}]");
            departments.code(&d.code, &at, "department")?;
            check_name(&key(&at, "name"), &d.name)?;
        }

        non_empty("categories", f.categories.len(), "category")?;
        let mut seen = Seen::default();
        let mut categories = Vec::with_capacity(f.categories.len());
        for (i, c) in f.categories.into_iter().enumerate() {
            let at = format!("categories[{i}]");
            seen.code(&c.code, &at, "category")?;
            categories.push(category(c, &at, &departments)?);
        }

        let scoring = scoring(f.scoring, "scoring")?;
        let weights = f.weights.checked("weights")?;
        Ok(Organisation {
            district: f.district,
            streets: f.streets,
            departments: f.departments,
            categories,
            sla,
            calendar,
            scoring,
            weights,
        })
    }
}

fn scoring(f: ScoringFile, at: &str) -> Result<Scoring> {
    let share = f.member_top_share;
    if !(share > 0.0 && share <= 1.0) {
        let msg = format!("must be more than 0 and at most 1, got {share}");
        return Err(OrgError::invalid(key(at, "member_top_share"), msg));
    }
    if f.unit_floor > f.unit_commended {
        let msg = format!(
            "must not be below unit_floor ({} < {})",
            f.unit_commended, f.unit_floor
        );
        return Err(OrgError::invalid(key(at, "unit_commended"), msg));
    }
    Ok(Scoring {
        unit_floor: f.unit_floor,
        unit_commended: f.unit_commended,
        member_top_share: share,
        member_floor: f.member_floor,
    })
}

fn category(c: CategoryFile, at: &str, departments: &Seen) -> Result<Category> {
    check_name(&key(at, "name"), &c.name)?;
    let default_urgency = c
        .default_urgency
        .parse()
        .map_err(|m| OrgError::invalid(key(at, "default_urgency"), m))?;
    if let Some(d) = &c.default_department {
        if !departments.0.contains_key(d.as_str()) {
            let msg = format!("unknown department \"{d}\"");
            return Err(OrgError::invalid(key(at, "default_department"), msg));
        }
    }
    Ok(Category {
        code: c.code,
        name: c.name,
        default_urgency,
        default_department: c.default_department,
    })
}

impl TryFrom<CalendarFile> for WorkingCalendar {
    type Error = OrgError;

    fn try_from(f: CalendarFile) -> Result<Self> {
        calendar(f, "")
    }
}

fn calendar(f: CalendarFile, at: &str) -> Result<WorkingCalendar> {
    if f.timezone != TIMEZONE {
        let msg = format!("unsupported time zone \"{}\" (only {TIMEZONE})", f.timezone);
        return Err(OrgError::invalid(key(at, "timezone"), msg));
    }
    let periods = f
        .working_hours
        .iter()
        .enumerate()
        .map(|(i, p)| {
            p.parse::<WorkingPeriod>().map_err(|e| {
                OrgError::invalid(key(at, &format!("working_hours[{i}]")), e.to_string())
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let holidays = dates(&f.holidays, &key(at, "holidays"))?;
    let make_up = dates(&f.make_up_workdays, &key(at, "make_up_workdays"))?;
    WorkingCalendar::new(periods, holidays, make_up.iter().copied()).map_err(|e| match e {
        CalendarError::PeriodsOutOfOrder { index } => {
            OrgError::invalid(key(at, &format!("working_hours[{index}]")), e.to_string())
        }
        CalendarError::HolidayIsMakeUpDay(d) => {
            let j = make_up.iter().position(|m| *m == d).unwrap_or(0);
            let msg = format!("{d} is also listed in {}", key(at, "holidays"));
            OrgError::invalid(key(at, &format!("make_up_workdays[{j}]")), msg)
        }
        CalendarError::NoWorkingHours | CalendarError::BadPeriod(_) => {
            OrgError::invalid(key(at, "working_hours"), e.to_string())
        }
    })
}

fn dates(texts: &[String], at: &str) -> Result<Vec<NaiveDate>> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| {
                OrgError::invalid(
                    format!("{at}[{i}]"),
                    format!("invalid date \"{t}\" (expected YYYY-MM-DD)"),
                )
            })
        })
        .collect()
}

impl TryFrom<SlaFile> for SlaPolicy {
    type Error = OrgError;

    fn try_from(f: SlaFile) -> Result<Self> {
        sla(f, "")
    }
}

fn sla(f: SlaFile, at: &str) -> Result<SlaPolicy> {
    let fraction = f.approaching_fraction;
    if !(fraction > 0.0 && fraction < 1.0) {
        let msg = format!("must be between 0 and 1 (exclusive), got {fraction}");
        return Err(OrgError::invalid(key(at, "approaching_fraction"), msg));
    }
    let span = |field: &str, text: &str| -> Result<Span> {
        text.parse()
            .map_err(|e: crate::sla::SpanError| OrgError::invalid(key(at, field), e.to_string()))
    };
    let urgency = |name: &str, u: &UrgencyFile| -> Result<UrgencySla> {
        Ok(UrgencySla {
            sign: span(&format!("{name}.sign"), &u.sign)?,
            contact: span(&format!("{name}.contact"), &u.contact)?,
            resolve: span(&format!("{name}.resolve"), &u.resolve)?,
        })
    };
    Ok(SlaPolicy {
        approaching_fraction: fraction,
        max_extensions: f.max_extensions,
        max_callback_attempts: f.max_callback_attempts,
        max_reopens: f.max_reopens,
        return_window: span("return_window", &f.return_window)?,
        extension_max: span("extension_max", &f.extension_max)?,
        callback: span("callback", &f.callback)?,
        reopen_window: span("reopen_window", &f.reopen_window)?,
        district_supervision: span("district_supervision", &f.district_supervision)?,
        city_supervision: span("city_supervision", &f.city_supervision)?,
        emergency: urgency("emergency", &f.emergency)?,
        utility: urgency("utility", &f.utility)?,
        ordinary: urgency("ordinary", &f.ordinary)?,
        complex: urgency("complex", &f.complex)?,
        whistle: WhistleSla {
            routine: span("whistle.routine", &f.whistle.routine)?,
            crucial: span("whistle.crucial", &f.whistle.crucial)?,
            emergency: span("whistle.emergency", &f.whistle.emergency)?,
        },
    })
}

fn non_empty(at: &str, len: usize, what: &str) -> Result<()> {
    if len == 0 {
        return Err(OrgError::invalid(
            at,
            format!("at least one {what} is required"),
        ));
    }
    Ok(())
}

/// Codes travel in URLs, tokens and events: keep them to a safe ASCII alphabet.
fn check_code(at: &str, code: &str) -> Result<()> {
    let ok = !code.is_empty()
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-.".contains(&b));
    if !ok {
        let msg = format!("invalid code \"{code}\" (use ASCII letters, digits, '_', '-' or '.')");
        return Err(OrgError::invalid(at, msg));
    }
    Ok(())
}

/// `[lat, lon]` in degrees: latitude within ±90, longitude within ±180.
fn check_centre(at: &str, [lat, lon]: [f64; 2]) -> Result<()> {
    if !(-90.0..=90.0).contains(&lat) {
        let msg = format!("latitude {lat} is outside -90..90 (write [lat, lon])");
        return Err(OrgError::invalid(at, msg));
    }
    if !(-180.0..=180.0).contains(&lon) {
        let msg = format!("longitude {lon} is outside -180..180 (write [lat, lon])");
        return Err(OrgError::invalid(at, msg));
    }
    Ok(())
}

fn check_name(at: &str, name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(OrgError::invalid(at, "must not be empty"));
    }
    Ok(())
}

/// Codes seen so far, each with the key where it first appeared.
#[derive(Default)]
struct Seen(HashMap<String, String>);

impl Seen {
    /// Checks `at.code`.
    fn code(&mut self, code: &str, at: &str, what: &str) -> Result<()> {
        self.unique(code, &key(at, "code"), what)
    }

    fn unique(&mut self, code: &str, at: &str, what: &str) -> Result<()> {
        check_code(at, code)?;
        if let Some(first) = self.0.get(code) {
            let msg = format!("duplicate {what} code \"{code}\" (first at {first})");
            return Err(OrgError::invalid(at, msg));
        }
        self.0.insert(code.to_owned(), at.to_owned());
        Ok(())
    }
}
