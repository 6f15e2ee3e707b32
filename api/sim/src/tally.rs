//! What the simulated clients saw: successes by step label, expected refusals, every unexpected
//! answer by status, and the measurements the report needs.

use std::collections::BTreeMap;

use shaobao_services::store::LogPosition;

/// Unexpected answers kept verbatim for the report.
const KEPT_FAILURES: usize = 10;

#[derive(Debug, Default)]
pub struct Tally {
    /// Requests sent, retries included.
    pub requests: u64,
    pub retries: u64,
    /// Cases opened, directly or as a visit's findings.
    pub cases_opened: u64,
    /// Answered as planned, by step label.
    pub ok: BTreeMap<&'static str, u64>,
    /// 409s the plan expected (a task claimed twice).
    pub expected_refusals: u64,
    /// Any other answer, by status (0: no answer at all).
    pub unexpected: BTreeMap<u16, u64>,
    pub failures: Vec<String>,
    /// Steps never sent because an earlier step of their case failed.
    pub skipped: u64,
    /// Virtual seconds from the hotline's call to its dispatch.
    pub dispatch_delays: Vec<f64>,
    /// The latest position any command answered, for read-your-writes.
    pub last_position: Option<LogPosition>,
}

impl Tally {
    pub fn succeeded(&mut self, label: &'static str, position: Option<LogPosition>) {
        *self.ok.entry(label).or_default() += 1;
        if position > self.last_position {
            self.last_position = position;
        }
    }

    pub fn failed(&mut self, status: u16, what: String) {
        *self.unexpected.entry(status).or_default() += 1;
        if self.failures.len() < KEPT_FAILURES {
            self.failures.push(what);
        }
    }
}
