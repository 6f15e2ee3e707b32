//! Dice for the planner: every random choice of a plan comes from one seeded generator, drawn in
//! a fixed order, so a seed always gives the same plan (with the same build of `rand`).

use chrono::Duration;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub(super) struct Dice(StdRng);

impl Dice {
    pub fn new(seed: u64) -> Self {
        Dice(StdRng::seed_from_u64(seed))
    }

    pub fn chance(&mut self, probability: f64) -> bool {
        self.0.gen_bool(probability.clamp(0.0, 1.0))
    }

    pub fn uniform(&mut self, low: f64, high: f64) -> f64 {
        self.0.gen_range(low..high)
    }

    /// An index into `weights`, drawn in proportion to them.
    pub fn pick(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut left = self.uniform(0.0, total);
        for (i, weight) in weights.iter().enumerate() {
            if left < *weight {
                return i;
            }
            left -= weight;
        }
        weights.len() - 1
    }

    pub fn one_of<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.0.gen_range(0..items.len())]
    }

    pub fn below(&mut self, n: u32) -> u32 {
        self.0.gen_range(0..n)
    }

    pub fn minutes(&mut self, low: f64, high: f64) -> Duration {
        Duration::seconds((self.uniform(low, high) * 60.0) as i64)
    }

    pub fn hours(&mut self, low: f64, high: f64) -> Duration {
        self.minutes(low * 60.0, high * 60.0)
    }

    /// An exponentially distributed number of minutes with this mean.
    pub fn exponential_minutes(&mut self, mean: f64) -> f64 {
        -mean * (1.0 - self.uniform(0.0, 1.0)).ln()
    }
}
