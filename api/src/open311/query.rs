//! The parameters of `GET requests` (and `extensions` of `GET requests/{id}`), checked:
//! `service_request_id` (comma list; when given, every other filter is ignored, as the spec
//! says), `service_code` (comma list), `start_date`, `end_date` (on `requested_datetime`; at
//! most 90 days apart, as the spec allows; the window defaults to the 90 days up to `end_date`
//! or now, or from `start_date`, ending now at the latest), `status` (comma list of
//! `open`/`closed`), and our extensions `extensions=true` (history as `notes`), `page` (from 1)
//! and `page_size` (1–1000, default 1000: the spec's most requests per answer). Unknown
//! parameters (`api_key`, `jurisdiction_id`, …) are ignored.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use shaobao_domain::case::CaseState;
use shaobao_domain::org::Organisation;

use super::datetime;
use super::error::Open311Error;

/// Most requests in one answer, and most ids in one `service_request_id` list.
pub const MAX_REQUESTS: usize = 1000;
/// The longest search window, and the default one.
const WINDOW_DAYS: i64 = 90;

/// GeoReport's two statuses; a case is `closed` once closed or answered at intake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Closed,
}

impl Status {
    pub fn of(state: CaseState) -> Status {
        Status::named(state.as_str())
    }

    /// By the state's DESIGN §3 name, as read models keep it.
    pub fn named(state: &str) -> Status {
        let closed = [CaseState::Closed, CaseState::Answered];
        if closed.iter().any(|s| s.as_str() == state) {
            Status::Closed
        } else {
            Status::Open
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestQuery {
    /// Set: just these requests, whatever the other filters say.
    pub ids: Option<Vec<String>>,
    /// Empty: every service.
    pub service_codes: Vec<String>,
    pub start: DateTime<Utc>,
    /// Inclusive.
    pub end: DateTime<Utc>,
    /// Empty: both.
    pub statuses: Vec<Status>,
    pub extensions: bool,
    /// Requests to skip (from `page`) and to answer at most.
    pub skip: usize,
    pub page_size: usize,
}

impl RequestQuery {
    /// Reads the query string `query`; the window ends at `now` unless `end_date` says otherwise.
    pub fn parse(
        query: Option<&str>,
        org: &Organisation,
        now: DateTime<Utc>,
    ) -> Result<RequestQuery, Open311Error> {
        let params: HashMap<String, String> =
            form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .map(|(name, value)| (name.into_owned(), value.trim().to_string()))
                .filter(|(_, value)| !value.is_empty())
                .collect();
        let param = |name: &str| params.get(name).map(String::as_str);
        let ids = param("service_request_id").map(list);
        if ids.as_ref().is_some_and(|ids| ids.len() > MAX_REQUESTS) {
            return Err(bad(format!(
                "service_request_id lists more than {MAX_REQUESTS} requests"
            )));
        }
        let service_codes = param("service_code").map(list).unwrap_or_default();
        if let Some(unknown) = service_codes
            .iter()
            .find(|code| org.category(code).is_none())
        {
            return Err(bad(format!("service_code {unknown:?} not found")));
        }
        let (start, end) = window(param("start_date"), param("end_date"), now)?;
        let statuses = param("status")
            .map(list)
            .unwrap_or_default()
            .iter()
            .map(|status| match status.as_str() {
                "open" => Ok(Status::Open),
                "closed" => Ok(Status::Closed),
                other => Err(bad(format!("status must be open or closed, not {other:?}"))),
            })
            .collect::<Result<_, _>>()?;
        let page = number(param("page"), "page", 1, usize::MAX, 1)?;
        let page_size = number(
            param("page_size"),
            "page_size",
            1,
            MAX_REQUESTS,
            MAX_REQUESTS,
        )?;
        Ok(RequestQuery {
            ids,
            service_codes,
            start,
            end,
            statuses,
            extensions: extensions(param("extensions"))?,
            skip: (page - 1).saturating_mul(page_size),
            page_size,
        })
    }

    /// Whether a request of `service_code` with `status` passes the service and status filters.
    pub fn admits(&self, service_code: &str, status: Status) -> bool {
        (self.service_codes.is_empty() || self.service_codes.iter().any(|c| c == service_code))
            && (self.statuses.is_empty() || self.statuses.contains(&status))
    }
}

/// The search window (both ends included): as given, else 90 days back from `end_date` or on
/// from `start_date`, ending now at the latest. Like the spec says, at most 90 days.
fn window(
    start: Option<&str>,
    end: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Open311Error> {
    let span = Duration::days(WINDOW_DAYS);
    let start = start
        .map(|text| datetime::read("start_date", text))
        .transpose()?;
    let end = end
        .map(|text| datetime::read("end_date", text))
        .transpose()?;
    Ok(match (start, end) {
        (Some(start), Some(end)) if start > end => {
            return Err(bad("start_date must not be after end_date".into()))
        }
        (Some(start), Some(end)) if end - start > span => {
            return Err(bad(format!(
                "start_date and end_date may not span more than {WINDOW_DAYS} days"
            )))
        }
        (Some(start), Some(end)) => (start, end),
        (Some(start), None) => (start, now.min(start + span)),
        (None, Some(end)) => (end - span, end),
        (None, None) => (now - span, now),
    })
}

/// `extensions=true|false` alone (for `GET requests/{id}`).
pub fn extensions_only(query: Option<&str>) -> Result<bool, Open311Error> {
    let value = form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(name, _)| name == "extensions")
        .map(|(_, value)| value.into_owned());
    extensions(value.as_deref())
}

fn extensions(value: Option<&str>) -> Result<bool, Open311Error> {
    match value.map(str::trim) {
        None | Some("") | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(bad(format!(
            "extensions must be true or false, not {other:?}"
        ))),
    }
}

fn list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_string)
        .collect()
}

fn number(
    text: Option<&str>,
    name: &str,
    min: usize,
    max: usize,
    default: usize,
) -> Result<usize, Open311Error> {
    let Some(text) = text else {
        return Ok(default);
    };
    match text.parse::<usize>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ if max == usize::MAX => Err(bad(format!(
            "{name} must be a whole number from {min}, not {text:?}"
        ))),
        _ => Err(bad(format!(
            "{name} must be a whole number from {min} to {max}, not {text:?}"
        ))),
    }
}

fn bad(message: String) -> Open311Error {
    Open311Error::BadRequest(message)
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
