//! Closing the loop: resolution, verification by the dispatching party, callbacks (some do not
//! reach the requester), a reopen for some dissatisfied requesters, and the close.

use serde_json::json;
use shaobao_domain::sla::Timer;

use super::Life;
use crate::calibration::*;
use crate::plan::{Anchor, Endpoint, Wait, Who};

/// Outcomes as the API names them, in the order of `OUTCOMES`.
const OUTCOME_NAMES: [&str; 3] = ["resolved", "partly_resolved", "unresolvable"];
const SATISFACTION_NAMES: [&str; 3] = ["satisfied", "basically_satisfied", "dissatisfied"];

impl Life<'_> {
    /// The handling unit submits its resolution, within the resolve window from `from` (mostly);
    /// returns the outcome's index.
    pub(super) fn resolve(&mut self, from: Anchor) -> usize {
        let timer = Timer::Resolve(self.intake.urgency);
        let wait = self.on_time_or_late(timer, LATE_RESOLUTION, 0.45, from);
        let outcome = self.dice.pick(&OUTCOMES);
        let body = json!({"outcome": OUTCOME_NAMES[outcome], "summary": "已处理完毕并反馈诉求人"});
        self.push(wait, self.unit.clone(), "resolution", body);
        outcome
    }

    /// The dispatching party checks the resolution (nobody does on a street's own case); now
    /// and then it sends it back once.
    pub(super) fn verify(&mut self) {
        if self.self_dispatched {
            return;
        }
        let party = self.intake.party.clone();
        if self.dice.chance(VERIFICATION_REJECTED) {
            let wait = Wait::After(self.dice.minutes(20.0, 360.0));
            let body = json!({"accepted": false, "note": "办理结果与诉求不符，请补充办理"});
            let endpoint = Endpoint::Case("verification");
            self.step(wait, party.clone(), endpoint, body, "verification-rejected");
            let wait = Wait::After(self.dice.hours(2.0, 48.0));
            let body = json!({"outcome": "resolved", "summary": "已补充办理"});
            self.push(wait, self.unit.clone(), "resolution", body);
        }
        let wait = Wait::After(self.dice.minutes(20.0, 360.0));
        self.push(wait, party, "verification", json!({"accepted": true}));
    }

    /// Callbacks until one reaches the requester (or the attempts run out), then the close, with
    /// a reopen in between for some dissatisfied requesters (at most one per case).
    pub(super) fn close_the_loop(&mut self, outcome: usize, reopened: bool) {
        let attempts = self.org.sla.max_callback_attempts.max(1);
        let mut verdict = None;
        for attempt in 0..attempts {
            let wait = match attempt {
                0 => Wait::After(self.dice.hours(1.0, 20.0)),
                _ => Wait::After(self.dice.hours(2.0, 8.0)),
            };
            if self.dice.chance(UNREACHED) {
                let body = json!({"reached": false});
                let endpoint = Endpoint::Case("callback");
                self.step(wait, Who::Hotline, endpoint, body, "callback-unreached");
                continue;
            }
            let resolved_odds = if reopened {
                RESOLVED_AFTER_REOPEN
            } else {
                RESOLVED_IN_VIEW[outcome]
            };
            let resolved = self.dice.chance(resolved_odds);
            let odds = if resolved {
                SATISFACTION_RESOLVED
            } else {
                SATISFACTION_UNRESOLVED
            };
            let satisfaction = self.dice.pick(&odds);
            let body = json!({"reached": true, "resolved": resolved,
                              "satisfaction": SATISFACTION_NAMES[satisfaction]});
            self.push(wait, Who::Hotline, "callback", body);
            verdict = Some((resolved, satisfaction));
            break;
        }
        let dissatisfied = matches!(verdict, Some((false, 2)));
        if reopened || !dissatisfied || !self.dice.chance(REOPEN) {
            self.close();
            return;
        }
        let wait = if self.dice.chance(REOPEN_BEFORE_CLOSE) {
            Wait::After(self.dice.hours(0.5, 6.0))
        } else {
            self.close();
            Wait::After(self.dice.hours(24.0, 120.0))
        };
        self.push(
            wait,
            Who::Hotline,
            "reopen",
            json!({"reason": "诉求人反映问题未解决"}),
        );
        self.mark(Anchor::Reopen);
        let outcome = self.resolve(Anchor::Reopen);
        self.verify();
        self.close_the_loop(outcome, true);
    }

    fn close(&mut self) {
        let wait = Wait::After(self.dice.minutes(10.0, 180.0));
        self.push(wait, Who::Hotline, "close", json!({}));
    }
}
