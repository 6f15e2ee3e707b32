//! Calendar months in Beijing time (`2026-03`), as the statistics count them.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;

/// `(year, month)` of `YYYY-MM`, if it is one.
pub fn parse(month: &str) -> Option<(i32, u32)> {
    let (y, m) = month.split_once('-')?;
    let (y, m) = (y.parse().ok()?, m.parse().ok()?);
    (month.len() == 7 && (1..=12).contains(&m)).then_some((y, m))
}

pub fn format((year, month): (i32, u32)) -> String {
    format!("{year:04}-{month:02}")
}

/// The month `offset` months after (negative: before) `(year, month)`.
pub fn shift((year, month): (i32, u32), offset: i32) -> (i32, u32) {
    let index = year * 12 + month as i32 - 1 + offset;
    (index.div_euclid(12), index.rem_euclid(12) as u32 + 1)
}

/// The first day of the month, `YYYY-MM-DD`.
pub fn first_day(month: (i32, u32)) -> String {
    format!("{}-01", format(month))
}

/// The Beijing month containing `at`.
pub fn containing(at: DateTime<Utc>) -> (i32, u32) {
    let local = at.with_timezone(&Shanghai);
    (local.year(), local.month())
}

/// Midnight starting `at`'s Beijing day, as an instant.
pub fn start_of_day(at: DateTime<Utc>) -> DateTime<Utc> {
    let local = at.with_timezone(&Shanghai).date_naive();
    day_start(local)
}

fn day_start(date: NaiveDate) -> DateTime<Utc> {
    let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
    Shanghai
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.to_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_shift_across_years() {
        assert_eq!(parse("2026-03"), Some((2026, 3)));
        assert_eq!(parse("2026-13"), None);
        assert_eq!(parse("26-03"), None);
        assert_eq!(shift((2026, 1), -1), (2025, 12));
        assert_eq!(shift((2026, 3), -11), (2025, 4));
        assert_eq!(shift((2025, 12), 1), (2026, 1));
        assert_eq!(first_day((2026, 3)), "2026-03-01");
    }

    #[test]
    fn days_start_at_beijing_midnight() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 17, 0, 0).unwrap(); // 01:00 on 3 March in Beijing
        assert_eq!(
            start_of_day(at),
            Utc.with_ymd_and_hms(2026, 3, 2, 16, 0, 0).unwrap()
        );
        assert_eq!(containing(at), (2026, 3));
    }
}
