//! The plan: every request the simulated clients will send, decided up front from the seed, so
//! the same seed gives the same requests whatever the timing. A step's time is decided when the
//! previous one has been answered (a fixed pause, or a fraction of an SLA window measured from
//! the last dispatch, whistle or reopen), which is all that depends on the run.

mod bodies;
mod community;
mod contact;
mod draw;
mod lifecycle;

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::Timer;

pub use bodies::has_grids;
pub use community::CommunityPlanner;
pub use contact::Planner;

/// Who sends a request; each stands for one token of the roster.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Who {
    Hotline,
    Dispatcher(String),
    Department(String),
    Volunteer(String),
}

/// The member ids of a street's grid workers (volunteer tokens), `k` = 1 or 2.
pub fn grid_worker(street: &str, k: u32) -> String {
    format!("gw-{street}-{k}")
}

/// Which endpoint a step posts to. A planned case gets at most one whistle and one task, so
/// both are number 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    Open,
    Visit,
    Case(&'static str),
    Whistle(&'static str),
    Task(&'static str),
    /// `POST /members` (a registration; nothing follows it).
    Members,
    /// Publish a need of this community; its steps follow as [`Endpoint::Need`].
    Needs(String),
    /// Offer a resource to this community.
    Resources(String),
    /// A step on the need the script published.
    Need(&'static str),
}

impl Endpoint {
    /// The path of the step; `subject` is what the opening made: the case id, or
    /// `<community>/needs/<no>` for a need.
    pub fn path(&self, subject: &str) -> String {
        match self {
            Endpoint::Open => "/api/v1/cases".into(),
            Endpoint::Visit => "/api/v1/visits".into(),
            Endpoint::Case(action) => format!("/api/v1/cases/{subject}/{action}"),
            Endpoint::Whistle(action) => format!("/api/v1/cases/{subject}/whistles/1/{action}"),
            Endpoint::Task(action) => format!("/api/v1/cases/{subject}/tasks/1/{action}"),
            Endpoint::Members => "/api/v1/members".into(),
            Endpoint::Needs(community) => format!("/api/v1/communities/{community}/needs"),
            Endpoint::Resources(community) => format!("/api/v1/communities/{community}/resources"),
            Endpoint::Need(action) => format!("/api/v1/communities/{subject}/{action}"),
        }
    }

    /// What the opening's answer made for the script's lives to act on.
    pub fn subjects(&self, answer: &Value) -> Vec<String> {
        let made = match self {
            Endpoint::Visit => answer["case_ids"].as_array().cloned().unwrap_or_default(),
            Endpoint::Open => vec![answer["case_id"].clone()],
            Endpoint::Needs(community) => match answer["need_no"].as_u64() {
                Some(no) => vec![Value::from(format!("{community}/needs/{no}"))],
                None => vec![],
            },
            _ => vec![],
        };
        made.iter()
            .filter_map(|id| id.as_str().map(String::from))
            .collect()
    }

    /// Whether the opening opens cases (counted as such in the report).
    pub fn opens_cases(&self) -> bool {
        matches!(self, Endpoint::Open | Endpoint::Visit)
    }
}

/// What a step's time is measured from, besides the previous step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Anchor {
    Dispatch,
    Whistle,
    Reopen,
}

/// When a step is due.
#[derive(Debug, Clone, Copy)]
pub enum Wait {
    /// This long (in policy time) after the previous step of the case was answered.
    After(Duration),
    /// This fraction of an SLA window opened at the anchor (per the organisation's policy and
    /// calendar), or of `within`'s window where that is shorter; never before the previous step.
    Sla {
        timer: Timer,
        fraction: f64,
        from: Anchor,
        within: Option<Timer>,
    },
}

/// The answer a step is planned to get: success, or 409 (a second volunteer claiming a task
/// already taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Success,
    Refused,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub wait: Wait,
    pub who: Who,
    pub endpoint: Endpoint,
    pub body: Value,
    /// What the step counts as in the report ("dispatch", "return-approved", "claim-taken"…).
    pub label: &'static str,
    pub expect: Expect,
    /// The anchor this step sets when it succeeds.
    pub marks: Option<Anchor>,
}

/// One contact: a case opened and its life, or a household visit and the life of each finding's
/// case (none for a visit that found nothing).
#[derive(Debug, Clone)]
pub struct Script {
    pub at: DateTime<Utc>,
    pub opening: Step,
    pub lives: Vec<Vec<Step>>,
}

impl Script {
    pub fn steps(&self) -> u64 {
        1 + self.lives.iter().map(|life| life.len() as u64).sum::<u64>()
    }
}

/// A whole simulated period, scripts in order of their first request.
#[derive(Debug, Clone)]
pub struct Plan {
    pub scripts: Vec<Script>,
}

impl Plan {
    /// `contacts_per_day` contacts on each of `days` days from `start`, spread over the day like
    /// the hotline's calls.
    pub fn days(
        org: Arc<Organisation>,
        seed: u64,
        start: DateTime<Utc>,
        days: u32,
        contacts_per_day: u32,
    ) -> Plan {
        let mut community = CommunityPlanner::new(&org, seed);
        let mut scripts = community.registrations(start);
        let mut planner = Planner::new(org.clone(), seed);
        for day in 0..days {
            let day_start = start + Duration::days(i64::from(day));
            for _ in 0..contacts_per_day {
                let at = planner.arrival(day_start);
                scripts.extend(planner.contact(at));
            }
            scripts.extend(community.day(day_start));
        }
        scripts.sort_by_key(|script| script.at);
        Plan { scripts }
    }

    pub fn steps(&self) -> u64 {
        self.scripts.iter().map(Script::steps).sum()
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use shaobao_services::org_file::load_org;

    use super::*;

    fn plan(seed: u64, contacts: u32) -> Plan {
        let org = Arc::new(load_org(None, 1.0).expect("sample district"));
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        Plan::days(org, seed, start, 1, contacts)
    }

    #[test]
    fn a_seed_always_gives_the_same_plan() {
        let first = format!("{:?}", plan(7, 200).scripts);
        assert_eq!(first, format!("{:?}", plan(7, 200).scripts));
        assert_ne!(first, format!("{:?}", plan(8, 200).scripts));
    }

    #[test]
    fn contacts_are_mostly_consultations_and_fall_within_the_day() {
        let plan = plan(42, 2000);
        let openings: Vec<&Step> = plan.scripts.iter().map(|s| &s.opening).collect();
        let consultations = openings
            .iter()
            .filter(|step| step.body["kind"] == "consultation")
            .count();
        let share = consultations as f64 / 2000.0;
        assert!((0.55..0.61).contains(&share), "{share}");
        let first = plan.scripts.first().unwrap().at;
        let last = plan.scripts.last().unwrap().at;
        assert!(last - first < Duration::hours(28), "{first} … {last}");
    }
}
