//! Sending a step and recording its answer: the same Idempotency-Key again while there is no
//! answer or a 503, then the tally (planned success, expected 409, or an unexpected answer).

use std::time::Duration;

use serde_json::Value;
use shaobao_services::clock::Clock;

use super::{Mode, Runner, ATTEMPTS};
use crate::client::Answer;
use crate::plan::{Expect, Step};

impl Runner {
    /// Sends one step (again, with the same key, while there is no answer or a 503); returns the
    /// answer's body when it is the planned one.
    pub(super) async fn send(&self, step: &Step, case_id: &str, key: &str) -> Option<Value> {
        let path = step.endpoint.path(case_id);
        let Some(token) = self.roster.token(&step.who) else {
            let what = format!("{}: no token for {:?}", step.label, step.who);
            self.tally.lock().expect("tally").failed(0, what);
            return None;
        };
        let mut attempt = 1;
        let answer = loop {
            let permit = self.permits.acquire().await.ok()?;
            let answer = self.client.post(&path, token, key, &step.body).await;
            drop(permit);
            self.tally.lock().expect("tally").requests += 1;
            let again = !matches!(&answer, Ok(a) if a.status != 503);
            if !again || attempt == ATTEMPTS {
                break answer;
            }
            self.tally.lock().expect("tally").retries += 1;
            tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
            attempt += 1;
        };
        let progress = &self.options.progress;
        progress.inc(1);
        progress.set_message(self.clock.now().format("%Y-%m-%d %H:%M").to_string());
        self.record(step, &path, answer)
    }

    fn record(
        &self,
        step: &Step,
        path: &str,
        answer: Result<Answer, reqwest::Error>,
    ) -> Option<Value> {
        let mut tally = self.tally.lock().expect("tally");
        let (status, what) = match answer {
            Ok(answer) => match (step.expect, answer.is_success(), answer.status) {
                (Expect::Success, true, _) => {
                    let position = answer.body["position"]
                        .as_str()
                        .and_then(|p| p.parse().ok());
                    tally.succeeded(step.label, position);
                    return Some(answer.body);
                }
                (Expect::Refused, _, 409) => {
                    tally.expected_refusals += 1;
                    return Some(answer.body);
                }
                (_, _, status) => (
                    status,
                    format!("{} {path}: {status} {}", step.label, answer.message()),
                ),
            },
            Err(err) => (0, format!("{} {path}: {err}", step.label)),
        };
        if self.options.mode == Mode::Demo {
            tracing::warn!("simulated request failed: {what}");
        }
        tally.failed(status, what);
        None
    }

    pub(super) fn skip(&self, steps: u64) {
        self.tally.lock().expect("tally").skipped += steps;
        self.options.progress.inc(steps);
    }
}
