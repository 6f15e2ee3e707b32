//! Date-times as GeoReport v2 writes them: ISO 8601 (the W3C profile) with a time zone. We write
//! Beijing time (+08:00), the district's own clock; we read any offset.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::error::Open311Error;

/// Asia/Shanghai has had no daylight saving time since 1991: a fixed offset is exact.
fn beijing() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("+08:00 is a valid offset")
}

/// `2026-03-02T10:00:00+08:00`.
pub fn write(at: DateTime<Utc>) -> String {
    at.with_timezone(&beijing())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Query parameter `name`: a full date-time with offset (`2026-03-02T10:00:00+08:00`, `…Z`), or,
/// as the W3C profile also allows, one without offset or a bare date, read as Beijing time.
pub fn read(name: &str, text: &str) -> Result<DateTime<Utc>, Open311Error> {
    let text = text.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M"))
        .or_else(|_| {
            NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(|day| day.and_hms_opt(0, 0, 0).expect("midnight exists"))
        });
    match local
        .ok()
        .and_then(|t| beijing().from_local_datetime(&t).single())
    {
        Some(at) => Ok(at.with_timezone(&Utc)),
        None => Err(Open311Error::BadRequest(format!(
            "{name} must be an ISO 8601 date-time such as 2026-03-02T10:00:00+08:00, not {text:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_in_beijing_time_with_offset() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        assert_eq!(write(at), "2026-03-02T10:00:00+08:00");
    }

    #[test]
    fn read_with_any_offset_or_as_beijing_time() {
        let at = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        for text in [
            "2026-03-02T10:00:00+08:00",
            "2026-03-02T02:00:00Z",
            "2026-03-01T21:00:00-05:00",
            "2026-03-02T10:00:00",
            "2026-03-02T10:00",
        ] {
            assert_eq!(read("start_date", text).unwrap(), at, "{text}");
        }
        let midnight = Utc.with_ymd_and_hms(2026, 3, 1, 16, 0, 0).unwrap();
        assert_eq!(read("end_date", "2026-03-02").unwrap(), midnight);
    }

    #[test]
    fn anything_else_is_a_bad_request_naming_the_parameter() {
        for text in [
            "yesterday",
            "2026-02-30",
            "2026-03-02T25:00:00Z",
            "",
            "1700000000",
        ] {
            let err = read("end_date", text).unwrap_err();
            assert!(
                matches!(&err, Open311Error::BadRequest(m) if m.starts_with("end_date must be")),
                "{text}: {err:?}"
            );
        }
    }
}
