//! Working-day calendar (Asia/Shanghai): working hours, weekends, PRC public holidays and make-up
//! working days 调休, all as data.
//!
//! A day is a working day when it is a make-up working day, or else a Monday–Friday that is not a
//! holiday. Working time is the working periods (e.g. 09:00–12:00 and 13:30–17:30) of working days,
//! in Asia/Shanghai local time. All arithmetic is pure, loops per day at worst, and skips whole
//! weeks where no holiday or make-up day lies, so any span finishes quickly.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc, Weekday,
};
use chrono::{Offset, TimeZone};
use chrono_tz::Asia::Shanghai;
use serde::{Deserialize, Serialize};

use crate::sla::Span;

/// The only time zone the calendar speaks (DESIGN §2).
pub const TIMEZONE: &str = "Asia/Shanghai";

const DAY_SECONDS: u32 = 86_400;

/// One working period of a day, `start` inclusive to `end`, as seconds after local midnight.
/// Text form `"HH:MM-HH:MM"`; the end may be `24:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkingPeriod {
    start: u32,
    end: u32,
}

/// Why a calendar or one of its periods was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("invalid working period \"{0}\": expected \"HH:MM-HH:MM\" with start before end")]
    BadPeriod(String),
    #[error("at least one working period is required")]
    NoWorkingHours,
    /// Periods must be in order and must not overlap; `index` is the offending one.
    #[error("working period {index} starts before the previous one ends")]
    PeriodsOutOfOrder { index: usize },
    #[error("{0} is listed both as a holiday and as a make-up working day")]
    HolidayIsMakeUpDay(NaiveDate),
}

impl WorkingPeriod {
    /// Start, as local time of day.
    pub fn start(&self) -> NaiveTime {
        NaiveTime::MIN + TimeDelta::seconds(self.start.into())
    }

    /// Length in seconds.
    pub fn seconds(&self) -> i64 {
        (self.end - self.start).into()
    }

    /// Local start and end of this period on `date`.
    fn on(&self, date: NaiveDate) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let midnight = date.and_time(NaiveTime::MIN);
        let at = |s: u32| midnight.checked_add_signed(TimeDelta::seconds(s.into()));
        Some((at(self.start)?, at(self.end)?))
    }
}

fn parse_hhmm(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !(h.bytes().chain(m.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let secs = h * 3600 + m * 60;
    (m < 60 && secs <= DAY_SECONDS).then_some(secs)
}

impl FromStr for WorkingPeriod {
    type Err = CalendarError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::BadPeriod(text.to_owned());
        let (a, b) = text.split_once('-').ok_or_else(bad)?;
        let (start, end) = (
            parse_hhmm(a).ok_or_else(bad)?,
            parse_hhmm(b).ok_or_else(bad)?,
        );
        if start >= end {
            return Err(bad());
        }
        Ok(WorkingPeriod { start, end })
    }
}

impl fmt::Display for WorkingPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hm = |s: u32| (s / 3600, s % 3600 / 60);
        let ((sh, sm), (eh, em)) = (hm(self.start), hm(self.end));
        write!(f, "{sh:02}:{sm:02}-{eh:02}:{em:02}")
    }
}

impl Serialize for WorkingPeriod {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for WorkingPeriod {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Working hours, holidays and make-up working days. Always valid: at least one period, periods
/// in order, no date both a holiday and a make-up day. Serialises to the shape of the
/// organisation file's `[calendar]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    try_from = "crate::org::file::CalendarFile",
    into = "crate::org::file::CalendarFile"
)]
pub struct WorkingCalendar {
    periods: Vec<WorkingPeriod>,
    holidays: BTreeSet<NaiveDate>,
    make_up_workdays: BTreeSet<NaiveDate>,
}

impl WorkingCalendar {
    /// A calendar; holidays are meant to be weekdays off and make-up days weekend days worked,
    /// but listing a weekend holiday (or a weekday make-up day) is harmless.
    pub fn new(
        working_hours: Vec<WorkingPeriod>,
        holidays: impl IntoIterator<Item = NaiveDate>,
        make_up_workdays: impl IntoIterator<Item = NaiveDate>,
    ) -> Result<Self, CalendarError> {
        if working_hours.is_empty() {
            return Err(CalendarError::NoWorkingHours);
        }
        if let Some(i) =
            (1..working_hours.len()).find(|&i| working_hours[i].start < working_hours[i - 1].end)
        {
            return Err(CalendarError::PeriodsOutOfOrder { index: i });
        }
        let holidays: BTreeSet<_> = holidays.into_iter().collect();
        let make_up_workdays: BTreeSet<_> = make_up_workdays.into_iter().collect();
        if let Some(d) = holidays.intersection(&make_up_workdays).next() {
            return Err(CalendarError::HolidayIsMakeUpDay(*d));
        }
        Ok(WorkingCalendar {
            periods: working_hours,
            holidays,
            make_up_workdays,
        })
    }

    pub fn working_hours(&self) -> &[WorkingPeriod] {
        &self.periods
    }

    /// Holidays, in date order.
    pub fn holidays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.holidays.iter().copied()
    }

    /// Make-up working days, in date order.
    pub fn make_up_workdays(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.make_up_workdays.iter().copied()
    }

    /// Make-up days are worked; otherwise Monday–Friday unless a holiday.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.make_up_workdays.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.contains(&date)
    }

    /// Whether `at` lies inside a working period (start inclusive, end exclusive) of a working day.
    pub fn is_working_time(&self, at: DateTime<Utc>) -> bool {
        let Some(local) = to_local(at) else {
            return false;
        };
        self.is_working_day(local.date())
            && self
                .periods
                .iter()
                .filter_map(|p| p.on(local.date()))
                .any(|(s, e)| s <= local && local < e)
    }

    /// `from` plus `span`, counted on this calendar.
    ///
    /// - [`Span::Seconds`]: plain elapsed time.
    /// - [`Span::WorkingSeconds`]: only seconds inside working periods of working days count. From
    ///   outside working time, counting starts at the next period's start. A result that falls
    ///   exactly on a period's end stays there (17:30, not the next morning's 09:00).
    /// - [`Span::WorkingDays`]: the same local time of day, N working days later. If `from` is
    ///   outside working time (periods count as closed, so 12:00 and 17:30 are inside), it first
    ///   moves to the next working period's start: Friday 20:00 + 1wd is Tuesday 09:00 (anchored
    ///   at Monday 09:00), and 12:40 (lunch) + 1wd is the next working day's 13:30.
    ///
    /// Working spans of zero or less return `from` unchanged. Results beyond chrono's range
    /// saturate at its limits rather than panic.
    pub fn add(&self, from: DateTime<Utc>, span: Span) -> DateTime<Utc> {
        let (result, forward) = match span {
            Span::Seconds(s) => {
                let r = TimeDelta::try_seconds(s).and_then(|d| from.checked_add_signed(d));
                (r, s >= 0)
            }
            Span::WorkingSeconds(s) if s > 0 => (
                to_local(from)
                    .and_then(|l| self.add_working_seconds(l, s))
                    .and_then(to_utc),
                true,
            ),
            Span::WorkingDays(d) if d > 0 => (
                to_local(from)
                    .and_then(|l| self.add_working_days(l, d))
                    .and_then(to_utc),
                true,
            ),
            Span::WorkingSeconds(_) | Span::WorkingDays(_) => (Some(from), true),
        };
        result.unwrap_or(if forward {
            DateTime::<Utc>::MAX_UTC
        } else {
            DateTime::<Utc>::MIN_UTC
        })
    }

    fn add_working_seconds(&self, from: NaiveDateTime, n: i64) -> Option<NaiveDateTime> {
        let mut remaining = TimeDelta::try_seconds(n)?;
        let week: i64 = 5 * self.periods.iter().map(WorkingPeriod::seconds).sum::<i64>();
        let mut date = from.date();
        let mut cursor = from;
        loop {
            let midnight = date.and_time(NaiveTime::MIN);
            if cursor == midnight && remaining.num_seconds() > week {
                // Any 7 days free of holidays and make-up days hold exactly 5 working days.
                let k = ((remaining.num_seconds() - 1) / week).min(self.free_days(date) / 7);
                if k > 0 {
                    date = date.checked_add_days(Days::new((7 * k) as u64))?;
                    cursor = date.and_time(NaiveTime::MIN);
                    remaining -= TimeDelta::seconds(week * k);
                    continue;
                }
            }
            if self.is_working_day(date) {
                for p in &self.periods {
                    let (start, end) = p.on(date)?;
                    if cursor >= end {
                        continue;
                    }
                    let begin = cursor.max(start);
                    let available = end - begin;
                    if remaining <= available {
                        return Some(begin + remaining);
                    }
                    remaining -= available;
                }
            }
            date = date.succ_opt()?;
            cursor = date.and_time(NaiveTime::MIN);
        }
    }

    fn add_working_days(&self, from: NaiveDateTime, n: i64) -> Option<NaiveDateTime> {
        let (mut date, time) = self.anchor(from)?;
        let mut left = n;
        while left > 0 {
            let weekday = !matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
            if weekday && left >= 5 {
                // From a weekday, 5 working days without exceptions are exactly one week.
                let k = (left / 5).min(self.free_days(date.succ_opt()?) / 7);
                if k > 0 {
                    date = date.checked_add_days(Days::new((7 * k) as u64))?;
                    left -= 5 * k;
                    continue;
                }
            }
            date = self.next_working_day(date)?;
            left -= 1;
        }
        date.and_time(NaiveTime::MIN).checked_add_signed(time)
    }

    /// The working day and time of day that working-day counting starts from (see [`Self::add`]).
    fn anchor(&self, from: NaiveDateTime) -> Option<(NaiveDate, TimeDelta)> {
        let date = from.date();
        let midnight = date.and_time(NaiveTime::MIN);
        if self.is_working_day(date) {
            for p in &self.periods {
                let (start, end) = p.on(date)?;
                if from <= end {
                    return Some((date, from.max(start) - midnight));
                }
            }
        }
        let next = self.next_working_day(date)?;
        Some((next, TimeDelta::seconds(self.periods[0].start.into())))
    }

    fn next_working_day(&self, mut date: NaiveDate) -> Option<NaiveDate> {
        loop {
            date = date.succ_opt()?;
            if self.is_working_day(date) {
                return Some(date);
            }
        }
    }

    /// How many days from `date` (inclusive) pass before the next holiday or make-up day.
    fn free_days(&self, date: NaiveDate) -> i64 {
        let next_h = self.holidays.range(date..).next();
        let next_m = self.make_up_workdays.range(date..).next();
        match next_h.into_iter().chain(next_m).min() {
            Some(next) => (*next - date).num_days(),
            None => i64::MAX,
        }
    }
}

fn offset_at(utc: NaiveDateTime) -> TimeDelta {
    TimeDelta::seconds(
        Shanghai
            .offset_from_utc_datetime(&utc)
            .fix()
            .local_minus_utc()
            .into(),
    )
}

fn to_local(at: DateTime<Utc>) -> Option<NaiveDateTime> {
    let utc = at.naive_utc();
    utc.checked_add_signed(offset_at(utc))
}

/// Local Shanghai time to UTC. Two passes so the historical DST years (1986–1991) come out right;
/// a local time that never existed or happened twice maps to one of its neighbours.
fn to_utc(local: NaiveDateTime) -> Option<DateTime<Utc>> {
    let guess = local.checked_sub_signed(offset_at(local))?;
    Some(local.checked_sub_signed(offset_at(guess))?.and_utc())
}
