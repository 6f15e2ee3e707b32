//! One group's figures ([`StatsRow`]) and the tallies they are counted in, shared by case rows
//! and unit rows.
//!
//! "On time" rates share one rule: a clock counts once it was met or its due time has passed
//! (before a horizon: the query's `now`, or the end of an obligation), and counts as on time when
//! met no later than due.

use serde::Serialize;

use super::Weights;

/// One group's figures. Rates are fractions in [0, 1], null when nothing counts yet.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsRow {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handling_street: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub month: String,
    /// Case rows: cases opened in the month (not excluded), and the dispatched among them.
    /// Unit rows: the cases dispatched to the unit (both counts the same).
    pub cases: u64,
    pub dispatched: u64,
    /// Unit rows: dispatches to the unit 承办义务, each with its own clocks.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub obligations: Option<u64>,
    /// Unit rows: cases on which the unit was a co-unit 协办 (counted nowhere else).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub co_handled: Option<u64>,
    /// Cases whose last callback reached the requester (unit rows: of the cases whose accepted
    /// resolution the unit submitted); of those resolved, satisfied, basically satisfied.
    pub callbacks_reached: u64,
    pub resolved: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub response_rate: Option<f64>,
    pub resolution_rate: Option<f64>,
    pub satisfaction_rate: Option<f64>,
    /// Null when any of the three rates above is.
    pub composite_score: Option<f64>,
    pub on_time_sign_rate: Option<f64>,
    pub on_time_resolution_rate: Option<f64>,
    /// Case rows: cases with a return requested ÷ dispatched cases. Unit rows: returns the unit
    /// requested (approved or not) ÷ its obligations.
    pub return_rate: Option<f64>,
    /// Case rows: reopened ÷ dispatched. Unit rows: of the cases it resolved.
    pub reopen_rate: Option<f64>,
    /// Case rows: whistled ÷ dispatched. Unit rows: obligations during which one was blown.
    pub whistle_rate: Option<f64>,
    /// Department rows only: whistle summons, those reported in on time (a decline is not), and
    /// the mean street rating (good 1, fair 0.5, poor 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summons: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time_report_in_rate: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mean_rating: Option<f64>,
    /// Seconds from (first) dispatch to resolution and from opening to closing (nearest rank).
    pub median_resolve_seconds: Option<i64>,
    pub p90_resolve_seconds: Option<i64>,
    pub median_close_seconds: Option<i64>,
    pub p90_close_seconds: Option<i64>,
}

/// A clock's due and met instants (ns).
pub(super) type ClockFacts = (Option<i64>, Option<i64>);

/// A rate's numerator and denominator.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Ratio {
    pub hits: u64,
    pub of: u64,
}

impl Ratio {
    pub fn count(&mut self, counts: bool, hit: bool) {
        if counts {
            self.of += 1;
            self.hits += u64::from(hit);
        }
    }

    /// An on-time clock: counts once met or due before `horizon`, on time when met by its due.
    pub fn clock(&mut self, (due, met): ClockFacts, horizon: i64) {
        if let Some(due) = due {
            self.count(
                met.is_some() || due < horizon,
                met.is_some_and(|m| m <= due),
            );
        }
    }

    pub fn rate(self) -> Option<f64> {
        (self.of > 0).then(|| self.hits as f64 / self.of as f64)
    }
}

/// The last callback of a case, as stored.
#[derive(Debug, Clone, Default)]
pub(super) struct LastCallback {
    pub reached: Option<bool>,
    pub resolved: Option<bool>,
    pub satisfaction: Option<String>,
}

/// Everything a group's row is counted from.
#[derive(Default)]
pub(super) struct Tally {
    pub cases: u64,
    pub dispatched: u64,
    pub obligations: Option<u64>,
    pub co_handled: Option<u64>,
    pub response: Ratio,
    pub sign: Ratio,
    pub resolution_on_time: Ratio,
    pub returns: Ratio,
    pub reopens: Ratio,
    pub whistles: Ratio,
    pub callbacks_reached: u64,
    pub resolved: u64,
    pub satisfied: u64,
    pub basically_satisfied: u64,
    pub summons: Option<u64>,
    pub report_in: Ratio,
    pub ratings: Vec<f64>,
    pub resolve_seconds: Vec<i64>,
    pub close_seconds: Vec<i64>,
}

impl Tally {
    /// A case judged by its last callback (counted only when it reached the requester).
    pub fn callback(&mut self, callback: &LastCallback) {
        if callback.reached != Some(true) {
            return;
        }
        self.callbacks_reached += 1;
        self.resolved += u64::from(callback.resolved == Some(true));
        match callback.satisfaction.as_deref() {
            Some("satisfied") => self.satisfied += 1,
            Some("basically_satisfied") => self.basically_satisfied += 1,
            _ => {}
        }
    }

    /// A rating by the street: good 1, fair 0.5, poor 0.
    pub fn rating(&mut self, rating: Option<&str>) {
        match rating {
            Some("good") => self.ratings.push(1.0),
            Some("fair") => self.ratings.push(0.5),
            Some("poor") => self.ratings.push(0.0),
            _ => {}
        }
    }

    pub fn finish(mut self, weights: &Weights) -> StatsRow {
        let reached = self.callbacks_reached as f64;
        let resolution_rate = (reached > 0.0).then(|| self.resolved as f64 / reached);
        let satisfaction_rate = (reached > 0.0).then(|| {
            (self.satisfied as f64 + weights.basically_satisfied * self.basically_satisfied as f64)
                / reached
        });
        let response_rate = self.response.rate();
        let composite_score = match (response_rate, resolution_rate, satisfaction_rate) {
            (Some(r), Some(s), Some(sat)) => Some(
                100.0
                    * (weights.response * r + weights.resolution * s + weights.satisfaction * sat),
            ),
            _ => None,
        };
        let (median_resolve_seconds, p90_resolve_seconds) = percentiles(&mut self.resolve_seconds);
        let (median_close_seconds, p90_close_seconds) = percentiles(&mut self.close_seconds);
        let summoned = self.summons.is_some();
        StatsRow {
            cases: self.cases,
            dispatched: self.dispatched,
            obligations: self.obligations,
            co_handled: self.co_handled,
            callbacks_reached: self.callbacks_reached,
            resolved: self.resolved,
            satisfied: self.satisfied,
            basically_satisfied: self.basically_satisfied,
            response_rate,
            resolution_rate,
            satisfaction_rate,
            composite_score,
            on_time_sign_rate: self.sign.rate(),
            on_time_resolution_rate: self.resolution_on_time.rate(),
            return_rate: self.returns.rate(),
            reopen_rate: self.reopens.rate(),
            whistle_rate: self.whistles.rate(),
            summons: self.summons,
            on_time_report_in_rate: summoned.then(|| self.report_in.rate()).flatten(),
            mean_rating: (!self.ratings.is_empty())
                .then(|| self.ratings.iter().sum::<f64>() / self.ratings.len() as f64),
            median_resolve_seconds,
            p90_resolve_seconds,
            median_close_seconds,
            p90_close_seconds,
            ..StatsRow::default()
        }
    }
}

/// Median and 90th percentile by nearest rank: the smallest value with at least that share of
/// the values at or below it.
fn percentiles(values: &mut [i64]) -> (Option<i64>, Option<i64>) {
    values.sort_unstable();
    let rank = |p: f64| {
        let n = values.len();
        (n > 0).then(|| values[((p * n as f64).ceil() as usize).clamp(1, n) - 1])
    };
    (rank(0.5), rank(0.9))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_counts_once_met_or_past_due_before_the_horizon() {
        let mut ratio = Ratio::default();
        ratio.clock((Some(10), Some(10)), 0); // met on the dot: on time
        ratio.clock((Some(10), Some(11)), 0); // met late
        ratio.clock((Some(10), None), 11); // ran out before the horizon
        ratio.clock((Some(10), None), 10); // due at the horizon: not yet
        ratio.clock((None, None), 99); // no such clock
        assert_eq!((ratio.hits, ratio.of), (1, 3));
        assert_eq!(Ratio::default().rate(), None);
    }

    #[test]
    fn the_composite_needs_all_three_rates_and_uses_the_weights() {
        let mut tally = Tally::default();
        tally.response.count(true, true);
        assert_eq!(tally.finish(&Weights::default()).composite_score, None);
        let mut tally = Tally::default();
        tally.response.count(true, true);
        for satisfaction in ["satisfied", "basically_satisfied"] {
            tally.callback(&LastCallback {
                reached: Some(true),
                resolved: Some(true),
                satisfaction: Some(satisfaction.into()),
            });
        }
        tally.callback(&LastCallback {
            reached: Some(false),
            ..LastCallback::default()
        });
        let weights = Weights {
            basically_satisfied: 0.5,
            ..Weights::default()
        };
        let row = tally.finish(&weights);
        assert_eq!(
            row.callbacks_reached, 2,
            "an unreached callback counts nowhere"
        );
        assert_eq!(row.satisfaction_rate, Some(0.75));
        let expected = 100.0 * (0.10 + 0.45 + 0.45 * 0.75);
        assert!((row.composite_score.unwrap() - expected).abs() < 1e-9);
    }
}
