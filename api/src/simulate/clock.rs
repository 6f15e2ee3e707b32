//! Virtual time: a clock that starts at a fixed instant and runs `speed` times faster than real
//! time. The in-process server stamps commands with it (and its deadline service fires by it);
//! the simulated clients sleep on it, so both sides agree on what "five minutes later" means.
//!
//! It holds still until [`VirtualClock::run`] (setting up the server costs no virtual time) and
//! whenever [`VirtualClock::hold`] is called: the simulator holds it while a request is due and
//! unanswered, so a slow machine makes the run longer, never the simulated people late (`speed`
//! is the most it compresses time).

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use shaobao_services::clock::Clock;
use tokio::time::Instant;

/// How often a sleeper looks again while the clock holds still.
const HELD_POLL: Duration = Duration::from_millis(5);

#[derive(Debug)]
pub struct VirtualClock {
    speed: f64,
    state: Mutex<Pace>,
}

/// The clock showed `shown` at the real instant `since`, and runs from there if `running`.
#[derive(Debug, Clone, Copy)]
struct Pace {
    shown: DateTime<Utc>,
    since: Instant,
    running: bool,
}

impl Pace {
    fn now(&self, speed: f64) -> DateTime<Utc> {
        if !self.running {
            return self.shown;
        }
        let virtual_nanos = self.since.elapsed().as_secs_f64() * speed * 1e9;
        self.shown + chrono::Duration::nanoseconds(virtual_nanos as i64)
    }
}

impl VirtualClock {
    /// Shows `start` until [`run`](Self::run), then advances `speed` virtual seconds per real
    /// second.
    pub fn new(start: DateTime<Utc>, speed: f64) -> Self {
        VirtualClock {
            speed,
            state: Mutex::new(Pace {
                shown: start,
                since: Instant::now(),
                running: false,
            }),
        }
    }

    fn pace(&self) -> std::sync::MutexGuard<'_, Pace> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Lets time run (again); nothing if it runs.
    pub fn run(&self) {
        let mut pace = self.pace();
        if !pace.running {
            pace.since = Instant::now();
            pace.running = true;
        }
    }

    /// Stops time where it is until the next [`run`](Self::run).
    pub fn hold(&self) {
        let mut pace = self.pace();
        if pace.running {
            pace.shown = pace.now(self.speed);
            pace.running = false;
        }
    }

    /// Virtual seconds per real second, while running.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// The real instant at which this clock will show `at` if it keeps running (`None` while it
    /// holds still).
    fn instant_of(&self, at: DateTime<Utc>) -> Option<Instant> {
        let pace = *self.pace();
        let ahead = (at - pace.shown).num_milliseconds() as f64 / 1000.0;
        pace.running
            .then(|| pace.since + Duration::from_secs_f64((ahead / self.speed).max(0.0)))
    }

    /// Returns once the clock shows `at` or later.
    pub async fn sleep_until(&self, at: DateTime<Utc>) {
        let close_enough = chrono::Duration::milliseconds(1);
        while self.now() + close_enough < at {
            match self.instant_of(at) {
                Some(instant) => tokio::time::sleep_until(instant).await,
                None => tokio::time::sleep(HELD_POLL).await,
            }
        }
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> DateTime<Utc> {
        self.pace().now(self.speed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn virtual_time_runs_at_its_speed_and_holds_when_told() {
        let start = Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap();
        let clock = VirtualClock::new(start, 3600.0);
        assert_eq!(clock.now(), start);
        assert_eq!(clock.instant_of(start), None);
        clock.run();
        let since = clock.pace().since;
        let an_hour_later = start + chrono::Duration::hours(1);
        assert_eq!(clock.instant_of(an_hour_later), Some(since + Duration::from_secs(1)));
        assert_eq!(clock.instant_of(start - chrono::Duration::days(1)), Some(since));
        clock.hold();
        let held = clock.now();
        assert!(held >= start);
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), held);
        clock.run();
        assert!(clock.now() >= held);
    }
}
