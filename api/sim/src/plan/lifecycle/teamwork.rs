//! Work beyond the handling unit: a whistle summoning departments (吹哨报到), and a task
//! published for the street's volunteers (需求清单).

use serde_json::{json, Map};
use shaobao_domain::sla::{Timer, Urgency, WhistleKind};

use super::Life;
use crate::calibration::*;
use crate::plan::{grid_worker, Anchor, Endpoint, Expect, Wait, Who};

impl Life<'_> {
    /// The street summons a lead and an assisting department; each reports in (or the
    /// assisting one declines), reports what it did, and the street rates those that came.
    pub(super) fn whistle(&mut self) {
        let Some((lead, assist)) = self.summoned() else {
            return;
        };
        let kind = match self.intake.urgency {
            Urgency::Emergency => WhistleKind::Emergency,
            Urgency::Complex => WhistleKind::Crucial,
            _ if self.dice.chance(0.15) => WhistleKind::Crucial,
            _ => WhistleKind::Routine,
        };
        let body = json!({"kind": kind, "note": "多部门联合处置",
            "departments": [{"department": lead, "role": "lead"},
                            {"department": assist, "role": "assist"}]});
        let wait = Wait::After(self.dice.hours(0.5, 6.0));
        self.step(
            wait,
            self.street(),
            Endpoint::Case("whistles"),
            body,
            "whistle",
        );
        self.mark(Anchor::Whistle);
        let timer = Timer::ReportIn(kind);
        let mut reported = vec![lead];
        if self.dice.chance(ASSIST_DECLINES) {
            let wait = self.sla(timer, 0.05, 0.5, Anchor::Whistle);
            let body = json!({"reason": "该事项不在本部门职责范围"});
            let who = Who::Department(assist);
            self.step(wait, who, Endpoint::Whistle("decline"), body, "decline");
        } else {
            reported.push(assist);
        }
        for department in &reported {
            let wait = self.on_time_or_late(timer, LATE_REPORT_IN, 0.7, Anchor::Whistle);
            let mode = ["on_site", "on_site", "meeting", "remote"][self.dice.below(4) as usize];
            let who = Who::Department(department.clone());
            let body = json!({"mode": mode});
            self.step(wait, who, Endpoint::Whistle("report-in"), body, "report-in");
        }
        let mut ratings = Map::new();
        for department in reported {
            let wait = Wait::After(self.dice.hours(1.0, 24.0));
            let body = json!({"summary": "已到场联合处置"});
            let who = Who::Department(department.clone());
            self.step(
                wait,
                who,
                Endpoint::Whistle("action"),
                body,
                "whistle-action",
            );
            let rating = ["good", "fair", "poor"][self.dice.pick(&RATINGS)];
            ratings.insert(department, json!(rating));
        }
        let wait = Wait::After(self.dice.hours(1.0, 8.0));
        let body = json!({"ratings": ratings});
        self.step(
            wait,
            self.street(),
            Endpoint::Whistle("close"),
            body,
            "whistle-close",
        );
    }

    /// The category's department leads (an often-assisting one if it has none); another of the
    /// often-assisting departments assists. `None` in an organisation with one department.
    fn summoned(&mut self) -> Option<(String, String)> {
        let candidates: Vec<String> = ASSISTING
            .iter()
            .filter(|code| self.org.department(code).is_some())
            .map(|code| code.to_string())
            .chain(self.org.departments.iter().map(|d| d.code.clone()))
            .collect();
        let lead = match &self.intake.default_department {
            Some(code) => code.clone(),
            None => candidates.first()?.clone(),
        };
        let others: Vec<&String> = candidates.iter().filter(|code| **code != lead).collect();
        if others.is_empty() {
            return None;
        }
        let assist = others[self.dice.below(others.len().min(ASSISTING.len()) as u32) as usize];
        Some((lead, assist.clone()))
    }

    /// The street publishes a task; one of its grid workers claims, completes it and the street
    /// confirms. Sometimes the other grid worker tries to claim it too late (409, expected).
    pub(super) fn task(&mut self) {
        const TASKS: [(&str, &str, u32); 3] = [
            ("协助孤寡老人清理杂物", "volunteering", 5),
            ("上门调解邻里纠纷", "mediation", 10),
            ("入户宣讲供暖政策", "policy_talk", 5),
        ];
        let (title, kind, points) = *self.dice.one_of(&TASKS);
        let street = self.intake.place.street.clone();
        let (first, second) = (grid_worker(&street, 1), grid_worker(&street, 2));
        let body = json!({"title": title, "kind": kind, "points": points});
        let wait = Wait::After(self.dice.hours(0.5, 4.0));
        self.step(wait, self.street(), Endpoint::Case("tasks"), body, "task");
        let wait = Wait::After(self.dice.minutes(10.0, 180.0));
        self.step(
            wait,
            Who::Volunteer(first.clone()),
            Endpoint::Task("claim"),
            json!({}),
            "claim",
        );
        if self.dice.chance(SECOND_CLAIM) {
            let wait = Wait::After(self.dice.minutes(1.0, 30.0));
            let endpoint = Endpoint::Task("claim");
            self.step(
                wait,
                Who::Volunteer(second),
                endpoint,
                json!({}),
                "claim-taken",
            );
            if let Some(step) = self.steps.last_mut() {
                step.expect = Expect::Refused;
            }
        }
        let wait = Wait::After(self.dice.hours(1.0, 24.0));
        let body = json!({"summary": "已完成"});
        self.step(
            wait,
            Who::Volunteer(first),
            Endpoint::Task("complete"),
            body,
            "complete",
        );
        let wait = Wait::After(self.dice.minutes(30.0, 360.0));
        self.step(
            wait,
            self.street(),
            Endpoint::Task("confirm"),
            json!({}),
            "confirm",
        );
    }
}
