//! Contacts: who calls about what and from where. Consultations are answered at intake; requests
//! are opened by the hotline, a grid worker on patrol or the street's service hall; household
//! visits record their findings, each of which becomes a case.

use std::sync::Arc;

use chrono::{DateTime, Duration, Timelike, Utc};
use serde_json::{json, Value};
use shaobao_domain::case::{CaseKind, Channel};
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::Urgency;

use super::bodies::{has_grids, open_body, opening, Table};
use super::draw::Dice;
use super::lifecycle::{self, Intake, Place};
use super::{grid_worker, Endpoint, Expect, Script, Step, Wait, Who};
use crate::calibration::*;

/// Draws contacts, one at a time, from one seeded generator.
pub struct Planner {
    dice: Dice,
    org: Arc<Organisation>,
    requests: Table,
    consultations: Table,
}

impl Planner {
    pub fn new(org: Arc<Organisation>, seed: u64) -> Planner {
        Planner {
            dice: Dice::new(seed),
            requests: Table::new(&org, REQUEST_CATEGORIES),
            consultations: Table::new(&org, CONSULTATION_CATEGORIES),
            org,
        }
    }

    /// A call time within the 24 hours from `day_start`, by the hourly profile (Beijing time).
    pub fn arrival(&mut self, day_start: DateTime<Utc>) -> DateTime<Utc> {
        let local_hour = (day_start + Duration::hours(8)).hour() as usize;
        let hour = self.dice.pick(&HOURLY_CONTACTS);
        let hours_in = ((hour + 24 - local_hour) % 24) as i64;
        let second = self.dice.uniform(0.0, 3600.0) as i64;
        day_start + Duration::hours(hours_in) + Duration::seconds(second)
    }

    /// One contact at `at`: a consultation, a request, or a visit (with, sometimes, another visit
    /// that found nothing).
    pub fn contact(&mut self, at: DateTime<Utc>) -> Vec<Script> {
        if self.dice.chance(CONSULTATION_SHARE) {
            return vec![self.consultation(at)];
        }
        match self.dice.pick(&REQUEST_CHANNELS) {
            0 => vec![self.request(at, Channel::Hotline)],
            1 => vec![self.request(at, Channel::GridPatrol)],
            2 => vec![self.request(at, Channel::WalkIn)],
            _ => {
                let findings = if self.dice.chance(SECOND_FINDING) {
                    2
                } else {
                    1
                };
                let mut visits = vec![self.visit(at, findings)];
                if self.dice.chance(EMPTY_VISIT) {
                    let later = at + self.dice.hours(0.0, 4.0);
                    visits.push(self.visit(later, 0));
                }
                visits
            }
        }
    }

    fn consultation(&mut self, at: DateTime<Utc>) -> Script {
        let place = self.place();
        let (category, question) = self.consultations.draw(&mut self.dice);
        let requester = self.requester();
        let body = open_body(
            Channel::Hotline,
            CaseKind::Consultation,
            &category,
            None,
            &question,
            &place,
            Some(requester),
        );
        let answer = Step {
            wait: Wait::After(self.dice.minutes(1.0, 6.0)),
            who: Who::Hotline,
            endpoint: Endpoint::Case("answer"),
            body: json!({"note": "已按政策口径直接答复"}),
            label: "answer",
            expect: Expect::Success,
            marks: None,
        };
        Script {
            at,
            opening: opening(Who::Hotline, Endpoint::Open, body, "open"),
            lives: vec![vec![answer]],
        }
    }

    fn request(&mut self, at: DateTime<Utc>, channel: Channel) -> Script {
        let place = self.place();
        let (opener, party, kind, requester) = match channel {
            Channel::Hotline => (
                Who::Hotline,
                Who::Hotline,
                self.kind(),
                Some(self.requester()),
            ),
            Channel::GridPatrol => (
                Who::Volunteer(grid_worker(&place.street, 1)),
                Who::Dispatcher(place.street.clone()),
                CaseKind::Report,
                None,
            ),
            _ => {
                let street = Who::Dispatcher(place.street.clone());
                (street.clone(), street, self.kind(), Some(self.requester()))
            }
        };
        let (category, description) = self.requests.draw(&mut self.dice);
        let upgraded = self.dice.chance(EMERGENCY_UPGRADE);
        let urgency = upgraded.then_some(Urgency::Emergency);
        let body = open_body(
            channel,
            kind,
            &category,
            urgency,
            &description,
            &place,
            requester,
        );
        let intake = self.intake(place, &category, urgency, party, false);
        let life = lifecycle::request(&mut self.dice, &self.org, &intake);
        Script {
            at,
            opening: opening(opener, Endpoint::Open, body, "open"),
            lives: vec![life],
        }
    }

    fn visit(&mut self, at: DateTime<Utc>, findings: u32) -> Script {
        let place = self.place();
        let worker = grid_worker(&place.street, 1);
        let mut found = Vec::new();
        let mut lives = Vec::new();
        for _ in 0..findings {
            let (category, description) = self.requests.draw(&mut self.dice);
            found.push(json!({"category": category, "description": description,
                              "address": place.address}));
            let party = Who::Dispatcher(place.street.clone());
            let intake = self.intake(place.clone(), &category, None, party, true);
            lives.push(lifecycle::request(&mut self.dice, &self.org, &intake));
        }
        let body = json!({
            "street": place.street, "community": place.community,
            "visitors": [worker, format!("在职党员-{}", self.dice.below(100))],
            "households": 3 + self.dice.below(28), "findings": found,
        });
        Script {
            at,
            opening: opening(Who::Volunteer(worker), Endpoint::Visit, body, "visit"),
            lives,
        }
    }

    fn intake(
        &self,
        place: Place,
        category: &str,
        urgency: Option<Urgency>,
        party: Who,
        finding: bool,
    ) -> Intake {
        let known = self.org.category(category);
        Intake {
            urgency: urgency
                .or(known.map(|c| c.default_urgency))
                .unwrap_or(Urgency::Ordinary),
            default_department: known.and_then(|c| c.default_department.clone()),
            place,
            party,
            finding,
        }
    }

    /// A street, community and grid of the organisation, evenly (among streets and communities
    /// that have grids: the simulator checks there is one).
    fn place(&mut self) -> Place {
        let org = self.org.clone();
        let streets: Vec<_> = org.streets.iter().filter(|s| has_grids(s)).collect();
        let street = *self.dice.one_of(&streets);
        let communities: Vec<_> = street
            .communities
            .iter()
            .filter(|c| !c.grids.is_empty())
            .collect();
        let community = *self.dice.one_of(&communities);
        let grid = self.dice.one_of(&community.grids).clone();
        let building = 1 + self.dice.below(30);
        Place {
            street: street.code.clone(),
            community: community.code.clone(),
            address: format!("{}{building}号楼", community.name),
            grid,
        }
    }

    fn kind(&mut self) -> CaseKind {
        const KINDS: [CaseKind; 4] = [
            CaseKind::Complaint,
            CaseKind::Help,
            CaseKind::Report,
            CaseKind::Suggestion,
        ];
        KINDS[self.dice.pick(&REQUEST_KINDS)]
    }

    fn requester(&mut self) -> Value {
        const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
        let surname = self.dice.one_of(&SURNAMES);
        let title = if self.dice.chance(0.5) {
            "先生"
        } else {
            "女士"
        };
        let phone = format!("13{:09}", self.dice.below(1_000_000_000));
        json!({"name": format!("{surname}{title}"), "phone": phone})
    }
}
