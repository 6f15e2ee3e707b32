//! Community mobilisation in the simulated district (DESIGN §3): the grid workers report to a
//! community of their street on the first morning 回小区报到; every community's street publishes
//! needs 需求清单 through the working day, which a resident unit or a member living there claims,
//! delivers and the street confirms (a few are withdrawn); units offer resources 资源清单.
//!
//! Rates follow the pioneers' published figures, scaled to one district: 乐山 communities list a
//! need or two a month and score units a few points per item, so that a unit's year lands
//! around the 60-point floor and the 100-point commendation line (some units do much more than
//! others: claims go to units in proportion to 1 / rank); 江北 members took about a third of the
//! tasks. Drawn from their own seeded dice, so the case plan of a seed is the same as before.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use shaobao_domain::org::Organisation;

use super::bodies::opening;
use super::draw::Dice;
use super::{grid_worker, Endpoint, Expect, Script, Step, Wait, Who};

/// Needs a community publishes per day (about two a month).
pub const NEEDS_PER_COMMUNITY_DAY: f64 = 0.066;
/// Resources a unit offers per day (about one a fortnight), to one community.
pub const RESOURCES_PER_UNIT_DAY: f64 = 0.07;
/// Share of needs a registered member living in the community claims (江北: about a third).
pub const MEMBER_CLAIM_SHARE: f64 = 0.35;
/// Share of needs the street withdraws before anyone claims them.
pub const WITHDRAWN_SHARE: f64 = 0.05;

/// What a community asks for, by kind, with the points the street publishes it with.
const NEEDS: &[(&str, &str, u32)] = &[
    ("practical", "为独居老人楼道更换声控灯", 8),
    ("practical", "修缮小区健身器材", 10),
    ("practical", "清理楼道堆放杂物", 6),
    ("mediation", "调解邻里漏水纠纷", 6),
    ("mediation", "协调停车位占用矛盾", 5),
    ("policy_talk", "宣讲垃圾分类新规", 4),
    ("policy_talk", "讲解养老保险政策", 4),
    ("volunteering", "周末社区义诊帮忙", 3),
    ("volunteering", "陪伴空巢老人读报", 3),
];

/// What units offer.
const RESOURCES: &[&str] = &[
    "会议室周末开放",
    "法律咨询进社区",
    "十名志愿者（周六）",
    "健康讲座",
    "车辆支援一天",
];

/// The dice's seed for community scripts: apart from the case plan's.
const SEED_OFFSET: u64 = 0x636f_6d6d_756e_6974;

pub struct CommunityPlanner<'a> {
    dice: Dice,
    org: &'a Organisation,
    /// (street, community, member) of every member the plan registers.
    members: Vec<(String, String, String)>,
}

impl<'a> CommunityPlanner<'a> {
    pub fn new(org: &'a Organisation, seed: u64) -> Self {
        CommunityPlanner {
            dice: Dice::new(seed ^ SEED_OFFSET),
            org,
            members: vec![],
        }
    }

    /// The first morning: each street's two grid workers report to the first and second
    /// community of their street.
    pub fn registrations(&mut self, start: DateTime<Utc>) -> Vec<Script> {
        let mut scripts = vec![];
        for street in &self.org.streets {
            for (k, community) in (1..=2).zip(street.communities.iter().cycle()) {
                let member = grid_worker(&street.code, k);
                let at = start + self.dice.minutes(1.0, 30.0);
                let body = json!({"name": format!("网格员{k}号"), "community": community.code});
                let step = opening(
                    Who::Volunteer(member.clone()),
                    Endpoint::Members,
                    body,
                    "member",
                );
                self.members
                    .push((street.code.clone(), community.code.clone(), member));
                scripts.push(Script {
                    at,
                    opening: step,
                    lives: vec![],
                });
            }
        }
        scripts
    }

    /// One day's needs and offers, in the working hours after `day_start` (08:00 in Beijing).
    pub fn day(&mut self, day_start: DateTime<Utc>) -> Vec<Script> {
        let mut scripts = vec![];
        for street in &self.org.streets {
            for community in &street.communities {
                if self.dice.chance(NEEDS_PER_COMMUNITY_DAY) {
                    let at = day_start + self.dice.hours(1.0, 10.0);
                    scripts.push(self.need(at, &street.code, &community.code));
                }
            }
        }
        let communities: Vec<&str> = self
            .org
            .streets
            .iter()
            .flat_map(|s| s.communities.iter().map(|c| c.code.as_str()))
            .collect();
        for unit in &self.org.departments {
            if communities.is_empty() || !self.dice.chance(RESOURCES_PER_UNIT_DAY) {
                continue;
            }
            let at = day_start + self.dice.hours(1.0, 10.0);
            let community = self.dice.one_of(&communities).to_string();
            let title = *self.dice.one_of(RESOURCES);
            let body = json!({"title": title, "capacity": 1 + self.dice.below(3)});
            let who = Who::Department(unit.code.clone());
            scripts.push(Script {
                at,
                opening: opening(who, Endpoint::Resources(community), body, "resource"),
                lives: vec![],
            });
        }
        scripts
    }

    fn need(&mut self, at: DateTime<Utc>, street: &str, community: &str) -> Script {
        let (kind, title, points) = *self.dice.one_of(NEEDS);
        let body = json!({"title": title, "kind": kind, "points": points});
        let dispatcher = Who::Dispatcher(street.to_string());
        let endpoint = Endpoint::Needs(community.to_string());
        let publish = opening(dispatcher.clone(), endpoint, body, "need");
        let mut life = vec![];
        let withdrawn = self.dice.chance(WITHDRAWN_SHARE);
        match self.claimant(community) {
            Some(claimant) if !withdrawn => {
                let summary = json!({"summary": format!("{title}：已完成")});
                life.push(self.step(0.5, 12.0, claimant.clone(), "claim", json!({})));
                life.push(self.step(4.0, 48.0, claimant, "deliver", summary));
                life.push(self.step(1.0, 24.0, dispatcher, "confirm", json!({})));
            }
            _ => {
                let reason = json!({"reason": "居民已自行解决"});
                life.push(self.step(2.0, 24.0, dispatcher, "withdraw", reason));
            }
        }
        Script {
            at,
            opening: publish,
            lives: vec![life],
        }
    }

    /// A member living in the community (sometimes), otherwise a unit, busier units likelier;
    /// `None` in a district without units or members.
    fn claimant(&mut self, community: &str) -> Option<Who> {
        let living_here: Vec<&String> = self
            .members
            .iter()
            .filter(|(_, c, _)| c == community)
            .map(|(_, _, m)| m)
            .collect();
        if !living_here.is_empty() && self.dice.chance(MEMBER_CLAIM_SHARE) {
            return Some(Who::Volunteer(self.dice.one_of(&living_here).to_string()));
        }
        if self.org.departments.is_empty() {
            return None;
        }
        let weights: Vec<f64> = (1..=self.org.departments.len())
            .map(|rank| 1.0 / rank as f64)
            .collect();
        let unit = &self.org.departments[self.dice.pick(&weights)];
        Some(Who::Department(unit.code.clone()))
    }

    /// A step on the need, `low`–`high` hours after the previous one.
    fn step(&mut self, low: f64, high: f64, who: Who, action: &'static str, body: Value) -> Step {
        Step {
            wait: Wait::After(self.dice.hours(low, high)),
            who,
            endpoint: Endpoint::Need(action),
            body,
            label: match action {
                "claim" => "need-claim",
                "deliver" => "need-deliver",
                "confirm" => "need-confirm",
                _ => "need-withdraw",
            },
            expect: Expect::Success,
            marks: None,
        }
    }
}
