//! Plays a plan against the HTTP API: one task per script sleeps on the virtual clock until each
//! step is due and sends it with its role's token; at most `concurrency` requests are in flight
//! at once (the simulated clients). A step whose answer is not the planned one ends its case's
//! script (what follows would be refused too) and is counted.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use shaobao_domain::org::Organisation;
use shaobao_services::clock::Clock;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

mod send;

use super::client::ApiClient;
use super::clock::{Appointment, VirtualClock};
use super::plan::{Anchor, Plan, Script, Step, Wait, Who};
use super::roster::Roster;
use super::tally::Tally;

/// Tries per request when there is no answer or a 503 (same Idempotency-Key each time).
const ATTEMPTS: u32 = 5;

pub struct Runner {
    client: ApiClient,
    pub roster: Roster,
    pub clock: Arc<VirtualClock>,
    /// The server's organisation: SLA windows are measured with its policy and calendar.
    org: Arc<Organisation>,
    options: Options,
    permits: Semaphore,
    pub tally: Mutex<Tally>,
}

/// One case's remaining life.
struct Life {
    key: String,
    /// What the steps act on: the case id, or `<community>/needs/<no>`.
    subject: String,
    opened: DateTime<Utc>,
    steps: Vec<Step>,
}

/// How a runner plays.
pub struct Options {
    pub mode: Mode,
    /// Requests in flight at most (the simulated clients).
    pub concurrency: usize,
    /// Multiplies planned pauses: 1 where the clock is virtual and the policy nominal; the SLA
    /// scale where a real clock meets a compressed policy (the demo).
    pub pace: f64,
    /// Prefix of every Idempotency-Key (the seed, or the demo's run).
    pub keys: String,
    pub progress: ProgressBar,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Report failures at the end.
    Simulation,
    /// Log failures as they happen (the demo runs for ever).
    Demo,
}

impl Runner {
    pub fn new(
        client: ApiClient,
        roster: Roster,
        clock: Arc<VirtualClock>,
        org: Arc<Organisation>,
        options: Options,
    ) -> Runner {
        Runner {
            client,
            roster,
            clock,
            org,
            permits: Semaphore::new(options.concurrency),
            options,
            tally: Mutex::new(Tally::default()),
        }
    }

    pub fn client(&self) -> &ApiClient {
        &self.client
    }

    pub fn progress(&self) -> &ProgressBar {
        &self.options.progress
    }

    /// Planned pauses are multiplied by this (see [`Options::pace`]).
    pub fn pace(&self) -> f64 {
        self.options.pace
    }

    /// Runs every script of the plan to its end.
    pub async fn run(self: &Arc<Self>, plan: Plan) {
        let mut scripts = JoinSet::new();
        for (n, script) in plan.scripts.into_iter().enumerate() {
            let booked = self.clock.appointment(script.at);
            scripts.spawn(self.clone().script(n, script, booked));
        }
        while scripts.join_next().await.is_some() {}
    }

    /// Opens the case (or records the visit) at the booked time, then lives each resulting
    /// case's life. Every next step is booked before the current one's appointment is let go,
    /// so the clock cannot slip past it.
    pub async fn script(self: Arc<Self>, n: usize, script: Script, booked: Appointment) {
        booked.arrive().await;
        let key = format!("{}-{n}", self.options.keys);
        let skipped: u64 = script.lives.iter().map(|life| life.len() as u64).sum();
        let Some(answer) = self.send(&script.opening, "", &format!("{key}-open")).await else {
            self.skip(skipped);
            return;
        };
        let opened = self.clock.now();
        let subjects = script.opening.endpoint.subjects(&answer);
        if subjects.len() != script.lives.len() {
            let what = format!(
                "{key}: {} subjects for {} lives",
                subjects.len(),
                script.lives.len()
            );
            self.tally.lock().expect("tally").failed(0, what);
            self.skip(skipped);
            return;
        }
        if script.opening.endpoint.opens_cases() {
            self.tally.lock().expect("tally").cases_opened += subjects.len() as u64;
        }
        let mut lives = JoinSet::new();
        for (i, (steps, subject)) in script.lives.into_iter().zip(subjects).enumerate() {
            let first = self
                .clock
                .appointment(self.due(steps[0].wait, opened, &HashMap::new()));
            let life = Life {
                key: format!("{key}-{i}"),
                subject,
                opened,
                steps,
            };
            lives.spawn(self.clone().life(life, first));
        }
        drop(booked);
        while lives.join_next().await.is_some() {}
    }

    async fn life(self: Arc<Self>, life: Life, mut booked: Appointment) {
        let mut anchors = HashMap::new();
        for (i, step) in life.steps.iter().enumerate() {
            booked.arrive().await;
            let key = format!("{}-{i}", life.key);
            if self.send(step, &life.subject, &key).await.is_none() {
                self.skip((life.steps.len() - i - 1) as u64);
                return;
            }
            let answered = self.clock.now();
            if let Some(anchor) = step.marks {
                anchors.insert(anchor, answered);
            }
            if step.label == "dispatch" && step.who == Who::Hotline {
                let delay = (answered - life.opened).num_milliseconds() as f64 / 1000.0;
                self.tally
                    .lock()
                    .expect("tally")
                    .dispatch_delays
                    .push(delay);
            }
            if let Some(next) = life.steps.get(i + 1) {
                booked = self
                    .clock
                    .appointment(self.due(next.wait, answered, &anchors));
            }
        }
    }

    /// When a step is due: a pause after the previous step, or a fraction of an SLA window from
    /// its anchor (but never less than a minute after the previous step).
    fn due(
        &self,
        wait: Wait,
        previous: DateTime<Utc>,
        anchors: &HashMap<Anchor, DateTime<Utc>>,
    ) -> DateTime<Utc> {
        let scaled = |span: chrono::Duration, factor: f64| {
            chrono::Duration::milliseconds((span.num_milliseconds() as f64 * factor) as i64)
        };
        match wait {
            Wait::After(pause) => previous + scaled(pause, self.options.pace),
            Wait::Sla {
                timer,
                fraction,
                from,
                within,
            } => {
                let anchor = anchors.get(&from).copied().unwrap_or(previous);
                let window = |timer| self.org.due(timer, anchor) - anchor;
                let window = within.map_or(window(timer), |other| window(timer).min(window(other)));
                let earliest = previous + scaled(chrono::Duration::minutes(1), self.options.pace);
                (anchor + scaled(window, fraction)).max(earliest)
            }
        }
    }
}
