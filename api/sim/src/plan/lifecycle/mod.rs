//! The life of one request after it is opened (DESIGN §3): dispatch about five minutes after the
//! call, sometimes a return, sign-for and contact (mostly on time), sometimes a whistle, a task or
//! a progress note, resolution, verification by whoever dispatched it, callbacks (some
//! unreachable), sometimes a reopen, and the close. The case's own state is tracked here only as
//! far as it decides who may act next.

mod closing;
mod returns;
mod teamwork;

use chrono::Duration;
use serde_json::{json, Value};
use shaobao_domain::org::Organisation;
use shaobao_domain::sla::{Timer, Urgency};

use super::draw::Dice;
use super::{Anchor, Endpoint, Expect, Step, Wait, Who};
use crate::calibration::*;

/// Where a simulated resident lives.
#[derive(Debug, Clone)]
pub(super) struct Place {
    pub street: String,
    pub community: String,
    pub grid: String,
    pub address: String,
}

/// What the planner knows about a request when it is opened.
pub(super) struct Intake {
    pub place: Place,
    pub urgency: Urgency,
    pub default_department: Option<String>,
    /// Who dispatches it: the hotline, or the street's dispatcher.
    pub party: Who,
    /// A household visit's finding.
    pub finding: bool,
}

/// The steps of one request's life.
pub(super) fn request(dice: &mut Dice, org: &Organisation, intake: &Intake) -> Vec<Step> {
    let mut life = Life {
        dice,
        org,
        intake,
        steps: Vec::new(),
        unit: intake.party.clone(),
        self_dispatched: false,
    };
    life.dispatch();
    let returns = !life.self_dispatched && life.dice.chance(RETURN);
    let before_sign = returns && life.dice.chance(RETURN_BEFORE_SIGN);
    if before_sign {
        let early = life.sla(Timer::Sign(intake.urgency), 0.1, 0.5, Anchor::Dispatch);
        life.hand_back(early);
    }
    // A return after sign-for must stay inside the return window: sign on time then.
    life.sign(returns && !before_sign);
    if returns && !before_sign {
        let late = Wait::After(life.dice.minutes(10.0, 240.0));
        if life.hand_back(late) {
            life.sign(false);
        }
    }
    life.contact();
    if intake.urgency == Urgency::Complex && life.dice.chance(PARK_COMPLEX) {
        life.park();
        return life.steps;
    }
    if matches!(life.unit, Who::Dispatcher(_)) && life.dice.chance(WHISTLE) {
        life.whistle();
    }
    let task = if intake.finding {
        TASK_ON_FINDING
    } else {
        TASK_ON_REQUEST
    };
    if life.dice.chance(task) {
        life.task();
    }
    if life.dice.chance(PROGRESS_NOTE) {
        let wait = Wait::After(life.dice.hours(1.0, 24.0));
        let note = json!({"note": "已到现场查看，正在协调处理"});
        life.push(wait, life.unit.clone(), "progress", note);
    }
    let outcome = life.resolve(Anchor::Dispatch);
    life.verify();
    life.close_the_loop(outcome, false);
    life.steps
}

struct Life<'a> {
    dice: &'a mut Dice,
    org: &'a Organisation,
    intake: &'a Intake,
    steps: Vec<Step>,
    /// The handling unit.
    unit: Who,
    /// A street that dispatched to itself: nobody verifies its resolution.
    self_dispatched: bool,
}

impl Life<'_> {
    fn step(&mut self, wait: Wait, who: Who, endpoint: Endpoint, body: Value, label: &'static str) {
        self.steps.push(Step {
            wait,
            who,
            endpoint,
            body,
            label,
            expect: Expect::Success,
            marks: None,
        });
    }

    fn push(&mut self, wait: Wait, who: Who, action: &'static str, body: Value) {
        self.step(wait, who, Endpoint::Case(action), body, action);
    }

    fn mark(&mut self, anchor: Anchor) {
        if let Some(step) = self.steps.last_mut() {
            step.marks = Some(anchor);
        }
    }

    /// A time between `low` and `high` of the SLA window from the anchor.
    fn sla(&mut self, timer: Timer, low: f64, high: f64, from: Anchor) -> Wait {
        let fraction = self.dice.uniform(low, high);
        Wait::Sla {
            timer,
            fraction,
            from,
            within: None,
        }
    }

    /// On time (a fraction of the window) or, with `late`'s probability, past it.
    fn on_time_or_late(&mut self, timer: Timer, late: f64, high: f64, from: Anchor) -> Wait {
        if self.dice.chance(late) {
            self.sla(timer, 1.05, 1.6, from)
        } else {
            self.sla(timer, 0.03, high, from)
        }
    }

    fn street(&self) -> Who {
        Who::Dispatcher(self.intake.place.street.clone())
    }

    fn dispatch(&mut self) {
        let street = self.street();
        let (to_department, pause) = match self.intake.party {
            Who::Hotline => (
                HOTLINE_TO_DEPARTMENT,
                2.0 + self.dice.exponential_minutes(3.0),
            ),
            _ => (STREET_TO_DEPARTMENT, self.dice.uniform(10.0, 60.0)),
        };
        let department = self.intake.default_department.clone();
        self.unit = match department {
            Some(department) if self.dice.chance(to_department) => Who::Department(department),
            _ => street.clone(),
        };
        self.self_dispatched = self.intake.party == street && self.unit == street;
        let body = json!({"unit": unit_json(&self.unit)});
        let wait = Wait::After(Duration::seconds((pause.min(30.0) * 60.0) as i64));
        self.push(wait, self.intake.party.clone(), "dispatch", body);
        self.mark(Anchor::Dispatch);
    }

    /// Signing on time leaves room to contact the requester on time as well (where contact is
    /// due first, as for a utility outage reported at night, it is signed within that window).
    fn sign(&mut self, surely_on_time: bool) {
        let late = if surely_on_time { 0.0 } else { LATE_SIGN };
        let urgency = self.intake.urgency;
        let mut wait = self.on_time_or_late(Timer::Sign(urgency), late, 0.6, Anchor::Dispatch);
        if let Wait::Sla {
            fraction, within, ..
        } = &mut wait
        {
            if *fraction < 1.0 {
                *within = Some(Timer::Contact(urgency));
            }
        }
        self.push(wait, self.unit.clone(), "sign", json!({}));
    }

    fn contact(&mut self) {
        let timer = Timer::Contact(self.intake.urgency);
        let wait = self.on_time_or_late(timer, LATE_CONTACT, 0.7, Anchor::Dispatch);
        let channel = ["phone", "phone", "phone", "visit", "sms"][self.dice.below(5) as usize];
        let body = json!({"channel": channel, "note": "已与诉求人取得联系"});
        self.push(wait, self.unit.clone(), "contact", body);
    }

    /// 挂账 until a review date far beyond the simulation: the case stays parked.
    fn park(&mut self) {
        let wait = Wait::After(self.dice.hours(1.0, 24.0));
        let body = json!({"reason": "funding", "review_at": "2099-01-01T00:00:00Z"});
        self.push(wait, self.intake.party.clone(), "park", body);
    }
}

/// A handling unit as the API names it: `{"street": code}` or `{"department": code}`.
fn unit_json(unit: &Who) -> Value {
    match unit {
        Who::Department(code) => json!({"department": code}),
        Who::Dispatcher(street) => json!({"street": street}),
        Who::Hotline | Who::Volunteer(_) => {
            unreachable!("only streets and departments handle cases")
        }
    }
}
