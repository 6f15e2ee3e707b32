//! `shaobao bench --city-day`: a city-sized day through the HTTP API of a running cluster
//! ([`day`]), the log grown to a district's years and rebuilt at each size ([`log_size`]), and
//! both extrapolated to a year of a whole city.

mod day;
mod log_size;
mod print;
mod storage;

use serde::Serialize;
use shaobao_services::org_file::load_org;

pub use day::{DayConfig, DayFigures};
pub use log_size::LogSize;

use crate::SimError;

/// Contacts a day in a city of Beijing's size (60–120 thousand a day, DESIGN §1).
pub const CITY_CONTACTS_PER_DAY: u64 = 70_000;
/// Events per contact when no day was played to measure it (about a million a city day).
const ASSUMED_EVENTS_PER_CONTACT: f64 = 1_000_000.0 / 70_000.0;

#[derive(Debug, Clone)]
pub struct CityDayConfig {
    /// The cluster's database for the day; the scratch log is created on the same server.
    pub database_url: String,
    pub org: Option<std::path::PathBuf>,
    /// The day to play, if any.
    pub day: Option<DayConfig>,
    /// Log sizes (events, ascending) to grow a scratch log through and rebuild at.
    pub log_sizes: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CityDayReport {
    pub day: Option<DayFigures>,
    pub log: Vec<LogSize>,
    pub city: CityYear,
}

/// The measured figures scaled to a whole city.
#[derive(Debug, Clone, Serialize)]
pub struct CityYear {
    /// Measured in the day played, else assumed.
    pub events_per_contact: f64,
    pub day_events: f64,
    /// At the rate the nodes sustained in the day's busiest window.
    pub day_ingest_seconds: Option<f64>,
    pub year_events: f64,
    /// At the day's measured database bytes per event.
    pub year_database_bytes: Option<f64>,
    /// At the rebuild rate of the largest log measured.
    pub year_rebuild_seconds: Option<f64>,
}

/// Plays the day (if configured), grows the log (if sizes are given), extrapolates.
pub async fn city_day(
    config: &CityDayConfig,
    phase: impl Fn(&str),
) -> Result<CityDayReport, SimError> {
    let day = match &config.day {
        Some(day) => {
            phase(&format!(
                "a day of {} contacts through {} nodes",
                day.contacts,
                day.targets.len()
            ));
            let org = load_org(config.org.as_deref(), day.sla_scale)?;
            Some(day::play(&config.database_url, day, org).await?)
        }
        None => None,
    };
    let log = if config.log_sizes.is_empty() {
        Vec::new()
    } else {
        let org = load_org(config.org.as_deref(), 1.0)?;
        log_size::grow(&config.database_url, &org, &config.log_sizes, &phase).await?
    };
    let city = CityYear::extrapolate(day.as_ref(), log.last());
    Ok(CityDayReport { day, log, city })
}

impl CityYear {
    fn extrapolate(day: Option<&DayFigures>, largest_log: Option<&LogSize>) -> CityYear {
        let events_per_contact = day
            .filter(|d| d.contacts > 0 && d.events > 0)
            .map_or(ASSUMED_EVENTS_PER_CONTACT, |d| {
                d.events as f64 / f64::from(d.contacts)
            });
        let day_events = CITY_CONTACTS_PER_DAY as f64 * events_per_contact;
        let year_events = day_events * 365.0;
        CityYear {
            events_per_contact,
            day_events,
            day_ingest_seconds: day.map(|d| day_events / d.busiest_events_per_second()),
            year_events,
            year_database_bytes: day.map(|d| {
                d.storage.database_bytes as f64 / d.storage.events.max(1) as f64 * year_events
            }),
            year_rebuild_seconds: largest_log
                .map(|log| year_events / log.rebuild_events_per_second),
        }
    }
}
