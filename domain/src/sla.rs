//! Service-level policy: how long each step of a case may take.
//!
//! Every duration is a [`Span`]; [`Timer`] names each clock the case life cycle runs, and
//! [`SlaPolicy::span`] maps a timer to its span. Deadline arithmetic itself lives in
//! [`crate::calendar`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Urgency of a case (紧急程度), which selects the SLA column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    /// 紧急 emergency
    Emergency,
    /// 水电气热 utility outage
    Utility,
    /// 一般 ordinary
    Ordinary,
    /// 疑难复杂 complex
    Complex,
}

impl Urgency {
    pub const ALL: [Urgency; 4] = [
        Urgency::Emergency,
        Urgency::Utility,
        Urgency::Ordinary,
        Urgency::Complex,
    ];

    /// The snake_case name, as in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Emergency => "emergency",
            Urgency::Utility => "utility",
            Urgency::Ordinary => "ordinary",
            Urgency::Complex => "complex",
        }
    }
}

impl FromStr for Urgency {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Urgency::ALL
            .into_iter()
            .find(|u| u.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown urgency \"{s}\" (expected emergency, utility, ordinary or complex)"
                )
            })
    }
}

/// Kind of whistle (哨): how hard the street pulls the departments in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WhistleKind {
    /// 日常哨 routine
    Routine,
    /// 攻坚哨 crucial
    Crucial,
    /// 应急哨 emergency
    Emergency,
}

/// A duration as policy states it: elapsed time, working time or working days.
///
/// Text form (files and JSON): `<positive integer><unit>`; units `s`, `m`, `h`, `d` (elapsed),
/// `wh`, `wm`, `ws` (working hours/minutes/seconds) and `wd` (working days). Formatting picks the
/// largest unit that states the value exactly, so `"24h"` reads back as `"1d"` (same value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Span {
    /// Wall-clock seconds, nights and holidays included.
    Seconds(i64),
    /// Seconds counted only inside working hours of working days.
    WorkingSeconds(i64),
    /// Whole working days: the same time of day, N working days later.
    WorkingDays(i64),
}

/// Why a span's text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpanError {
    #[error(
        "invalid span \"{0}\": expected a positive integer followed by a unit (s, m, h, d, wh, wd)"
    )]
    Malformed(String),
    #[error("invalid span \"{text}\": unknown unit \"{unit}\" (expected s, m, h, d, wh, wd)")]
    UnknownUnit { text: String, unit: String },
    #[error("invalid span \"{0}\": must be greater than zero")]
    NotPositive(String),
    #[error("invalid span \"{0}\": too large (at most 100 years)")]
    TooLarge(String),
}

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
/// 100 years of 365.25 days.
const MAX_SPAN_SECONDS: i64 = 36_525 * DAY;

impl Span {
    /// Length in seconds with a working hour counted as 3600 s and a working day as 86400 s:
    /// what a span "means" once office hours no longer apply (see [`Span::scaled`]).
    pub fn nominal_seconds(self) -> i64 {
        match self {
            Span::Seconds(s) | Span::WorkingSeconds(s) => s,
            Span::WorkingDays(d) => d.saturating_mul(DAY),
        }
    }

    /// This span multiplied by `factor` for drills and tests. `factor == 1.0` keeps it as is;
    /// otherwise the result is elapsed [`Span::Seconds`] of the scaled nominal length, rounded,
    /// at least 1 s: a compressed drill has no office hours, so working time cannot apply.
    pub fn scaled(self, factor: f64) -> Span {
        if factor == 1.0 {
            return self;
        }
        // `as` saturates, so absurd products stay finite.
        let secs = (self.nominal_seconds() as f64 * factor).round() as i64;
        Span::Seconds(secs.max(1))
    }
}

impl FromStr for Span {
    type Err = SpanError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let split = text
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len());
        let (digits, unit) = text.split_at(split);
        if digits.is_empty() {
            return Err(SpanError::Malformed(text.to_owned()));
        }
        let n: i64 = digits
            .parse()
            .map_err(|_| SpanError::TooLarge(text.to_owned()))?;
        if unit.is_empty() || !unit.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(SpanError::Malformed(text.to_owned()));
        }
        let (per, make): (i64, fn(i64) -> Span) = match unit {
            "s" => (1, Span::Seconds),
            "m" => (MINUTE, Span::Seconds),
            "h" => (HOUR, Span::Seconds),
            "d" => (DAY, Span::Seconds),
            "ws" => (1, Span::WorkingSeconds),
            "wm" => (MINUTE, Span::WorkingSeconds),
            "wh" => (HOUR, Span::WorkingSeconds),
            "wd" => (1, Span::WorkingDays),
            _ => {
                return Err(SpanError::UnknownUnit {
                    text: text.to_owned(),
                    unit: unit.to_owned(),
                })
            }
        };
        if n == 0 {
            return Err(SpanError::NotPositive(text.to_owned()));
        }
        // A policy span beyond a century is a typo; the cap also keeps arithmetic far from overflow.
        let value = n
            .checked_mul(per)
            .filter(|v| make(*v).nominal_seconds() <= MAX_SPAN_SECONDS)
            .ok_or_else(|| SpanError::TooLarge(text.to_owned()))?;
        Ok(make(value))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n, units): (i64, &[(&str, i64)]) = match *self {
            Span::Seconds(s) => (s, &[("d", DAY), ("h", HOUR), ("m", MINUTE), ("s", 1)]),
            Span::WorkingSeconds(s) => (s, &[("wh", HOUR), ("wm", MINUTE), ("ws", 1)]),
            Span::WorkingDays(d) => return write!(f, "{d}wd"),
        };
        // The last unit divides everything, so `find` always succeeds.
        let &(unit, per) = units
            .iter()
            .find(|(_, per)| n % per == 0)
            .unwrap_or(&("s", 1));
        write!(f, "{}{unit}", n / per)
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Every clock the case life cycle runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// 签收 sign for, after dispatch.
    Sign(Urgency),
    /// 联系诉求人 contact the requester, after dispatch.
    Contact(Urgency),
    /// 办结反馈 resolve and feed back, after dispatch.
    Resolve(Urgency),
    /// 报到 report in, after a whistle.
    ReportIn(WhistleKind),
    /// 退单 the window for a return, after dispatch.
    ReturnWindow,
    /// 延期 the furthest an extension may push the resolve deadline, after the current one.
    ExtensionMax,
    /// 回访 call the requester back, after the resolution is accepted.
    Callback,
    /// 重办 the window for a reopen, after closing.
    ReopenWindow,
    /// 督办 district supervision, after the breach.
    DistrictSupervision,
    /// City supervision, after the breach.
    CitySupervision,
}

/// The SLA policy (DESIGN §2). Loaded from the organisation file; serialises to the same shape
/// as the file's `[sla]` table, and deserialising validates like the file loader does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "crate::org::file::SlaFile",
    into = "crate::org::file::SlaFile"
)]
pub struct SlaPolicy {
    /// Fraction of a deadline's window after which it is "approaching" (0.8 = 80%).
    pub approaching_fraction: f64,
    /// At most this many extensions per case.
    pub max_extensions: u32,
    /// At most this many callback attempts before the case may be closed unreached.
    pub max_callback_attempts: u32,
    /// At most this many reopenings per case.
    pub max_reopens: u32,
    pub return_window: Span,
    pub extension_max: Span,
    pub callback: Span,
    pub reopen_window: Span,
    pub district_supervision: Span,
    pub city_supervision: Span,
    /// Per urgency: sign, contact and resolve spans.
    pub emergency: UrgencySla,
    pub utility: UrgencySla,
    pub ordinary: UrgencySla,
    pub complex: UrgencySla,
    /// Per whistle kind: report-in span.
    pub whistle: WhistleSla,
}

/// Sign, contact and resolve spans for one urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UrgencySla {
    pub sign: Span,
    pub contact: Span,
    pub resolve: Span,
}

/// Report-in span per whistle kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhistleSla {
    pub routine: Span,
    pub crucial: Span,
    pub emergency: Span,
}

impl SlaPolicy {
    /// The span a timer runs for.
    pub fn span(&self, timer: Timer) -> Span {
        match timer {
            Timer::Sign(u) => self.for_urgency(u).sign,
            Timer::Contact(u) => self.for_urgency(u).contact,
            Timer::Resolve(u) => self.for_urgency(u).resolve,
            Timer::ReportIn(WhistleKind::Routine) => self.whistle.routine,
            Timer::ReportIn(WhistleKind::Crucial) => self.whistle.crucial,
            Timer::ReportIn(WhistleKind::Emergency) => self.whistle.emergency,
            Timer::ReturnWindow => self.return_window,
            Timer::ExtensionMax => self.extension_max,
            Timer::Callback => self.callback,
            Timer::ReopenWindow => self.reopen_window,
            Timer::DistrictSupervision => self.district_supervision,
            Timer::CitySupervision => self.city_supervision,
        }
    }

    /// Every span multiplied by `factor` ([`Span::scaled`]); counts and fractions unchanged.
    /// The caller checks that `factor` is finite and positive.
    pub fn scaled(&self, factor: f64) -> SlaPolicy {
        let u = |s: UrgencySla| UrgencySla {
            sign: s.sign.scaled(factor),
            contact: s.contact.scaled(factor),
            resolve: s.resolve.scaled(factor),
        };
        SlaPolicy {
            return_window: self.return_window.scaled(factor),
            extension_max: self.extension_max.scaled(factor),
            callback: self.callback.scaled(factor),
            reopen_window: self.reopen_window.scaled(factor),
            district_supervision: self.district_supervision.scaled(factor),
            city_supervision: self.city_supervision.scaled(factor),
            emergency: u(self.emergency),
            utility: u(self.utility),
            ordinary: u(self.ordinary),
            complex: u(self.complex),
            whistle: WhistleSla {
                routine: self.whistle.routine.scaled(factor),
                crucial: self.whistle.crucial.scaled(factor),
                emergency: self.whistle.emergency.scaled(factor),
            },
            ..self.clone()
        }
    }

    fn for_urgency(&self, urgency: Urgency) -> &UrgencySla {
        match urgency {
            Urgency::Emergency => &self.emergency,
            Urgency::Utility => &self.utility,
            Urgency::Ordinary => &self.ordinary,
            Urgency::Complex => &self.complex,
        }
    }
}
